/**
 * Session locks that wait in real time: a second holder waits, gives up with SessionLockTimeout, and takes
 * the lock once it is released; a lock whose holder died is taken over once its ttl runs out. On the SQL
 * stores (two stores on one table, as two processes hold them), the file store and Redis; and SQLite's
 * in-memory queue of one process's waiters, counted over a held lock's 300 ms. The stores' own tests check
 * the same locks without waiting.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import { SessionLockTimeout } from '../../src/index.js';
import { fileStore } from '../../src/stores/file.js';
import { redisStore } from '../../src/stores/redis.js';
import type { SqlStore } from '../../src/stores/sql/store.js';
import { sqliteStore } from '../../src/stores/sqlite.js';
import { describeIfAvailable } from '../helpers/gate.js';
import { askTcp } from '../helpers/servers.js';
import { DRIVERS } from '../stores/redis-drivers.js';
import { scratchDatabaseFiles } from '../stores/scratch-files.js';
import { describeWith, rejection, type SqlStoreTarget } from '../stores/sql-target.js';
import { sqlServers } from './sql-servers.js';

const CACHE = 'django.contrib.sessions.cache';
const RUN_ID = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What the lock scenarios need of a SQL dialect. */
type LockTarget = Pick<SqlStoreTarget, 'name' | 'unreachable' | 'newTable' | 'store'>;

const sqliteFile = scratchDatabaseFiles('sessionkit-lock-waits-')();
let sqliteTables = 0;
const sqlite: LockTarget = {
  name: 'sqlite',
  newTable: () => `sk_sqlite_${++sqliteTables}`,
  store: (table) => sqliteStore({ path: sqliteFile, table }),
};

for (const target of [sqlite, ...sqlServers]) {
  describeWith(target, `${target.name} store: a lock waited for across processes (two stores on one table)`, () => {
    let first: SqlStore;
    let second: SqlStore;
    let third: SqlStore;
    beforeAll(() => {
      const table = target.newTable();
      [first, second, third] = [target.store(table), target.store(table), target.store(table)];
    });
    afterAll(() => Promise.all([first.close(), second.close(), third.close()]));

    it('makes a second holder wait, time out with SessionLockTimeout, then get the lock once released', async () => {
      const key = generateSessionKey();
      const held = await first.lock(key, { waitMs: 1000, ttlMs: 10_000 });
      const { ms, error } = await rejection(() => second.lock(key, { waitMs: 300, ttlMs: 10_000 }));
      expect(error).toBeInstanceOf(SessionLockTimeout);
      expect(ms).toBeGreaterThanOrEqual(250);
      expect(ms).toBeLessThan(2000);
      const waiting = second.lock(key, { waitMs: 3000, ttlMs: 10_000 });
      await sleep(50);
      await held.release();
      await held.release();
      const taken = await waiting;
      await expect(first.lock(key, { waitMs: 50, ttlMs: 10_000 })).rejects.toBeInstanceOf(SessionLockTimeout);
      await taken.release();
      await taken.release();
      await (await first.lock(key, { waitMs: 500, ttlMs: 10_000 })).release();
    });

    it("frees a lock whose holder never releases it after ttlMs, and the old holder's release does not free the new one", async () => {
      const key = generateSessionKey();
      const stale = await first.lock(key, { waitMs: 1000, ttlMs: 300 });
      const started = Date.now();
      const fresh = await second.lock(key, { waitMs: 3000, ttlMs: 10_000 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(200);
      await stale.release();
      await expect(third.lock(key, { waitMs: 100, ttlMs: 10_000 })).rejects.toBeInstanceOf(SessionLockTimeout);
      await fresh.release();
      await (await third.lock(key, { waitMs: 500, ttlMs: 10_000 })).release();
    });
  });
}

describe('file store: a lock whose holder died', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sessionkit-lock-waits-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is taken over after its ttl, and leaves no lock file behind', async () => {
    const a = fileStore({ directory: dir });
    const b = fileStore({ directory: dir });
    const key = generateSessionKey();
    await a.lock(key, { waitMs: 100, ttlMs: 150 });
    const started = Date.now();
    const takeover = await b.lock(key, { waitMs: 3000, ttlMs: 10_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(Date.now() - started).toBeLessThan(2000);
    await takeover.release();
    expect(readdirSync(dir).filter((name) => !/^sessionid[a-z0-9]+$/.test(name))).toEqual([]);
  });
});

const redisUp = await askTcp(6379, 'PING\r\n', (reply) => reply.includes('\r\n')).then(
  (reply) => reply.startsWith('+PONG'),
  () => false,
);

describeIfAvailable('Redis', redisUp ? null : 'Redis on 127.0.0.1:6379 does not answer PING', 'redis store: a lock whose holder died', () => {
  const prefix = `sessionkit-lock-waits-${RUN_ID}`;
  let raw: Redis;
  beforeAll(() => {
    raw = new Redis('redis://127.0.0.1:6379/0');
  });
  afterAll(async () => {
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length > 0) await raw.del(...keys);
    raw.disconnect();
  });

  it.each(DRIVERS)('is taken over after its TTL, on $name', async ({ driver, slug }) => {
    const keyPrefix = `${prefix}-${slug}`;
    const s = redisStore({ url: 'redis://127.0.0.1:6379/0', driver, keyPrefix });
    try {
      const key = generateSessionKey();
      await raw.set(`${keyPrefix}:1:${CACHE}${key}:lock`, 'dead-holder', 'PX', 300);
      const started = Date.now();
      const held = await s.lock(key, { waitMs: 3000, ttlMs: 10_000 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      await held.release();
    } finally {
      await s.close();
    }
  });
});

describe('sqlite store: the waiters of one process', () => {
  it('queues waiters of one process in memory: 200 waiters poll the database about once each', async () => {
    const connection = new Database(sqliteFile);
    let polls = 0;
    const prepare = connection.prepare.bind(connection);
    connection.prepare = ((sql: string) => {
      const statement = prepare(sql);
      if (sql.startsWith('INSERT INTO "sessionkit_lock"')) {
        const run = statement.run.bind(statement);
        statement.run = (...args: unknown[]) => {
          polls++;
          return run(...args);
        };
      }
      return statement;
    }) as typeof connection.prepare;
    const holder = sqliteStore({ path: sqliteFile });
    const counted = sqliteStore({ database: connection, createTable: false });
    const key = generateSessionKey();
    const held = await holder.lock(key, { waitMs: 1000, ttlMs: 10_000 });
    let order = 0;
    const waiters = Array.from({ length: 200 }, async () => {
      const lock = await counted.lock(key, { waitMs: 20_000, ttlMs: 10_000 });
      order++;
      await lock.release();
    });
    await sleep(300);
    await held.release();
    await Promise.all(waiters);
    expect(order).toBe(200);
    // Without the in-memory queue each of the 200 would poll every few milliseconds during those 300 ms.
    expect(polls).toBeGreaterThanOrEqual(200);
    expect(polls).toBeLessThan(260);
    await counted.close();
    await holder.close();
    connection.close();
  });
});
