/**
 * Django's `check_password`, in constant time, for the hashers in Django's default `PASSWORD_HASHERS`.
 * @module
 */
import { verifyArgon2 } from './argon2.js';
import { verifyBcryptSha256 } from './bcrypt.js';
import type { Argon2DriverName, BcryptDriverName } from './drivers.js';
import { hasherOf, isPasswordUsable } from './encoded-password.js';
import { iterationsOption } from './iterations-option.js';
import { decodePbkdf2, encodePbkdf2, hardenPbkdf2Runtime, verifyPbkdf2 } from './pbkdf2.js';
import { randomString, SALT_LENGTH } from './random-string.js';

/** Options of {@link verifyPassword}. */
export interface VerifyPasswordOptions {
  /**
   * The app's own PBKDF2 iteration count (as given to `makePassword`). Failures take as long as a hash at this
   * count would: an unusable or unknown hash runs one such hash, as Django does, so they cannot be told apart
   * from a wrong password by timing.
   * @default 1_000_000 (Django 5.2's)
   */
  readonly iterations?: number | undefined;
  /**
   * The package verifying `argon2` hashes.
   * @default the first installed of argon2, \@node-rs/argon2, hash-wasm
   */
  readonly argon2?: Argon2DriverName | undefined;
  /**
   * The package verifying `bcrypt_sha256` hashes.
   * @default the first installed of bcrypt, bcryptjs, hash-wasm
   */
  readonly bcrypt?: BcryptDriverName | undefined;
}

// Django's check_password makes a password when it has nothing to check, so that path costs the same.
async function spendOneHash(iterations: number): Promise<false> {
  await encodePbkdf2('pbkdf2_sha256', randomString(40), randomString(SALT_LENGTH), iterations);
  return false;
}

/**
 * Whether `password` matches `encoded`, a password hash as Django stores it: `pbkdf2_sha256` and
 * `pbkdf2_sha1` at any iteration count, `argon2` and `bcrypt_sha256` through an optional package (see
 * {@link VerifyPasswordOptions}). An unusable password (`!…`), an unknown hasher, a malformed hash or a
 * password that is not a string never match.
 *
 * @throws SessionConfigError for an `argon2` or `bcrypt_sha256` hash when no package can verify it.
 */
export async function verifyPassword(password: string, encoded: string | null | undefined, options: VerifyPasswordOptions = {}): Promise<boolean> {
  const iterations = iterationsOption(options.iterations);
  if (typeof password !== 'string' || typeof encoded !== 'string' || !isPasswordUsable(encoded)) return spendOneHash(iterations);
  switch (hasherOf(encoded)) {
    case 'pbkdf2_sha256':
    case 'pbkdf2_sha1': {
      if (decodePbkdf2(encoded) === null) return spendOneHash(iterations);
      const matches = await verifyPbkdf2(password, encoded);
      if (!matches) await hardenPbkdf2Runtime(password, encoded, iterations);
      return matches;
    }
    case 'argon2':
      return verifyArgon2(password, encoded, options.argon2);
    case 'bcrypt_sha256':
      return verifyBcryptSha256(password, encoded, options.bcrypt);
    default:
      return spendOneHash(iterations);
  }
}
