/**
 * Unpadded URL-safe base64, as `django.core.signing.b64_encode` / `b64_decode`.
 * @module
 */

// Python's decoder also takes the standard alphabet's '+' and '/', and already
// present padding; accepting those costs nothing and keeps us no stricter than
// Django on its own output. Any other character is rejected instead of being
// silently skipped as Python and Node do.
const VALID = /^[A-Za-z0-9_\-+/]*={0,2}$/;

/**
 * Encodes bytes as URL-safe base64 (`A–Z a–z 0–9 - _`) with every trailing `=`
 * removed.
 *
 * @param data - The bytes to encode.
 * @returns The unpadded URL-safe base64 text.
 */
export function b64Encode(data: Uint8Array): string {
  const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return buffer.toString('base64url');
}

/**
 * Decodes URL-safe base64 whose padding was stripped (present padding is
 * tolerated), accepting what Django's `b64_decode` accepts on Django's output.
 *
 * @param text - The base64 text.
 * @returns The decoded bytes.
 * @throws Error if `text` contains a character outside the base64 alphabets,
 *   padding anywhere but at the end (at most two `=`), or has a length that no
 *   base64 string can have (≡ 1 mod 4 once padding is removed).
 */
export function b64Decode(text: string): Buffer {
  if (!VALID.test(text)) {
    throw new Error('Invalid base64: unexpected character');
  }
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x3d /* = */) end--;
  if (end % 4 === 1) {
    throw new Error('Invalid base64: incorrect length');
  }
  return Buffer.from(end === text.length ? text : text.slice(0, end), 'base64');
}
