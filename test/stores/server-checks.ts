/**
 * What every cache store must get right across processes, seen from its server: compare-and-set with
 * many writers, and the lock handover.
 */
import { expect } from 'vitest';
import type { SessionStore } from '../../src/index.js';

/**
 * Thirty concurrent updates at one version, spread over `writers` (stores on one server, as processes):
 * exactly one wins and the others conflict. Resolves the winner's data.
 */
export async function expectOneWriterWins(writers: readonly SessionStore[], key: string, expireDate: Date): Promise<string> {
  await writers[0]!.create(key, 'base', expireDate);
  const { version } = (await writers[0]!.load(key))!;
  const outcomes = await Promise.all(Array.from({ length: 30 }, (_, i) => writers[i % writers.length]!.update(key, `writer-${i}`, expireDate, version)));
  const winners = outcomes.flatMap((outcome, i) => (outcome === 'updated' ? [i] : []));
  expect(winners).toHaveLength(1);
  expect(outcomes.filter((outcome) => outcome === 'conflict')).toHaveLength(29);
  const winner = `writer-${winners[0]}`;
  expect((await writers[0]!.load(key))?.data).toBe(winner);
  return winner;
}

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
