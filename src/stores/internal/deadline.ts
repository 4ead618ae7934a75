/**
 * Time bounds for store operations, so a server that hangs gives a prompt error instead of a request
 * that never ends.
 */

/** The error of an operation that ran out of time. */
export class StoreTimeoutError extends Error {
  override name = 'StoreTimeoutError';
}

/**
 * `pending`'s outcome when it settles within `ms` milliseconds. Otherwise rejects with `timeoutError()`;
 * the operation itself is not cancelled, and its value, should it still arrive, goes to `discard` (e.g.
 * to give a pooled connection back). A late rejection is ignored.
 */
export function settleWithin<T>(pending: Promise<T>, ms: number, timeoutError: () => Error, discard?: (late: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        reject(timeoutError());
      },
      Math.max(ms, 1),
    );
    pending.then(
      (value) => {
        clearTimeout(timer);
        if (!timedOut) resolve(value);
        else discard?.(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!timedOut) reject(error);
      },
    );
  });
}

/**
 * `operation`'s outcome, or a rejection with {@link StoreTimeoutError} ("`what` timed out after `ms` ms")
 * after `ms` milliseconds.
 */
export function withDeadline<T>(operation: Promise<T>, ms: number, what: string): Promise<T> {
  return settleWithin(operation, ms, () => new StoreTimeoutError(`${what} timed out after ${ms} ms`));
}
