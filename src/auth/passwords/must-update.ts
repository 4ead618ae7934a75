/**
 * Django's `must_update` for its default hasher: whether a correct password's hash should be made again, as
 * Django's `check_password` does at login.
 * @module
 */
import { hasherOf } from './encoded-password.js';
import { decodePbkdf2 } from './pbkdf2.js';

// Django's salt_entropy: a salt must carry at least 128 bits, at log2(62) bits a character.
const SALT_ENTROPY_BITS = 128;
const BITS_PER_SALT_CHARACTER = Math.log2(62);

/**
 * Whether Django, preferring `pbkdf2_sha256` at `iterations`, would rehash `encoded` after a correct
 * password: it was made by another hasher (`pbkdf2_sha1`, `argon2`, `bcrypt_sha256`, …), at another
 * iteration count (more or fewer), or with a salt of less than 128 bits (`must_update_salt`).
 */
export function mustUpdatePassword(encoded: string, iterations: number): boolean {
  if (hasherOf(encoded) !== 'pbkdf2_sha256') return true;
  const decoded = decodePbkdf2(encoded);
  if (decoded === null) return true;
  return decoded.iterations !== iterations || decoded.salt.length * BITS_PER_SALT_CHARACTER < SALT_ENTROPY_BITS;
}
