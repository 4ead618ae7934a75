/**
 * A per-session lock held on a server that can only be polled ("set this key if absent"), layered under
 * the in-process queue of {@link LocalLocks}: requests of one session in this process wait in memory, so
 * only the head of the queue polls the server however many of them arrive at once.
 */
import { SessionLockTimeout } from '../../errors.js';
import type { HeldLock, LockOptions } from '../contract.js';
import type { LocalLocks } from './local-locks.js';

/** The server half of a lock, as one store implements it. */
export interface ServerLock {
  /** One attempt to take the lock; resolves whether it was taken. Rejects when the server fails. */
  tryAcquire(): Promise<boolean>;
  /** Gives the lock back, only if this holder still owns it (its TTL may have run out meanwhile). */
  release(): Promise<void>;
}

// A lock is usually held for one request, so polling starts fast and backs off to spare the server.
const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 50;

/**
 * Takes the local lock of `key`, then the server lock, within `options.waitMs` in total; rejects with
 * `SessionLockTimeout` when the wait runs out and with the server's error when it fails.
 *
 * Releasing never rejects: a server lock that cannot be given back (the server went away) expires by its
 * TTL, and the local lock is released in any case.
 */
export async function acquirePollingLock(local: LocalLocks, key: string, options: LockOptions, server: ServerLock): Promise<HeldLock> {
  const deadline = Date.now() + options.waitMs;
  const localLock = await local.acquire(key, options);
  try {
    for (let pause = FIRST_POLL_MS; ; pause = Math.min(pause * 2, MAX_POLL_MS)) {
      if (await server.tryAcquire()) break;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new SessionLockTimeout(options.waitMs);
      // Jitter keeps processes that started waiting together from retrying together.
      await sleep(Math.min(remaining, pause * (0.5 + Math.random())));
    }
  } catch (error) {
    await localLock.release();
    throw error;
  }
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      try {
        await server.release();
      } catch {
        // The server lock expires by its TTL; the response this request is finishing must not fail for it.
      } finally {
        await localLock.release();
      }
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
