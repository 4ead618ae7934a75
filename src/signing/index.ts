/**
 * Django-compatible signing: base64/base62 helpers, salted HMAC, `Signer`,
 * `TimestampSigner`, the JSON serializer and `dumps` / `loads`.
 * @module
 */

export { b62Decode, b62Encode } from './base62.js';
export { b64Decode, b64Encode } from './base64url.js';
export { type DumpsOptions, dumps, type LoadsOptions, loads } from './dumps.js';
export { BadPayload, BadSignature, PayloadTooLarge, SignatureExpired } from './errors.js';
export { constantTimeEqual, type HashAlgorithm, saltedHmac } from './salted-hmac.js';
export { jsonSerializer, type Serializer } from './serializer.js';
export {
  Signer,
  type SignerOptions,
  type SignObjectOptions,
  TimestampSigner,
  type TimestampSignerOptions,
  type UnsignObjectOptions,
} from './signer.js';
