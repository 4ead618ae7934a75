/**
 * Session data encoding. `signed` is Django's `SessionBase.encode/decode` —
 * `signing.dumps(data, salt='django.contrib.sessions.SessionStore', compress=True)` — which the db and
 * file engines store and Django apps read. `plain` is the serialized data alone, for the cache engines:
 * Django's cache backend keeps the session dict itself, unsigned, and a cache entry is never shared with
 * Django anyway (Django pickles it), so signing it would only cost two HMACs per request.
 * Decoding never throws: a bad signature or payload yields `null` and a security event.
 */
import type { ResolvedOptions, SecurityEvent } from '../options.js';
import type { DataFormat } from '../stores/contract.js';
import { BadSignature, SignatureExpired, TimestampSigner } from '../signing/index.js';
import { jsonSerializer, strictJsonStringify } from '../signing/serializer.js';
import type { SessionData } from './state.js';

// Small sessions (a counter, a user id) almost never shrink by two bytes, and each zlib attempt costs
// more than the rest of a save. Skipping it only changes the bytes, not what Django can read.
const COMPRESS_MIN_BYTES = 64;

// What Django's `dumps` produces: `[.]base64url:timestamp:signature`, no JSON punctuation.
const SIGNED_TOKEN = /^\.?[\w-]+:[\w-]+:[\w-]+$/;

/** Encodes and decodes session data with the configured secrets. */
export interface SessionCodec {
  /** The stored form of `data`: signed (and compressed when it pays), or plain. */
  encode(data: SessionData): string;
  /** The data inside `token`, or `null` when it does not verify or decode (an event is reported). */
  decode(token: string): SessionData | null;
}

/** Options of {@link createCodec}. */
export interface CodecOptions {
  /** The engine's name, for security events. */
  readonly engine: string;
  /** Reject signed values older than this many seconds (signed cookies). @default no limit */
  readonly maxAge?: number;
  /** How the data is stored. @default 'signed' */
  readonly format?: DataFormat;
}

/** A codec for `salt`, signing with `options.secret`, verifying with it and the fallbacks. */
export function createCodec(options: ResolvedOptions, salt: string, codecOptions: CodecOptions): SessionCodec {
  const { engine, maxAge, format = 'signed' } = codecOptions;
  // One signer for the life of the codec: its keys are derived once, not per request.
  const signer = new TimestampSigner({ key: options.secret, fallbackKeys: options.secretFallbacks, salt, now: () => options.now() / 1000 });
  const serializer = options.serializer;
  const signOptions = { serializer, compress: true, compressMinBytes: COMPRESS_MIN_BYTES };
  const unsignOptions = { serializer, maxDecompressedBytes: options.maxDecompressedBytes, ...(maxAge === undefined ? {} : { maxAge }) };
  const report = (type: SecurityEvent['type'], message: string): null => {
    try {
      options.onSecurityEvent({ type, engine, message });
    } catch (error) {
      options.logger.error('sessionkit: onSecurityEvent threw', error);
    }
    return null;
  };
  const asSessionData = (value: unknown): SessionData | null =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as SessionData) : report('bad-payload', 'session data is not a JSON object');

  const decodeSigned = (token: string): SessionData | null => {
    let value: unknown;
    try {
      value = signer.unsignObject(token, unsignOptions);
    } catch (error) {
      if (error instanceof SignatureExpired) return report('expired-cookie', error.message);
      if (error instanceof BadSignature) return report('bad-signature', error.message);
      return report('bad-payload', error instanceof Error ? error.message : String(error));
    }
    return asSessionData(value);
  };
  if (format === 'signed') return { encode: (data) => signer.signObject(data, signOptions), decode: decodeSigned };

  const fromText = (text: string): SessionData | null => {
    let value: unknown;
    try {
      value = serializer === jsonSerializer ? JSON.parse(text) : serializer.loads(Buffer.from(text, 'latin1'));
    } catch (error) {
      // Entries written signed (before the cache engines stored plain data) still read.
      if (SIGNED_TOKEN.test(text)) return decodeSigned(text);
      return report('bad-payload', error instanceof Error ? error.message : String(error));
    }
    return asSessionData(value);
  };
  // The default serializer's text is JSON as it is (no Buffer, no ASCII escaping: nobody else reads it);
  // another serializer's bytes survive as Latin-1, which maps each byte to one character and back.
  const toText = serializer === jsonSerializer ? strictJsonStringify : (data: SessionData) => serializer.dumps(data).toString('latin1');
  return { encode: toText, decode: fromText };
}
