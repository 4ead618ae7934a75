/**
 * Locks shared between processes that can only be tried, never waited on ("insert this row", "set this
 * key if absent", "create this file", an advisory lock's "try"): try, pause, try again, until a deadline.
 * The wait is bounded by our clock, not by the server, and a waiter never pins a server thread while it
 * pauses. Layered under the in-process queue of {@link LocalLocks}, requests of one session in this
 * process wait in memory, so only the head of the queue polls however many of them arrive at once.
 */
import { randomBytes } from 'node:crypto';
import type { HeldLock, LockOptions } from '../../core/store-contract.js';
import { SessionLockTimeout } from '../../errors.js';
import type { LocalLocks } from './local-locks.js';

// A lock is usually held for one request, so polling starts fast and backs off to spare the server.
const FIRST_PAUSE_MS = 2;
const MAX_PAUSE_MS = 50;

/** The shared half of one lock acquisition, as a store implements it. */
export interface SharedLock {
  /** One attempt to take the lock; resolves whether it was taken. Rejects when the store fails. */
  tryAcquire(): Promise<boolean> | boolean;
  /** Gives the lock back, only if this holder still owns it (its TTL may have run out meanwhile). */
  release(): Promise<void>;
}

/** A random token naming one holder, so a release never frees a lock another holder has taken since. */
export function lockToken(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Takes the local lock of `key`, then the shared lock, within `options.waitMs` in total; rejects with
 * `SessionLockTimeout` when the wait runs out and with the store's error when it fails.
 *
 * Releasing never rejects: a shared lock that cannot be given back (the server went away) expires by its
 * TTL, and the local lock is released in any case.
 */
export async function acquirePollingLock(local: LocalLocks, key: string, options: LockOptions, shared: SharedLock): Promise<HeldLock> {
  const deadline = Date.now() + options.waitMs;
  const localLock = await local.acquire(key, options);
  try {
    await pollForLock(() => shared.tryAcquire(), deadline, options.waitMs);
  } catch (error) {
    await localLock.release();
    throw error;
  }
  let released: Promise<void> | undefined;
  return {
    release: () =>
      (released ??= shared
        .release()
        // The shared lock expires by its TTL; the response this request is finishing must not fail for it.
        .catch(() => undefined)
        .finally(() => localLock.release())),
  };
}

/**
 * Calls `tryLock` until it resolves `true`, pausing between attempts (2 ms doubling up to 50 ms, with
 * jitter). Rejects with `SessionLockTimeout(waitMs)` once `deadline` (ms since the epoch) has passed
 * without success, and with `tryLock`'s error when it fails. The first attempt is always made.
 */
export async function pollForLock(tryLock: () => Promise<boolean> | boolean, deadline: number, waitMs: number): Promise<void> {
  for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
    if (await tryLock()) return;
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new SessionLockTimeout(waitMs);
    // Jitter keeps processes that started waiting together from retrying together.
    await sleep(Math.min(remaining, pause * (0.5 + Math.random())));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
