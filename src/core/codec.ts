/**
 * Session data encoding: Django's `SessionBase.encode/decode` —
 * `signing.dumps(data, salt='django.contrib.sessions.SessionStore', compress=True)`.
 * Decoding never throws: a bad signature or payload yields `{}` and a security event.
 */
import type { ResolvedOptions, SecurityEvent } from '../options.js';
import { BadSignature, SignatureExpired, TimestampSigner } from '../signing/index.js';
import type { SessionData } from './state.js';

// Small sessions (a counter, a user id) almost never shrink by two bytes, and each zlib attempt costs
// more than the rest of a save. Skipping it only changes the bytes, not what Django can read.
const COMPRESS_MIN_BYTES = 64;

/** Encodes and decodes session data with the configured secrets. */
export interface SessionCodec {
  /** Signs and (when it pays) compresses `data`. */
  encode(data: SessionData): string;
  /** The data inside `token`, or `null` when it does not verify or decode (an event is reported). */
  decode(token: string): SessionData | null;
}

/** A codec for `salt`, signing with `options.secret`, verifying with it and the fallbacks. */
export function createCodec(options: ResolvedOptions, salt: string, engine: string, maxAge?: number): SessionCodec {
  // One signer for the life of the codec: its keys are derived once, not per request.
  const signer = new TimestampSigner({ key: options.secret, fallbackKeys: options.secretFallbacks, salt, now: () => options.now() / 1000 });
  const signOptions = { serializer: options.serializer, compress: true, compressMinBytes: COMPRESS_MIN_BYTES };
  const unsignOptions = {
    serializer: options.serializer,
    maxDecompressedBytes: options.maxDecompressedBytes,
    ...(maxAge === undefined ? {} : { maxAge }),
  };
  const report = (type: SecurityEvent['type'], message: string): void => {
    try {
      options.onSecurityEvent({ type, engine, message });
    } catch (error) {
      options.logger.error('sessionkit: onSecurityEvent threw', error);
    }
  };
  return {
    encode: (data) => signer.signObject(data, signOptions),
    decode(token) {
      let value: unknown;
      try {
        value = signer.unsignObject(token, unsignOptions);
      } catch (error) {
        if (error instanceof SignatureExpired) report('expired-cookie', error.message);
        else if (error instanceof BadSignature) report('bad-signature', error.message);
        else report('bad-payload', error instanceof Error ? error.message : String(error));
        return null;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        report('bad-payload', 'session data is not a JSON object');
        return null;
      }
      return value as SessionData;
    },
  };
}
