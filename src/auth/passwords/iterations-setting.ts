/**
 * The `PBKDF2_ITERATIONS` setting: the one place the demo and the `sessionkit` command read the PBKDF2
 * count of the password hashes they write.
 * @module
 */
import type { Env } from '../../config/values.js';
import { readString } from '../../config/values.js';
import { SessionConfigError } from '../../errors.js';
import { DEFAULT_PBKDF2_ITERATIONS, isIterationCount, MAX_PBKDF2_ITERATIONS } from './pbkdf2.js';

/** The name of the environment variable. */
export const PBKDF2_ITERATIONS_VARIABLE = 'PBKDF2_ITERATIONS';

/**
 * The PBKDF2 count of new password hashes, from `PBKDF2_ITERATIONS` in `env`: set it to the count of the
 * Django project sharing the users (260000 for Django 3.2), or each side rehashes the other's hashes at
 * every login, which changes the session auth hash and ends the user's other sessions.
 *
 * @param env - The environment, e.g. `process.env`.
 * @returns The count; Django 5.2's 1,000,000 when the variable is unset or empty.
 * @throws SessionConfigError for a value that is not a whole number from 1 to 2³¹ − 1.
 */
export function pbkdf2IterationsFromEnv(env: Env): number {
  const text = readString(env, PBKDF2_ITERATIONS_VARIABLE);
  if (text === undefined) return DEFAULT_PBKDF2_ITERATIONS;
  const count = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!isIterationCount(count)) {
    throw new SessionConfigError(
      `${PBKDF2_ITERATIONS_VARIABLE}=${text} is not a PBKDF2 count: give a whole number from 1 to ${MAX_PBKDF2_ITERATIONS}, e.g. 260000 beside Django 3.2 (Django 5.2 uses ${DEFAULT_PBKDF2_ITERATIONS}, the default).`,
    );
  }
  return count;
}
