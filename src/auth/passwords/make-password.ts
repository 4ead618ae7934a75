/**
 * Django's `make_password` with its default hasher, `pbkdf2_sha256`.
 * @module
 */
import { SessionConfigError } from '../../errors.js';
import { UNUSABLE_PASSWORD_PREFIX } from './encoded-password.js';
import { iterationsOption } from './iterations-option.js';
import { encodePbkdf2 } from './pbkdf2.js';
import { randomString, SALT_LENGTH } from './random-string.js';

// Django's UNUSABLE_PASSWORD_SUFFIX_LENGTH.
const UNUSABLE_SUFFIX_LENGTH = 40;

/** Options of {@link makePassword}. */
export interface MakePasswordOptions {
  /**
   * PBKDF2 iterations. Any count verifies on every Django version; a Django app whose
   * `PBKDF2PasswordHasher.iterations` differs rehashes the password at the user's next login there.
   * @default 1_000_000 (Django 5.2's)
   */
  readonly iterations?: number | undefined;
  /**
   * The salt. Leave it out: a random one (22 characters of `[a-zA-Z0-9]`, 128 bits, as Django) is drawn.
   * @default random
   */
  readonly salt?: string | undefined;
}

/**
 * Django's `make_password(password)`: `pbkdf2_sha256$<iterations>$<salt>$<hash>`, which Django's
 * `check_password` accepts. The derivation runs off the event loop. `null` gives an unusable password
 * (`!` and 40 random characters), as Django's `make_password(None)`.
 *
 * @throws TypeError when `password` is neither a string nor `null`.
 * @throws SessionConfigError for a bad `iterations` or `salt`.
 */
export async function makePassword(password: string | null, options: MakePasswordOptions = {}): Promise<string> {
  const iterations = iterationsOption(options.iterations);
  const salt = options.salt ?? randomString(SALT_LENGTH);
  if (typeof salt !== 'string' || salt.length === 0 || salt.includes('$')) {
    throw new SessionConfigError('`salt` must be a non-empty string without "$"; leave it out for a random one.');
  }
  if (password === null) return UNUSABLE_PASSWORD_PREFIX + randomString(UNUSABLE_SUFFIX_LENGTH);
  if (typeof password !== 'string') throw new TypeError(`Password must be a string or null, got ${typeof password}.`);
  return encodePbkdf2('pbkdf2_sha256', password, salt, iterations);
}
