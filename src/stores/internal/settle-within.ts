/**
 * Waiting for a resource (a pooled connection) at most so long, without leaking it when it arrives
 * after we stopped waiting.
 */

/**
 * `pending`'s value when it settles within `ms` milliseconds. Otherwise rejects with `timeoutError()`,
 * and hands the value, should it still arrive, to `discard` (e.g. to give a connection back).
 */
export function settleWithin<T>(pending: Promise<T>, ms: number, timeoutError: () => Error, discard: (late: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(timeoutError());
    }, Math.max(ms, 1));
    pending.then(
      (value) => {
        clearTimeout(timer);
        if (timedOut) discard(value);
        else resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!timedOut) reject(error);
      },
    );
  });
}
