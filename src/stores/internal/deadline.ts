/**
 * Time bounds for store operations, so a server that hangs gives a prompt error instead of a request
 * that never ends, and checks of the millisecond options that set them.
 */
import { SessionConfigError } from '../../errors.js';

/** The error of an operation that ran out of time. */
export class StoreTimeoutError extends Error {
  override name = 'StoreTimeoutError';
}

/**
 * `operation`'s outcome, or a rejection with {@link StoreTimeoutError} after `ms` milliseconds. The
 * operation itself is not cancelled; its late outcome is ignored.
 */
export function withDeadline<T>(operation: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StoreTimeoutError(`${what} timed out after ${ms} ms`)), ms);
    operation.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** `value` when it is a positive whole number of milliseconds (or `fallback` when absent); throws otherwise. */
export function positiveMs(storeName: string, option: string, value: number | undefined, fallback: number): number {
  const ms = value ?? fallback;
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new SessionConfigError(`${storeName}: \`${option}\` must be a positive whole number of milliseconds; got ${String(value)}.`);
  }
  return ms;
}
