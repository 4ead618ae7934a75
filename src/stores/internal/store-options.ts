/** Validation of numeric store options, with the fix in the message. */
import { SessionConfigError } from '../../errors.js';

/**
 * `value`, or `fallback` when it is `undefined`.
 * @throws SessionConfigError when `value` is not a positive whole number.
 */
export function positiveInteger(value: number | undefined, fallback: number, option: string, storeName: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new SessionConfigError(`${storeName}: \`${option}\` must be a positive whole number, not ${String(value)}.`);
  }
  return value;
}
