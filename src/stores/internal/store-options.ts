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

/**
 * Throws when options that only shape a pool the store creates are given along with a ready-made pool,
 * where they would be silently ignored.
 */
export function rejectPoolSettings(options: object, names: readonly string[], storeName: string): void {
  const given = names.filter((name) => (options as Record<string, unknown>)[name] !== undefined);
  if (given.length > 0) {
    throw new SessionConfigError(
      `${storeName}: ${given.map((name) => `\`${name}\``).join(', ')} only apply with \`url\`; with \`pool\`, set them on the pool you pass.`,
    );
  }
}
