/**
 * Django-compatible signing: base64/base62 helpers, salted HMAC, `Signer`,
 * `TimestampSigner`, the JSON serializer and `dumps` / `loads`.
 * @module
 */
export { b64Decode, b64Encode } from './base64url.js';
export { b62Decode, b62Encode } from './base62.js';
export { constantTimeEqual, saltedHmac, type HashAlgorithm } from './salted-hmac.js';
export { BadPayload, BadSignature, PayloadTooLarge, SignatureExpired } from './errors.js';
export { jsonSerializer, type Serializer } from './serializer.js';
export {
  Signer,
  TimestampSigner,
  type SignerOptions,
  type SignObjectOptions,
  type TimestampSignerOptions,
  type UnsignObjectOptions,
} from './signer.js';
export { dumps, loads, type DumpsOptions, type LoadsOptions } from './dumps.js';
