/**
 * `django.core.signing.Signer` and `TimestampSigner`.
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { b62Decode, b62Encode } from './base62.js';
import { BadPayload, BadSignature, type PayloadTooLarge, SignatureExpired } from './errors.js';
import { assertByteLimit, DEFAULT_MAX_DECOMPRESSED_BYTES, decodePayload, encodePayload } from './payload.js';
import { assertHashAlgorithm, deriveHmacKey, type HashAlgorithm } from './salted-hmac.js';
import { jsonSerializer, type Serializer } from './serializer.js';

/** Options shared by {@link Signer} and {@link TimestampSigner}. */
export interface SignerOptions {
  /** The secret used to sign, and tried first when verifying. Must not be empty. */
  key: string | Uint8Array;
  /** Older secrets still accepted when verifying, tried in order after `key`. */
  fallbackKeys?: ReadonlyArray<string | Uint8Array> | undefined;
  /**
   * Namespace for the signature. Defaults (also when `''`, as in Django) to
   * `django.core.signing.Signer` or `django.core.signing.TimestampSigner`.
   */
  salt?: string | undefined;
  /**
   * Separator between value and signature; default `':'`. Rejected as Django
   * does when empty or made only of base64-ish characters (`[A-z0-9-_=]`).
   */
  sep?: string | undefined;
  /** HMAC hash; default `'sha256'` (Django ≥ 3.1). */
  algorithm?: HashAlgorithm | undefined;
}

/** Options of {@link Signer.signObject}. */
export interface SignObjectOptions {
  /** Converts the value to bytes; default {@link jsonSerializer}. */
  serializer?: Serializer | undefined;
  /** Try zlib compression (used only when it saves at least two bytes). */
  compress?: boolean | undefined;
  /**
   * Try compression only on serialized data at least this long. Any choice yields a token Django reads;
   * a higher bound spares the zlib call (tens of µs) on payloads that would rarely shrink.
   * @default 10 (the shortest input zlib could shrink by two bytes: Django's decision exactly)
   */
  compressMinBytes?: number | undefined;
  /**
   * Refuse to sign a value whose serialized form is longer than this many bytes ({@link PayloadTooLarge}):
   * {@link Signer.unsignObject} given the same `maxBytes` would refuse the token.
   * @default no limit
   */
  maxBytes?: number | undefined;
}

/** Options of {@link Signer.unsignObject}. */
export interface UnsignObjectOptions {
  /** Converts bytes back to a value; default {@link jsonSerializer}. */
  serializer?: Serializer | undefined;
  /** Maximum age in seconds; only a {@link TimestampSigner} accepts it. */
  maxAge?: number | undefined;
  /** Cap on the inflated size of a compressed payload; default 1 MiB. */
  maxDecompressedBytes?: number | undefined;
  /**
   * Refuse ({@link BadPayload}) a payload whose serialized form is longer than this many bytes, compressed
   * or not; the inflate cap is then the smaller of this and `maxDecompressedBytes`.
   * @default no limit beyond `maxDecompressedBytes`
   */
  maxBytes?: number | undefined;
}

/** Options of {@link TimestampSigner}. */
export interface TimestampSignerOptions extends SignerOptions {
  /** Current time in (fractional) seconds; default `Date.now() / 1000`. */
  now?: (() => number) | undefined;
}

// Python's re.match('^[A-z0-9-_=]*$', sep): `A-z` is the ASCII range A..z, and
// `$` also matches before one trailing newline, so "\n" alone is unsafe too.
const UNSAFE_SEP_BODY = /^[A-z0-9\-_=]*$/;

function isUnsafeSeparator(sep: string): boolean {
  return UNSAFE_SEP_BODY.test(sep.endsWith('\n') ? sep.slice(0, -1) : sep);
}

function assertKey(key: unknown, what: string): asserts key is string | Uint8Array {
  const usable = typeof key === 'string' ? key.length > 0 : key instanceof Uint8Array && key.byteLength > 0;
  if (!usable) {
    // Django would fall back to settings.SECRET_KEY; we have no settings, and
    // signing with an empty secret would be forgeable.
    throw new TypeError(`${what} must be a non-empty string or Uint8Array`);
  }
}

function defaultNow(): number {
  return Date.now() / 1000;
}

/**
 * Signs strings with a salted HMAC and verifies them, byte-compatible with
 * Django's `Signer`: `sign(v) = v + sep + b64url(HMAC(H(salt + "signer" ‖ key), v))`.
 */
export class Signer {
  /** The effective salt (after applying the class default). */
  readonly salt: string;
  /** The separator between value and signature. */
  readonly sep: string;
  /** The HMAC hash algorithm. */
  readonly algorithm: HashAlgorithm;

  readonly #keySalt: string;
  // Derived HMAC keys for [key, ...fallbackKeys], computed once per signer.
  readonly #derivedKeys: readonly Buffer[];
  readonly #signatureLength: number;

  /**
   * @param options - Key, fallbacks, salt, separator and algorithm.
   * @throws TypeError for a missing or empty key or an unknown algorithm.
   * @throws RangeError for an unsafe separator (Django's `ValueError`).
   */
  constructor(options: SignerOptions) {
    const { key, fallbackKeys = [], sep = ':', algorithm = 'sha256' } = options;
    assertKey(key, 'key');
    for (const [i, fallback] of fallbackKeys.entries()) assertKey(fallback, `fallbackKeys[${i}]`);
    assertHashAlgorithm(algorithm);
    if (typeof sep !== 'string' || isUnsafeSeparator(sep)) {
      throw new RangeError(`Unsafe Signer separator: ${JSON.stringify(sep)} (cannot be empty or consist of only A-z0-9-_=)`);
    }
    this.sep = sep;
    this.salt = options.salt || this.defaultSalt;
    this.algorithm = algorithm;
    this.#keySalt = `${this.salt}signer`;
    this.#derivedKeys = [key, ...fallbackKeys].map((k) => deriveHmacKey(this.#keySalt, k, algorithm));
    // Unpadded base64 length of the digest; the same for every key.
    this.#signatureLength = Math.ceil((this.#derivedKeys[0]!.length * 4) / 3);
  }

  /** The salt used when none (or `''`) is given; Django's `module.ClassName`. */
  protected get defaultSalt(): string {
    return 'django.core.signing.Signer';
  }

  /**
   * Computes the signature of `value`.
   *
   * @param value - The text to sign (UTF-8 encoded before hashing).
   * @param key - Secret to use instead of the signer's own key.
   * @returns The unpadded URL-safe base64 HMAC.
   */
  signature(value: string, key?: string | Uint8Array): string {
    let derived = this.#derivedKeys[0]!;
    if (key !== undefined) {
      assertKey(key, 'key');
      derived = deriveHmacKey(this.#keySalt, key, this.algorithm);
    }
    return createHmac(this.algorithm, derived).update(value, 'utf8').digest('base64url');
  }

  /**
   * Appends the separator and the signature of `value`.
   *
   * @param value - The text to sign.
   * @returns `value + sep + signature(value)`.
   */
  sign(value: string): string {
    return value + this.sep + this.signature(value);
  }

  /**
   * Verifies a signed string and returns the original value. The string is
   * split at its last separator; the signature is checked in constant time
   * against the key, then each fallback key in order.
   *
   * @param signed - Output of {@link Signer.sign}.
   * @returns The value that was signed.
   * @throws BadSignature if there is no separator or no key matches.
   */
  unsign(signed: string): string {
    const at = signed.lastIndexOf(this.sep);
    if (at < 0) throw new BadSignature(`No "${this.sep}" found in value`);
    const value = signed.slice(0, at);
    const signature = signed.slice(at + this.sep.length);
    if (this.#matches(value, signature)) return value;
    throw new BadSignature(`Signature "${signature}" does not match`);
  }

  #matches(value: string, signature: string): boolean {
    // Every key yields a signature of the same length, so a length mismatch
    // rules them all out without hashing; lengths are not secret.
    if (signature.length !== this.#signatureLength) return false;
    const given = Buffer.from(signature, 'utf8');
    if (given.length !== this.#signatureLength) return false;
    for (const derived of this.#derivedKeys) {
      const expected = Buffer.from(createHmac(this.algorithm, derived).update(value, 'utf8').digest('base64url'), 'latin1');
      if (timingSafeEqual(given, expected)) return true;
    }
    return false;
  }

  /**
   * Serializes, optionally compresses, base64-encodes and signs a value
   * (Django's `sign_object`). Compression is marked by a leading `.`.
   *
   * @param value - The value to serialize.
   * @param options - Serializer, compression and size limit.
   * @returns The signed token.
   * @throws PayloadTooLarge when the serialized value is longer than `maxBytes`.
   */
  signObject(value: unknown, options: SignObjectOptions = {}): string {
    if (options.maxBytes !== undefined) assertByteLimit(options.maxBytes, 'maxBytes');
    return this.sign(encodePayload(value, options.serializer ?? jsonSerializer, options.compress ?? false, options.compressMinBytes, options.maxBytes));
  }

  /**
   * Verifies a token from {@link Signer.signObject} and returns its value
   * (Django's `unsign_object`).
   *
   * @param token - The signed token.
   * @param options - Serializer, maximum age (timestamp signers only),
   *   decompression cap and size limit.
   * @returns The deserialized value.
   * @throws BadSignature / SignatureExpired when verification fails.
   * @throws BadPayload when the verified content cannot be decoded.
   * @throws TypeError if `maxAge` is given to a signer without timestamps.
   */
  unsignObject(token: string, options: UnsignObjectOptions = {}): unknown {
    const limit = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
    assertByteLimit(limit);
    if (options.maxBytes !== undefined) assertByteLimit(options.maxBytes, 'maxBytes');
    const payload = this.unsignPayload(token, options.maxAge);
    return decodePayload(payload, options.serializer ?? jsonSerializer, limit, options.maxBytes);
  }

  /**
   * Verifies the token for {@link Signer.unsignObject}; the hook through which
   * {@link TimestampSigner} applies `maxAge`.
   *
   * @param token - The signed token.
   * @param maxAge - Maximum age in seconds; unsupported here.
   * @returns The verified payload text.
   */
  protected unsignPayload(token: string, maxAge: number | undefined): string {
    if (maxAge !== undefined) throw new TypeError('maxAge requires a TimestampSigner');
    return this.unsign(token);
  }
}

/**
 * A {@link Signer} that also signs the current time, so tokens can be given a
 * maximum age: `sign(v) = v + sep + b62(int(now)) + sep + signature`.
 * Compatible with Django's `TimestampSigner`.
 */
export class TimestampSigner extends Signer {
  readonly #now: () => number;

  /**
   * @param options - Signer options plus an optional clock.
   * @throws As {@link Signer}'s constructor.
   */
  constructor(options: TimestampSignerOptions) {
    super(options);
    this.#now = options.now ?? defaultNow;
  }

  /** The salt used when none (or `''`) is given. */
  protected override get defaultSalt(): string {
    return 'django.core.signing.TimestampSigner';
  }

  /**
   * The current time as Django writes it into tokens.
   *
   * @returns Whole seconds (truncated, as Python's `int()`) in base62.
   */
  timestamp(): string {
    return b62Encode(Math.trunc(this.#now()));
  }

  /**
   * Signs `value` together with the current timestamp.
   *
   * @param value - The text to sign.
   * @returns `value + sep + timestamp + sep + signature`.
   */
  override sign(value: string): string {
    return super.sign(value + this.sep + this.timestamp());
  }

  /**
   * Verifies a timestamped token and optionally its age. The age is the
   * current fractional time minus the whole-second timestamp, so an age equal
   * to `maxAge` is accepted and timestamps in the future always pass, exactly
   * as in Django.
   *
   * @param signed - Output of {@link TimestampSigner.sign}.
   * @param maxAge - Maximum age in seconds; unchecked when omitted.
   * @returns The value that was signed.
   * @throws BadSignature if the signature does not verify.
   * @throws SignatureExpired if the token is older than `maxAge`.
   * @throws BadPayload if the signed content carries no valid timestamp.
   * @throws TypeError if `maxAge` is NaN (it would disable the check).
   */
  override unsign(signed: string, maxAge?: number): string {
    if (maxAge !== undefined && Number.isNaN(maxAge)) throw new TypeError('maxAge must not be NaN');
    const result = super.unsign(signed);
    const at = result.lastIndexOf(this.sep);
    if (at < 0) throw new BadPayload('Signed value has no timestamp');
    let timestamp: number;
    try {
      timestamp = b62Decode(result.slice(at + this.sep.length));
    } catch (cause) {
      throw new BadPayload('Signed value has an invalid timestamp', { cause });
    }
    if (maxAge !== undefined) {
      const age = this.#now() - timestamp;
      if (age > maxAge) throw new SignatureExpired(`Signature age ${age} > ${maxAge} seconds`);
    }
    return result.slice(0, at);
  }

  /** Verifies the token for {@link Signer.unsignObject}, applying `maxAge`. */
  protected override unsignPayload(token: string, maxAge: number | undefined): string {
    return this.unsign(token, maxAge);
  }
}
