/**
 * Django's `get_random_string` with its default alphabet.
 * @module
 */
import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `length` characters drawn uniformly from `[a-zA-Z0-9]` with a CSPRNG. */
export function randomString(length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHABET[randomInt(ALPHABET.length)];
  return text;
}

/**
 * Characters Django's `BasePasswordHasher.salt()` draws: enough for 128 bits of entropy from a 62-letter
 * alphabet (22).
 */
export const SALT_LENGTH = Math.ceil(128 / Math.log2(ALPHABET.length));
