/**
 * Session data encoding. `signed` is Django's `SessionBase.encode/decode` —
 * `signing.dumps(data, salt='django.contrib.sessions.SessionStore', compress=True)` — which the db and
 * file engines store and Django apps read. `plain` is the serialized data alone, for the cache engines:
 * Django's cache backend keeps the session dict itself, unsigned, and a cache entry is never shared with
 * Django anyway (Django pickles it), so signing it would only cost two HMACs per request.
 * Decoding never throws: a bad signature or payload yields `null` and a security event.
 *
 * Both directions apply `maxDataBytes` to the serialized data (before compression), so what is saved can
 * always be read back: encoding refuses larger data with `SessionDataTooLarge` instead of storing what
 * the next load would discard. Decoding also refuses data that a session could not save again (see
 * `session-values.ts`), and ignores an unusable `_session_expiry`.
 */
import { SessionDataTooLarge } from '../errors.js';
import type { ResolvedOptions, SecurityEvent } from '../options.js';
import { BadSignature, PayloadTooLarge, SignatureExpired, TimestampSigner } from '../signing/index.js';
import { jsonSerializer, strictJsonStringify } from '../signing/serializer.js';
import { EXPIRY_KEY, storedExpiryProblem } from './expiry.js';
import { dataProblem, describeDataProblem } from './session-values.js';
import type { SessionData } from './state.js';
import type { DataFormat } from './store-contract.js';

// Small sessions (a counter, a user id) almost never shrink by two bytes, and each zlib attempt costs
// more than the rest of a save. Skipping it only changes the bytes, not what Django can read.
const COMPRESS_MIN_BYTES = 64;

// What Django's `dumps` produces: `[.]base64url:timestamp:signature`, no JSON punctuation.
const SIGNED_TOKEN = /^\.?[\w-]+:[\w-]+:[\w-]+$/;

/** Encodes and decodes session data with the configured secrets. */
export interface SessionCodec {
  /**
   * The stored form of `data`: signed (and compressed when it pays), or plain.
   * @throws SessionDataTooLarge when the serialized data is over `maxDataBytes` (logged as a warning).
   */
  encode(data: SessionData): string;
  /** The data inside `token`, or `null` when it does not verify or decode (an event is reported). */
  decode(token: string): SessionData | null;
}

/** Options of {@link createCodec}. */
export interface CodecOptions {
  /** The engine's name, for security events. */
  readonly engine: string;
  /** Reject signed values older than this many seconds (signed cookies). @default no limit */
  readonly maxAge?: number | undefined;
  /** How the data is stored. @default 'signed' */
  readonly format?: DataFormat | undefined;
}

/** A codec for `salt`, signing with `options.secret`, verifying with it and the fallbacks. */
export function createCodec(options: ResolvedOptions, salt: string, codecOptions: CodecOptions): SessionCodec {
  const { engine, maxAge, format = 'signed' } = codecOptions;
  // One signer for the life of the codec: its keys are derived once, not per request.
  const signer = new TimestampSigner({ key: options.secret, fallbackKeys: options.secretFallbacks, salt, now: () => options.now() / 1000 });
  const serializer = options.serializer;
  const limit = options.maxDataBytes;
  const signOptions = { serializer, compress: true, compressMinBytes: COMPRESS_MIN_BYTES, maxBytes: limit };
  const unsignOptions = { serializer, maxDecompressedBytes: limit, maxBytes: limit, ...(maxAge === undefined ? {} : { maxAge }) };
  const report = (type: SecurityEvent['type'], message: string): null => reportSecurityEvent(options, type, engine, message);
  const refuse = (bytes: number): SessionDataTooLarge => {
    options.logger.warn(
      `sessionkit: a session of ${bytes} bytes was not saved ("${engine}" engine): it is over maxDataBytes (${limit} bytes, SESSION_MAX_DATA_BYTES); nothing was written.`,
    );
    return new SessionDataTooLarge(bytes, limit);
  };
  const asSessionData = (value: unknown): SessionData | null => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return report('bad-payload', 'session data is not a JSON object');
    const data = value as SessionData;
    const badValue = dataProblem(data, EXPIRY_KEY);
    if (badValue !== null) return report('bad-shape', describeDataProblem(badValue));
    if (data[EXPIRY_KEY] !== undefined) {
      const badExpiry = storedExpiryProblem(data[EXPIRY_KEY], options.now());
      if (badExpiry !== null) {
        // Only the expiry is unusable: the session stays, under the global expiry settings.
        report('bad-shape', `${EXPIRY_KEY} ${badExpiry}; it is ignored`);
        delete data[EXPIRY_KEY];
      }
    }
    return data;
  };

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
  const encodeSigned = (data: SessionData): string => {
    try {
      return signer.signObject(data, signOptions);
    } catch (error) {
      throw error instanceof PayloadTooLarge ? refuse(error.bytes) : error;
    }
  };
  if (format === 'signed') return { encode: encodeSigned, decode: decodeSigned };

  const fromText = (text: string): SessionData | null => {
    const bytes = textBytes(text, limit);
    if (bytes > limit) return report('bad-payload', `session data is ${bytes} bytes, more than maxDataBytes (${limit})`);
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
  const serialize = serializer === jsonSerializer ? strictJsonStringify : (data: SessionData) => serializer.dumps(data).toString('latin1');
  const toText = (data: SessionData): string => {
    const text = serialize(data);
    const bytes = textBytes(text, limit);
    if (bytes > limit) throw refuse(bytes);
    return text;
  };
  return { encode: toText, decode: fromText };
}

/** Hands a security event to `onSecurityEvent`, which must not break the request if it throws; `null`. */
export function reportSecurityEvent(options: ResolvedOptions, type: SecurityEvent['type'], engine: string, message: string): null {
  try {
    options.onSecurityEvent({ type, engine, message });
  } catch (error) {
    options.logger.error('sessionkit: onSecurityEvent threw', error);
  }
  return null;
}

/** The UTF-8 size of `text` as a store writes it; not counted exactly when it is surely within `limit`. */
function textBytes(text: string, limit: number): number {
  // A UTF-16 code unit takes at most 3 bytes in UTF-8.
  return text.length * 3 <= limit ? text.length : Buffer.byteLength(text, 'utf8');
}
