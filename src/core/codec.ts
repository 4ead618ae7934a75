/**
 * Session data encoding: Django's `SessionBase.encode/decode` —
 * `signing.dumps(data, salt='django.contrib.sessions.SessionStore', compress=True)`.
 * Decoding never throws: a bad signature or payload yields `{}` and a security event.
 */
import type { ResolvedOptions, SecurityEvent } from '../options.js';
import { BadSignature, SignatureExpired, dumps, loads } from '../signing/index.js';
import type { SessionData } from './state.js';

/** Encodes and decodes session data with the configured secrets. */
export interface SessionCodec {
  /** Signs and (when it pays) compresses `data`. */
  encode(data: SessionData): string;
  /** The data inside `token`, or `null` when it does not verify or decode (an event is reported). */
  decode(token: string): SessionData | null;
}

/** A codec for `salt`, signing with `options.secret`, verifying with it and the fallbacks. */
export function createCodec(options: ResolvedOptions, salt: string, engine: string, maxAge?: number): SessionCodec {
  const nowSeconds = (): number => options.now() / 1000;
  const dumpsOptions = { key: options.secret, salt, serializer: options.serializer, compress: true, now: nowSeconds };
  const loadsOptions = {
    key: options.secret,
    fallbackKeys: options.secretFallbacks,
    salt,
    serializer: options.serializer,
    maxDecompressedBytes: options.maxDecompressedBytes,
    now: nowSeconds,
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
    encode: (data) => dumps(data, dumpsOptions),
    decode(token) {
      let value: unknown;
      try {
        value = loads(token, loadsOptions);
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
