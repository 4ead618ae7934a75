/**
 * Session keys as Django makes them: 32 characters drawn uniformly from `[a-z0-9]` with a CSPRNG
 * (about 165 bits). Lower case only, so case-insensitive file systems are safe.
 */
import { randomFillSync } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** Length of a generated key. */
export const SESSION_KEY_LENGTH = 32;
// Bytes at or above this are rejected so every character is equally likely (252 = 7 × 36).
const UNBIASED_LIMIT = 252;
const POOL_SIZE = 4096;

const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

function nextByte(): number {
  if (poolOffset === POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  return pool[poolOffset++]!;
}

/** A fresh random session key. */
export function generateSessionKey(): string {
  let key = '';
  while (key.length < SESSION_KEY_LENGTH) {
    const byte = nextByte();
    if (byte < UNBIASED_LIMIT) key += ALPHABET[byte % 36];
  }
  return key;
}

// Django accepts any key of 8+ characters; sessionkit also requires Django's own alphabet and the
// column's 40-character limit, so a hostile key never reaches a store.
const VALID_KEY = /^[a-z0-9]{8,40}$/;

/** Whether a cookie value can name a server-side session. */
export function isValidSessionKey(key: string | null | undefined): key is string {
  return typeof key === 'string' && VALID_KEY.test(key);
}
