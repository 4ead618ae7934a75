/**
 * The SQL store's scenarios, once for every dialect: `describeSqlStore(target)` registers the store
 * conformance suite, then what the SQL store itself promises (rows written by Django, compare-and-set
 * byte for byte, listing and clearing at scale, locks across processes) and, for database servers, the
 * server scenarios of `sql-server.ts` (table creation, migrate, outages, pools). What only one database
 * does stays in its own test file.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import { createSessions, SessionConfigError } from '../../src/index.js';
import type { SqlStore } from '../../src/stores/sql/store.js';
import { cookieOf } from '../helpers/cookies.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { describeStoreConformance } from './conformance.js';
import { describeSqlServer } from './sql-server.js';
import { describeWith, type SqlStoreTarget } from './sql-target.js';

const future = (seconds = 3600): Date => new Date(Date.now() + seconds * 1000);
const keys = (count: number): string[] => Array.from({ length: count }, () => generateSessionKey());

/** Registers the conformance suite and the SQL store's scenarios for one dialect. */
export function describeSqlStore(target: SqlStoreTarget): void {
  // The suite opens its store in its first test, so a database that is down only skips (or fails) it here.
  describeWith(target, `${target.name} store`, () =>
    describeStoreConformance({
      name: target.name,
      makeStore: () => target.store(target.newTable()),
      clearsExpired: true,
    }),
  );

  /** Runs `test` on a store of a new table, closing it afterwards. */
  const onNewTable = async (test: (store: SqlStore, table: string) => Promise<void>): Promise<void> => {
    const table = target.newTable();
    const store = target.store(table);
    try {
      await test(store, table);
    } finally {
      await store.close();
    }
  };

  describeWith(target, `${target.name} store: data`, () => {
    it('loads a row written by another client (as Django would), honours its expiry, and never creates over an expired one', () =>
      onNewTable(async (store, table) => {
        await store.exists(generateSessionKey());
        const [live, expired] = keys(2) as [string, string];
        await target.insert(table, [live], 'live-data', 86_400);
        await target.insert(table, [expired], 'old-data', -1);
        expect(await store.load(live)).toMatchObject({ data: 'live-data', version: 'live-data' });
        expect(await store.load(expired)).toBeNull();
        expect(await store.exists(expired)).toBe(true);
        // As Django's create: the key is taken until the row is cleared.
        expect(await store.create(expired, 'new-data', future())).toBe(false);
        expect(await target.count(table, 'old-data')).toBe(1);
        expect(await store.clearExpired()).toBe(1);
        expect(await store.create(expired, 'new-data', future())).toBe(true);
      }));

    it("compares versions byte for byte, and tells a changed record ('conflict') from a deleted one ('missing')", () =>
      onNewTable(async (store) => {
        const key = generateSessionKey();
        await store.create(key, 'AbC', future());
        // MySQL's default collations ignore case and trailing spaces.
        expect(await store.update(key, 'next', future(), 'abc')).toBe('conflict');
        expect(await store.update(key, 'next', future(), 'AbC ')).toBe('conflict');
        expect(await store.update(key, 'next', future(), 42)).toBe('conflict');
        expect(await store.update(key, 'next', future(), 'AbC')).toBe('updated');
        const loaded = await store.load(key);
        expect(loaded?.version).toBe('next');
        await store.delete(key);
        expect(await store.update(key, 'after', future(), loaded!.version)).toBe('missing');
        expect(await store.update(key, 'after', future())).toBe('missing');
      }));

    it('lists the live sessions a page at a time, with their expiry and size in bytes, and counts the expired ones', () =>
      onNewTable(async (store, table) => {
        const key = generateSessionKey();
        await store.create(key, 'é😀', new Date('2030-01-01T00:00:00.123Z'));
        // Random keys: the expired rows sort among the live ones, on every page.
        await target.insert(table, keys(2500), 'x', 86_400);
        await target.insert(table, keys(600), 'old', -86_400);
        const listed = [];
        for await (const session of store.list()) listed.push(session);
        expect(listed).toHaveLength(2501);
        expect(new Set(listed.map((session) => session.key)).size).toBe(2501);
        expect(listed.every((session) => session.expireDate!.getTime() > Date.now())).toBe(true);
        expect(listed.find((session) => session.key === key)).toEqual({
          key,
          expireDate: new Date('2030-01-01T00:00:00.123Z'),
          size: 6,
        });
        expect(await store.countExpired()).toBe(600);
      }));

    it('clears 20,000 expired rows in batches, reporting progress, keeping live ones and other tables, while logins go on', () =>
      onNewTable(async (store, table) => {
        const otherTable = target.newTable();
        const other = target.store(otherTable);
        try {
          const elsewhere = generateSessionKey();
          await other.create(elsewhere, 'expired in another table', future(-3600));
          await store.exists(generateSessionKey());
          await target.insert(table, keys(20_000), 'old', -3600);
          await target.insert(table, keys(50), 'live', 3600);
          const progress: number[] = [];
          let clearing = true;
          let loginsDone = 0;
          const logins = (async () => {
            while (clearing) {
              const key = generateSessionKey();
              await store.create(key, 'login', future());
              await store.load(key);
              loginsDone++;
              // Requests come in over the network: with SQLite's synchronous driver, logins chained by
              // promises alone would never let the clearing's next turn come.
              await new Promise((resolve) => setImmediate(resolve));
            }
          })();
          // How many logins were done as each batch ended: they go on between the batches, not after them.
          const loginsAtBatch: number[] = [];
          const removed = await store.clearExpiredInBatches({
            batchSize: 3000,
            onProgress: (n) => {
              progress.push(n);
              loginsAtBatch.push(loginsDone);
            },
          });
          clearing = false;
          await logins;
          expect(removed).toBe(20_000);
          // Each statement removes at most 3000 rows (MySQL's walk a stretch of 3000 rows, live or expired).
          expect(progress.length).toBeGreaterThanOrEqual(7);
          expect(progress.at(-1)).toBe(20_000);
          for (const [i, total] of progress.entries()) {
            const step = total - (progress[i - 1] ?? 0);
            expect(step).toBeGreaterThan(0);
            expect(step).toBeLessThanOrEqual(3000);
          }
          expect(await target.count(table, 'old')).toBe(0);
          expect(await target.count(table, 'live')).toBe(50);
          expect(loginsAtBatch.at(-1)!).toBeGreaterThan(loginsAtBatch[0]!);
          expect(await store.clearExpired()).toBe(0);
          expect(await other.exists(elsewhere)).toBe(true);
          await expect(store.clearExpiredInBatches({ batchSize: 0 })).rejects.toBeInstanceOf(SessionConfigError);
          await expect(store.clearExpiredInBatches({ batchSize: 1.5 })).rejects.toBeInstanceOf(SessionConfigError);
        } finally {
          await other.close();
        }
      }));

    // A million rows take a while to insert; run with SESSIONKIT_BIG_CLEAR=1.
    it.runIf(process.env['SESSIONKIT_BIG_CLEAR'])(
      'clears 1,000,000 expired rows well under a minute',
      () =>
        onNewTable(async (store, table) => {
          await store.exists(generateSessionKey());
          for (let i = 0; i < 20; i++) await target.insert(table, keys(50_000), 'old', -3600);
          const started = Date.now();
          expect(await store.clearExpired()).toBe(1_000_000);
          const seconds = (Date.now() - started) / 1000;
          console.log(`${target.name}: cleared 1,000,000 expired rows in ${seconds.toFixed(1)} s`);
          expect(seconds).toBeLessThan(60);
        }),
      300_000,
    );
  });

  describeWith(target, `${target.name} store: locks across processes (two stores on one table)`, () => {
    // Waiting for a lock and taking over a dead holder's run on real time: test/real-time/lock-waits.test.ts.
    let first: SqlStore;
    let second: SqlStore;
    beforeAll(() => {
      const table = target.newTable();
      [first, second] = [target.store(table), target.store(table)];
    });
    afterAll(() => Promise.all([first.close(), second.close()]));

    it('serialises read-modify-write across the two stores: 2 × 40 concurrent visits count to 80', async () => {
      const managers = [first, second].map((store) => createSessions({ secret: TEST_SECRET, store, locking: { waitMs: 20_000 } }));
      const start = managers[0]!.load(undefined);
      await start.set('visit', 0);
      const cookie = cookieOf((await managers[0]!.commit(start)).setCookie);
      await Promise.all(
        Array.from({ length: 80 }, async (_, i) => {
          const manager = managers[i % 2]!;
          const session = manager.load(cookie);
          const visit = ((await session.get('visit')) as number) + 1;
          await session.set('visit', visit);
          await manager.commit(session);
        }),
      );
      expect(await managers[1]!.load(cookie).get('visit')).toBe(80);
    });
  });

  if (target.server) describeSqlServer(target, target.server);
}
