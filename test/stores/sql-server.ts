/**
 * The SQL store's scenarios on a database server (PostgreSQL, MySQL), registered by `describeSqlStore`:
 * the table created once on first use or by `migrate`, a missing table explained, a table created once a
 * server that was down is back, a caller's pool left open, one lock connection per locked session. Outages
 * and hangs answered within a bound are in test/real-time/sql-server-faults.test.ts.
 */
import { expect, it } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import { describeWith, proxiedStores, rejection, type SqlServerTarget, type SqlStoreTarget } from './sql-target.js';

const future = (seconds = 3600): Date => new Date(Date.now() + seconds * 1000);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Registers the server scenarios for one dialect. */
export function describeSqlServer(target: SqlStoreTarget, server: SqlServerTarget): void {
  const { name } = target;

  describeWith(target, `${name} store: table`, () => {
    it('creates the table once, with its indexes, when several stores start at the same moment', async () => {
      for (let round = 0; round < 3; round++) {
        const table = target.newTable();
        const stores = Array.from({ length: 4 }, () => server.storeAt(server.url, table, { poolSize: 2 }));
        try {
          const created = await Promise.all(stores.map((store, i) => store.create(generateSessionKey(), `data-${i}`, future())));
          expect(created).toEqual([true, true, true, true]);
          for (let i = 0; i < 4; i++) expect(await target.count(table, `data-${i}`)).toBe(1);
          expect(await server.indexes(table)).toHaveLength(server.djangoIndexCount);
        } finally {
          await Promise.all(stores.map((store) => store.close()));
        }
      }
    });

    it('explains a missing table when it may not create it', async () => {
      const store = server.storeAt(server.url, target.newTable(), { createTable: false });
      try {
        const { error } = await rejection(() => store.load(generateSessionKey()));
        expect(messageOf(error)).toMatch(/does not exist.*migrate/);
      } finally {
        await store.close();
      }
    });

    it('migrate creates the missing table and its indexes once, says so, and finds it there afterwards, even with createTable off', async () => {
      const table = target.newTable();
      const stores = Array.from({ length: 4 }, () => server.storeAt(server.url, table, { createTable: false, poolSize: 2 }));
      try {
        // Four processes migrating at once: exactly one creates the table.
        const outcomes = await Promise.all(stores.map((store) => store.migrate()));
        expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(1);
        expect(outcomes.filter((outcome) => outcome === 'exists')).toHaveLength(3);
        const indexes = await server.indexes(table);
        expect(indexes).toHaveLength(server.djangoIndexCount);
        expect(indexes.some((index) => /_expire_date_[0-9a-f]{8}$/.test(index))).toBe(true);
        expect(await stores[0]!.migrate()).toBe('exists');
        expect(await stores[1]!.create(generateSessionKey(), 'x', future())).toBe(true);
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    });

    it('migrate says "exists" for a table created by a first request', async () => {
      const store = target.store(target.newTable());
      try {
        await store.exists(generateSessionKey());
        expect(await store.migrate()).toBe('exists');
      } finally {
        await store.close();
      }
    });
  });

  describeWith(target, `${name} store: faults`, () => {
    const proxied = proxiedStores(server, target.newTable);

    // Timeouts, hangs and outages answered within a bound run on real time: test/real-time/sql-server-faults.test.ts.
    it('retries creating its table on the next call when the server was down at first', async () => {
      const { proxy, store } = await proxied();
      try {
        await proxy.pause('down');
        await rejection(() => store.exists(generateSessionKey()));
        await proxy.resume();
        const key = generateSessionKey();
        expect(await store.create(key, 'after-outage', future())).toBe(true);
        expect((await store.load(key))?.data).toBe('after-outage');
      } finally {
        await store.close();
      }
    });

    it('leaves a pool it was given open on close', async () => {
      const { store, read, end } = server.storeOnOwnPool(target.newTable());
      try {
        const key = generateSessionKey();
        await store.create(key, 'pooled', future());
        await (await store.lock(key, { waitMs: 1000, ttlMs: 10_000 })).release();
        await store.close();
        expect(await read(key)).toBe('pooled');
      } finally {
        await end();
      }
    });
  });

  describeWith(target, `${name} store: lock connections`, () => {
    it('serves 200 concurrent requests of one session with a single lock connection', async () => {
      const { store, connections, dispose } = await server.countedStore(target.newTable());
      try {
        const key = generateSessionKey();
        let inside = 0;
        let overlapped = false;
        await Promise.all(
          Array.from({ length: 200 }, async () => {
            const lock = await store.lock(key, { waitMs: 20_000, ttlMs: 10_000 });
            if (++inside > 1) overlapped = true;
            await sleep(0);
            inside--;
            await lock.release();
          }),
        );
        expect(overlapped).toBe(false);
        expect(await connections()).toBe(1);
      } finally {
        await store.close();
        await dispose();
      }
    });
  });
}
