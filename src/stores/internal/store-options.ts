/** Checks of store options shared by several stores, each failing with the fix in its message. */
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

/** One of the options naming where a store's data lives (`url`, `pool`, `client`, …). */
export interface SourceOption {
  /** The option's name. */
  readonly name: string;
  /** How it is shown in the message, e.g. "`url` (e.g. redis://127.0.0.1:6379/0)"; its name in backquotes by default. */
  readonly shown?: string;
}

/**
 * Throws unless exactly one of `sources` is given (not `undefined`) in `options`, naming them all.
 * @returns the name of the one given.
 */
export function exactlyOneSource(options: object, sources: readonly SourceOption[], storeName: string): string {
  const given = sources.filter((source) => (options as Record<string, unknown>)[source.name] !== undefined);
  if (given.length === 1) return given[0]!.name;
  const shown = sources.map((source) => source.shown ?? `\`${source.name}\``);
  const list = `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)!}`;
  const problem = given.length === 0 ? 'none was given' : `${given.map((source) => `\`${source.name}\``).join(' and ')} were given together`;
  throw new SessionConfigError(`${storeName}: give exactly one of ${list}; ${problem}.`);
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
