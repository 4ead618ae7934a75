/**
 * Raised when a signed value cannot be verified: no separator, a signature
 * that matches none of the keys, or (via {@link SignatureExpired}) a token
 * older than the allowed age. Mirrors `django.core.signing.BadSignature`.
 */
export class BadSignature extends Error {
  /** @param message - Human-readable reason, in Django's wording. */
  constructor(message = 'Bad signature', options?: ErrorOptions) {
    super(message, options);
    this.name = 'BadSignature';
  }
}

/**
 * Raised when a timestamped signature is valid but older than `maxAge`.
 * A subclass of {@link BadSignature}, as in Django, so catching the latter
 * covers both.
 */
export class SignatureExpired extends BadSignature {
  /** @param message - Human-readable reason, in Django's wording. */
  constructor(message = 'Signature expired', options?: ErrorOptions) {
    super(message, options);
    this.name = 'SignatureExpired';
  }
}

/**
 * Raised when a token's signature is valid but its content cannot be turned
 * back into a value: bad base64, a broken or oversized zlib stream, a
 * serializer failure, or a malformed timestamp.
 *
 * Deliberately not a {@link BadSignature}: the data was signed with our key,
 * so this points at a bug or a format mismatch (e.g. a pickle-serialized
 * session), not at tampering. The original error is kept as `cause`.
 */
export class BadPayload extends Error {
  /** @param message - What could not be decoded. */
  constructor(message = 'Bad payload', options?: ErrorOptions) {
    super(message, options);
    this.name = 'BadPayload';
  }
}

/**
 * Raised by `signObject` / `dumps` when the serialized value is larger than the `maxBytes` given: a
 * reader given the same `maxBytes` would refuse the token, so it is not made.
 */
export class PayloadTooLarge extends RangeError {
  /** The serialized size, in bytes. */
  readonly bytes: number;
  /** The limit it exceeds, in bytes. */
  readonly limit: number;
  /**
   * @param bytes - The serialized size.
   * @param limit - The `maxBytes` it exceeds.
   */
  constructor(bytes: number, limit: number) {
    super(`Serialized value is ${bytes} bytes, more than maxBytes (${limit})`);
    this.name = 'PayloadTooLarge';
    this.bytes = bytes;
    this.limit = limit;
  }
}
