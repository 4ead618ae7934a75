/**
 * Waiting for a lock that can only be tried, never waited on (a row, a key set if absent, a lock file, an
 * advisory lock taken with "try"): try, pause, try again, until a deadline. The wait is bounded by our
 * clock, not by the server, and a waiter never pins a server thread or connection slot while it pauses.
 */
import { SessionLockTimeout } from '../../errors.js';

// A lock is usually held for one request, so polling starts fast and backs off to spare the server.
const FIRST_PAUSE_MS = 2;
const MAX_PAUSE_MS = 50;

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
