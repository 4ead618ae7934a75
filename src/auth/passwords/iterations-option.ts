/**
 * The `iterations` option of makePassword and verifyPassword.
 * @module
 */
import { SessionConfigError } from '../../errors.js';
import { DEFAULT_PBKDF2_ITERATIONS, isIterationCount, MAX_PBKDF2_ITERATIONS } from './pbkdf2.js';

/**
 * `iterations`, or Django 5.2's default.
 *
 * @throws SessionConfigError for a count that is not a whole number from 1 to 2³¹ − 1.
 */
export function iterationsOption(iterations: number | undefined): number {
  if (iterations === undefined) return DEFAULT_PBKDF2_ITERATIONS;
  if (!isIterationCount(iterations)) {
    throw new SessionConfigError(
      `\`iterations\` must be a whole number from 1 to ${MAX_PBKDF2_ITERATIONS}, not ${String(iterations)}; Django 5.2 uses ${DEFAULT_PBKDF2_ITERATIONS}.`,
    );
  }
  return iterations;
}
