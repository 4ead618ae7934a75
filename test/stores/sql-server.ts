/**
 * The SQL store's scenarios on a database server (PostgreSQL, MySQL), registered by `describeSqlStore`:
 * the table created once on first use or by `migrate`, a missing table explained, outages and hangs
 * answered fast and recovered from, a caller's pool left open, one lock connection per locked session.
 */
import { afterAll, expect, it } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import { createSessions, SessionLockTimeout, SessionStoreUnavailable } from '../../src/index.js';
import type { SqlStore } from '../../src/stores/sql/store.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import {
  describeWith,
  rejection,
  type ServerStoreSettings,
  type SqlServerTarget,
  type SqlStoreTarget,
} from './sql-target.js';

const future = (seconds = 3600): Date => new Date(Date.now() + seconds * 1000);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Registers the server scenarios for one dialect. */
export function describeSqlServer(target: SqlStoreTarget, server: SqlServerTarget): void {
  const { name } = target;
  const withUrl = (port: number): string => {
    const url = new URL(server.url);
    url.port = String(port);
    return url.toString();
  };

  describeWith(target, `${name} store: table`, () => {
    it('creates the table once, with its indexes, when several stores start at the same moment', async () => {
      for (let round = 0; round < 3; round++) {
        const table = target.newTable();
        const stores = Array.from({ length: 4 }, () => server.storeAt(server.url, table, { poolSize: 2 }));
        try {
          const created = await Promise.all(
            stores.map((store, i) => store.create(generateSessionKey(), `data-${i}`, future())),
          );
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
      const stores = Array.from({ length: 4 }, () =>
        server.storeAt(server.url, table, { createTable: false, poolSize: 2 }),
      );
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
    const proxies: TcpProxy[] = [];
    afterAll(async () => {
      await Promise.all(proxies.map((proxy) => proxy.close()));
    });
    const proxied = async (settings: ServerStoreSettings = {}): Promise<{ proxy: TcpProxy; store: SqlStore }> => {
      const proxy = await startTcpProxy(Number(new URL(server.url).port));
      proxies.push(proxy);
      return { proxy, store: server.storeAt(withUrl(proxy.port), target.newTable(), settings) };
    };

    it('fails fast with a clear error when nothing listens on the port', async () => {
      const store = server.storeAt(withUrl(1), target.newTable(), { connectTimeoutMs: 2000 });
      try {
        const { ms, error } = await rejection(() => store.load(generateSessionKey()));
        expect(ms).toBeLessThan(2000);
        expect(messageOf(error)).toMatch(/ECONNREFUSED 127\.0\.0\.1:1/);
        const sessions = createSessions({ secret: TEST_SECRET, store });
        const session = sessions.load(`sessionid=${generateSessionKey()}`);
        const failure = await rejection(() => session.get('anything'));
        expect(failure.error).toBeInstanceOf(SessionStoreUnavailable);
        expect((failure.error as SessionStoreUnavailable).status).toBe(503);
        expect(messageOf(failure.error)).toBe(`Session store "${name}" is unavailable.`);
        expect(messageOf((failure.error as Error).cause)).toMatch(/ECONNREFUSED/);
      } finally {
        await store.close();
      }
    });

    it('gives up connecting to a server that accepts but never answers within the connect timeout', async () => {
      const { proxy, store } = await proxied({ connectTimeoutMs: 800 });
      try {
        await proxy.pause('hang');
        const { ms, error } = await rejection(() => store.load(generateSessionKey()));
        expect(ms).toBeGreaterThanOrEqual(700);
        expect(ms).toBeLessThan(2500);
        expect(messageOf(error)).toMatch(/ETIMEDOUT|timed? ?out/i);
      } finally {
        await store.close();
      }
    });

    it('gives up on a statement when the server hangs mid-connection, then recovers', async () => {
      const { proxy, store } = await proxied({ statementTimeoutMs: 500, connectTimeoutMs: 1000 });
      try {
        const key = generateSessionKey();
        await store.create(key, 'before-hang', future());
        await proxy.pause('hang');
        const { ms, error } = await rejection(() => store.load(key));
        // MySQL gives up after the statement timeout; pg one second later, the server being out of reach.
        expect(ms).toBeLessThan(3000);
        expect(messageOf(error)).toMatch(/timeout/i);
        await proxy.resume();
        expect((await store.load(key))?.data).toBe('before-hang');
      } finally {
        await store.close();
      }
    });

    it('fails fast while the server is down and works again when it is back', async () => {
      const { proxy, store } = await proxied();
      try {
        const key = generateSessionKey();
        await store.create(key, 'survives', future());
        await proxy.pause('down');
        const down = await rejection(() => store.load(key));
        expect(down.ms).toBeLessThan(1000);
        const lockDown = await rejection(() => store.lock(key, { waitMs: 3000, ttlMs: 10_000 }));
        expect(lockDown.error).not.toBeInstanceOf(SessionLockTimeout);
        expect(lockDown.ms).toBeLessThan(1000);
        await proxy.resume();
        expect((await store.load(key))?.data).toBe('survives');
        expect(await store.update(key, 'updated', future(), 'survives')).toBe('updated');
        await (await store.lock(key, { waitMs: 1000, ttlMs: 10_000 })).release();
      } finally {
        await store.close();
      }
    });

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
