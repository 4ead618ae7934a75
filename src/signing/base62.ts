/**
 * Base62 as used for signing timestamps (`django.core.signing.b62_encode` /
 * `b62_decode`, formerly `django.utils.baseconv.base62`).
 * @module
 */

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// Lookup by char code; -1 marks characters outside the alphabet.
const DIGIT_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGIT_VALUE[ALPHABET.charCodeAt(i)] = i;

/**
 * Encodes an integer in Django's base62 (digits, then upper case, then lower
 * case; big-endian; a leading `-` for negatives).
 *
 * @param n - A safe integer.
 * @returns The base62 text; `0` encodes to `"0"`.
 * @throws RangeError if `n` is not a safe integer (JS cannot represent the
 *   unbounded Python ints Django accepts, so refusing beats rounding).
 */
export function b62Encode(n: number): string {
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`b62Encode expects a safe integer, got ${n}`);
  }
  if (n === 0) return '0';
  let rest = Math.abs(n);
  let out = '';
  while (rest > 0) {
    out = ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return n < 0 ? `-${out}` : out;
}

/**
 * Decodes Django's base62. Leading zeros are accepted, and so is a lone `-`
 * (which Django decodes to 0).
 *
 * @param text - The base62 text, optionally starting with `-`.
 * @returns The decoded integer.
 * @throws Error on the empty string or a character outside the alphabet.
 * @throws RangeError if the value exceeds `Number.MAX_SAFE_INTEGER`.
 */
export function b62Decode(text: string): number {
  if (text.length === 0) {
    throw new Error('b62Decode: empty string');
  }
  const negative = text.charCodeAt(0) === 0x2d; /* - */
  let value = 0;
  for (let i = negative ? 1 : 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const digit = code < 128 ? DIGIT_VALUE[code]! : -1;
    if (digit < 0) {
      throw new Error(`b62Decode: invalid character ${JSON.stringify(text[i])}`);
    }
    value = value * 62 + digit;
  }
  if (!Number.isSafeInteger(value)) {
    throw new RangeError('b62Decode: value exceeds Number.MAX_SAFE_INTEGER');
  }
  // Avoid returning -0 for "-" and "-0".
  return negative && value !== 0 ? -value : value;
}
