/** The lock handover that every store with a server-side lock must get right, seen from the server. */
import { expect } from 'vitest';
import type { SessionStore } from '../../src/index.js';

/**
 * Two stores on one server, as two processes: `second` waits for the lock `first` holds and gets it when
 * `first` releases, and `first` releasing again (as a holder whose TTL ran out would) leaves `second`'s
 * lock in place. `storedToken` reads the lock's token from the server, `null` when there is no lock.
 */
export async function expectLockHandover(first: SessionStore, second: SessionStore, key: string, storedToken: () => Promise<string | null>): Promise<void> {
  const held = await first.lock!(key, { waitMs: 1000, ttlMs: 30_000 });
  const token = await storedToken();
  expect(token).toMatch(/^[0-9a-f]{32}$/);
  const waiting = second.lock!(key, { waitMs: 5000, ttlMs: 30_000 });
  // Let the second store poll the held lock before it is released.
  await new Promise((resolve) => setTimeout(resolve, 100));
  await held.release();
  const next = await waiting;
  expect(await storedToken()).not.toBe(token);
  await held.release();
  expect(await storedToken()).not.toBeNull();
  await next.release();
  expect(await storedToken()).toBeNull();
}
