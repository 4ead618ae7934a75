/**
 * `django.core.signing.dumps` / `loads`: timestamped, signed, URL-safe
 * serialized values.
 * @module
 */
import type { Serializer } from './serializer.js';
import { TimestampSigner } from './signer.js';

const DEFAULT_SALT = 'django.core.signing';

/** Options of {@link dumps}. */
export interface DumpsOptions {
  /** The secret to sign with (Django's `SECRET_KEY`). */
  key: string | Uint8Array;
  /** Namespace; default `'django.core.signing'` (`''` means the TimestampSigner default, as in Django). */
  salt?: string | undefined;
  /** Converts the value to bytes; default the Django-compatible JSON serializer. */
  serializer?: Serializer | undefined;
  /** Try zlib compression (used only when it saves at least two bytes). */
  compress?: boolean | undefined;
  /**
   * Try compression only on serialized data at least this long (see `SignObjectOptions.compressMinBytes`).
   * @default 10
   */
  compressMinBytes?: number | undefined;
  /** Refuse values whose serialized form is longer than this many bytes (`PayloadTooLarge`). @default no limit */
  maxBytes?: number | undefined;
  /** Current time in (fractional) seconds; default `Date.now() / 1000`. */
  now?: (() => number) | undefined;
}

/** Options of {@link loads}. */
export interface LoadsOptions {
  /** The current secret, tried first. */
  key: string | Uint8Array;
  /** Older secrets still accepted, tried in order (Django's `SECRET_KEY_FALLBACKS`). */
  fallbackKeys?: ReadonlyArray<string | Uint8Array> | undefined;
  /** Namespace; must equal the one used by {@link dumps}. Default `'django.core.signing'`. */
  salt?: string | undefined;
  /** Converts bytes back to a value; default the Django-compatible JSON serializer. */
  serializer?: Serializer | undefined;
  /** Maximum token age in seconds; unchecked when omitted. */
  maxAge?: number | undefined;
  /** Cap on the inflated size of a compressed payload (zlib bomb guard); default 1 MiB. */
  maxDecompressedBytes?: number | undefined;
  /** Refuse payloads whose serialized form is longer than this many bytes, compressed or not. @default no limit */
  maxBytes?: number | undefined;
  /** Current time in (fractional) seconds; default `Date.now() / 1000`. */
  now?: (() => number) | undefined;
}

/**
 * Serializes and signs `value` into a token `[.]b64(payload):b62(ts):b64(sig)`,
 * identical to Django's `signing.dumps` (compressed bytes may differ, since
 * Node's zlib is not CPython's, but both sides read either).
 *
 * @param value - The value to serialize.
 * @param options - Key, salt, serializer, compression, size limit and clock.
 * @returns The signed token.
 * @throws PayloadTooLarge when the serialized value is longer than `maxBytes`.
 */
export function dumps(value: unknown, options: DumpsOptions): string {
  const signer = new TimestampSigner({ key: options.key, salt: options.salt ?? DEFAULT_SALT, now: options.now });
  return signer.signObject(value, {
    serializer: options.serializer,
    compress: options.compress,
    compressMinBytes: options.compressMinBytes,
    maxBytes: options.maxBytes,
  });
}

/**
 * Verifies a token from {@link dumps} (or Django's `signing.dumps`) and returns
 * its value.
 *
 * @param token - The signed token.
 * @param options - Keys, salt, serializer, maximum age, decompression cap, clock.
 * @returns The deserialized value.
 * @throws BadSignature if the token is malformed or no key matches.
 * @throws SignatureExpired if it is older than `maxAge`.
 * @throws BadPayload if the signature is valid but the content (base64, zlib,
 *   size, serialized data or timestamp) cannot be decoded.
 */
export function loads(token: string, options: LoadsOptions): unknown {
  const signer = new TimestampSigner({
    key: options.key,
    fallbackKeys: options.fallbackKeys,
    salt: options.salt ?? DEFAULT_SALT,
    now: options.now,
  });
  return signer.unsignObject(token, {
    serializer: options.serializer,
    maxAge: options.maxAge,
    maxDecompressedBytes: options.maxDecompressedBytes,
    maxBytes: options.maxBytes,
  });
}
