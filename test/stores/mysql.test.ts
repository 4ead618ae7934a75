/**
 * The MySQL/MariaDB store against the real server (127.0.0.1:3306, user root without password, database
 * `test`; set SESSIONKIT_MYSQL_URL to use another). Every table is unique to this run and dropped
 * afterwards, so test files can run in parallel.
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { createSessions, SessionConfigError, SessionLockTimeout, SessionStoreUnavailable } from '../../src/index.js';
import { generateSessionKey } from '../../src/core/session-key.js';
import { mysqlSettingsFromUrl } from '../../src/stores/internal/mysql-url.js';
import { mysqlStore, type MysqlStore, type MysqlStoreOptions } from '../../src/stores/mysql.js';
import { describeWithDjango, django, djangoDatabaseSettings, djangoDriverFor } from '../django/bridge.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { describeStoreConformance } from './conformance.js';

const MYSQL_URL = process.env['SESSIONKIT_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/test';
const MYSQL_PORT = Number(new URL(MYSQL_URL).port || 3306);
const RUN_ID = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
let tableCount = 0;
const newTable = (): string => `sk_my_${RUN_ID}_${++tableCount}`;
const future = (seconds = 3600): Date => new Date(Date.now() + seconds * 1000);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// Connections for inspecting and dropping tables, independent of the stores under test.
const admin = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2, connectTimeout: 3000 });
const unreachable = await admin.query('SELECT 1').then(
  () => undefined,
  (error: unknown) => `MySQL at ${MYSQL_URL} is not reachable (${error instanceof Error ? error.message : String(error)})`,
);
const createdTables = new Set<string>();
afterAll(async () => {
  if (!unreachable) for (const table of createdTables) await admin.query(`DROP TABLE IF EXISTS \`${table}\``);
  await admin.end();
});

/** `describe` for tests needing the server: skipped loudly when it is down, failed instead under CI. */
function describeWithMysql(name: string, body: () => void): void {
  if (!unreachable) {
    describe(name, body);
  } else if (process.env['CI']) {
    describe(name, () => it('needs MySQL', () => expect.fail(`${unreachable} and CI is set`)));
  } else {
    console.warn(`\n*** SKIPPING "${name}": ${unreachable} ***\n`);
    describe.skip(name, body);
  }
}

/** A store on a new table of its own (dropped after the file). */
function storeOnNewTable(options: Omit<MysqlStoreOptions, 'table' | 'pool'> = {}, table = newTable()): MysqlStore {
  createdTables.add(table);
  return mysqlStore({ url: MYSQL_URL, ...options, table });
}

async function query<R = mysql.RowDataPacket>(sql: string, values: unknown[] = []): Promise<R[]> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>(sql, values);
  return rows as R[];
}

async function rowCount(table: string, where = 'TRUE'): Promise<number> {
  return Number((await query<{ n: number }>(`SELECT count(*) AS n FROM \`${table}\` WHERE ${where}`))[0]!.n);
}

/** Runs `operation` and resolves how long it took to reject, and with what. */
async function rejection(operation: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  try {
    await operation();
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
  throw new Error('expected the operation to fail');
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Inserts `count` rows under random keys (as real ones are), with `data`, expiring `seconds` from now. */
async function insertRows(table: string, count: number, data: string, seconds: number): Promise<void> {
  const expires = new Date(Date.now() + seconds * 1000).toISOString().slice(0, 23).replace('T', ' ');
  for (let start = 0; start < count; start += 5000) {
    const rows = Array.from({ length: Math.min(5000, count - start) }, () => [generateSessionKey(), data, expires]);
    await admin.query(`INSERT INTO \`${table}\` (session_key, session_data, expire_date) VALUES ?`, [rows]);
  }
}

if (unreachable) {
  describeWithMysql('store conformance: mysql', () => it('runs the suite', () => {}));
} else {
  const conformanceTable = newTable();
  createdTables.add(conformanceTable);
  describeStoreConformance({
    name: 'mysql',
    makeStore: () => mysqlStore({ url: MYSQL_URL, table: conformanceTable }),
    clearsExpired: true,
  });
}

/** A table's engine, columns and indexes as information_schema describes them. */
async function catalogOf(table: string, database?: string): Promise<unknown> {
  const where = 'TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?';
  const names = [database ?? null, table];
  return {
    table: await query(`SELECT ENGINE, TABLE_COLLATION FROM information_schema.TABLES WHERE ${where}`, names),
    columns: await query(
      `SELECT COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY, COLUMN_DEFAULT, EXTRA, COLLATION_NAME
       FROM information_schema.COLUMNS WHERE ${where} ORDER BY ORDINAL_POSITION`,
      names,
    ),
    indexes: await query(
      `SELECT INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE, INDEX_TYPE FROM information_schema.STATISTICS
       WHERE ${where} ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
      names,
    ),
  };
}

describeWithMysql('mysql store: table and index', () => {
  // Django's own django_session, made by its migrate, is compared in test/django/interop-mysql.test.ts.
  describeWithDjango(
    "as Django 3.2's schema editor creates them for a custom session model's table (§6.3)",
    () => {
      it('creates the same table, index name included, for a custom name and for a 64-character one Django shortens', async () => {
        const tables = [newTable(), `${newTable()}_${'y'.repeat(64)}`.slice(0, 64)];
        // Django works in a database of its own with the test database's defaults, so the same table
        // names can be compared.
        const database = `sk_my_${RUN_ID}_django`;
        const [defaults] = await query<{ charset: string; collation: string }>(
          `SELECT DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()`,
        );
        await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET ${defaults!.charset} COLLATE ${defaults!.collation}`);
        try {
          const created = await django(
            djangoDatabaseSettings(MYSQL_URL, { name: database }),
            tables.map((table) => ({ op: 'create_session_table', table })),
          );
          expect(created).toEqual(tables.map(() => null));
          for (const table of tables) {
            const store = storeOnNewTable({}, table);
            expect(await store.exists(generateSessionKey())).toBe(false);
            await store.close();
            const ours = await catalogOf(table);
            expect(ours).toEqual(await catalogOf(table, database));
            expect(ours).toMatchObject({
              columns: [
                { COLUMN_NAME: 'session_key', COLUMN_TYPE: 'varchar(40)', IS_NULLABLE: 'NO', COLUMN_KEY: 'PRI' },
                { COLUMN_NAME: 'session_data', COLUMN_TYPE: 'longtext', IS_NULLABLE: 'NO' },
                { COLUMN_NAME: 'expire_date', COLUMN_TYPE: 'datetime(6)', IS_NULLABLE: 'NO', COLUMN_KEY: 'MUL' },
              ],
            });
            expect((ours as { indexes: unknown[] }).indexes).toHaveLength(2);
          }
        } finally {
          await admin.query(`DROP DATABASE \`${database}\``);
        }
      });
    },
    [djangoDriverFor(MYSQL_URL)],
  );

  it('creates the table once when several stores start at the same moment', async () => {
    for (let round = 0; round < 3; round++) {
      const table = newTable();
      const stores = Array.from({ length: 4 }, () => storeOnNewTable({ connectionLimit: 2 }, table));
      try {
        const keys = stores.map(() => generateSessionKey());
        const created = await Promise.all(stores.map((store, i) => store.create(keys[i]!, `data-${i}`, future())));
        expect(created).toEqual([true, true, true, true]);
        expect(await rowCount(table)).toBe(4);
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    }
  });

  it('explains a missing table when it may not create it', async () => {
    const store = mysqlStore({ url: MYSQL_URL, table: newTable(), createTable: false });
    try {
      const { error } = await rejection(() => store.load(generateSessionKey()));
      expect(messageOf(error)).toMatch(/does not exist.*migrate/);
    } finally {
      await store.close();
    }
  });
});

describeWithMysql('mysql store: data', () => {
  it('stores expire_date as naive UTC with microseconds, as Django does, even on a pool set to another time zone', async () => {
    const table = newTable();
    createdTables.add(table);
    const pool = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2, timezone: '+05:45' });
    const store = mysqlStore({ pool, table });
    try {
      const key = generateSessionKey();
      const expires = new Date('2031-05-06T07:08:09.123Z');
      await store.create(key, 'x', expires);
      const [row] = await query<{ raw: string }>(`SELECT CAST(expire_date AS CHAR) AS raw FROM \`${table}\` WHERE session_key = ?`, [key]);
      expect(row!.raw).toBe('2031-05-06 07:08:09.123000');
      const listed = [];
      for await (const session of store.list()) listed.push(session);
      expect(listed).toEqual([{ key, expireDate: expires, size: 1 }]);
    } finally {
      await store.close();
      await pool.end();
    }
  });

  it('loads a row written as Django writes it and honours its expiry', async () => {
    const table = newTable();
    const store = storeOnNewTable({}, table);
    try {
      await store.exists(generateSessionKey());
      const live = generateSessionKey();
      const expired = generateSessionKey();
      await admin.query(`INSERT INTO \`${table}\` VALUES (?, 'live-data', UTC_TIMESTAMP(6) + INTERVAL 1 DAY), (?, 'old-data', UTC_TIMESTAMP(6) - INTERVAL 1 SECOND)`, [live, expired]);
      expect(await store.load(live)).toEqual({ data: 'live-data', version: 'live-data' });
      expect(await store.load(expired)).toBeNull();
      expect(await store.exists(expired)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('compares versions byte for byte, whatever the column collation ignores', async () => {
    const table = newTable();
    const store = storeOnNewTable({}, table);
    try {
      const key = generateSessionKey();
      await store.create(key, 'AbC', future());
      expect(await store.update(key, 'next', future(), 'abc')).toBe('conflict');
      expect(await store.update(key, 'next', future(), 'AbC ')).toBe('conflict');
      expect(await store.update(key, 'next', future(), 'AbC')).toBe('updated');
      expect(await store.update(key, 'next', future(), 'next')).toBe('updated');
    } finally {
      await store.close();
    }
  });

  it('lists the live sessions a page at a time, with their expiry and size in bytes, and counts the expired ones', async () => {
    const table = newTable();
    const store = storeOnNewTable({}, table);
    try {
      const key = generateSessionKey();
      await store.create(key, 'héllo', new Date('2030-01-01T00:00:00Z'));
      // Random keys: the expired rows sort among the live ones, on every page.
      await insertRows(table, 2500, 'x', 86400);
      await insertRows(table, 600, 'old', -86400);
      const listed = [];
      for await (const session of store.list()) listed.push(session);
      expect(listed).toHaveLength(2501);
      expect(new Set(listed.map((session) => session.key)).size).toBe(2501);
      expect(listed.every((session) => session.expireDate!.getTime() > Date.now())).toBe(true);
      expect(listed.find((session) => session.key === key)).toEqual({ key, expireDate: new Date('2030-01-01T00:00:00Z'), size: 6 });
      expect(await store.countExpired()).toBe(600);
    } finally {
      await store.close();
    }
  });

  it('clears 20,000 expired rows in batches, reporting progress, and keeps live ones', async () => {
    const table = newTable();
    const store = storeOnNewTable({}, table);
    try {
      await store.exists(generateSessionKey());
      await insertRows(table, 20000, 'old', -3600);
      await insertRows(table, 50, 'live', 3600);
      const progress: number[] = [];
      // Logins go on while the rows are cleared, and none waits long.
      let clearing = true;
      const loginTimes: number[] = [];
      const logins = (async () => {
        while (clearing) {
          const started = Date.now();
          const key = generateSessionKey();
          await store.create(key, 'login', future());
          await store.load(key);
          loginTimes.push(Date.now() - started);
        }
      })();
      const removed = await store.clearExpiredInBatches({ batchSize: 3000, onProgress: (n) => progress.push(n) });
      clearing = false;
      await logins;
      expect(removed).toBe(20000);
      // Each statement handles 3000 rows of the table, live or expired, and deletes the expired ones.
      expect(progress.length).toBeGreaterThanOrEqual(7);
      expect(progress.at(-1)).toBe(20000);
      progress.forEach((total, i) => expect(total - (progress[i - 1] ?? 0)).toBeGreaterThan(0));
      progress.forEach((total, i) => expect(total - (progress[i - 1] ?? 0)).toBeLessThanOrEqual(3000));
      expect(await rowCount(table, `session_data = 'old'`)).toBe(0);
      expect(await rowCount(table, `session_data = 'live'`)).toBe(50);
      expect(loginTimes.length).toBeGreaterThan(0);
      expect(Math.max(...loginTimes)).toBeLessThan(1000);
      expect(await store.clearExpired()).toBe(0);
      await expect(store.clearExpiredInBatches({ batchSize: 1.5 })).rejects.toBeInstanceOf(SessionConfigError);
    } finally {
      await store.close();
    }
  });

  // A million rows take a while to insert; run with SESSIONKIT_BIG_CLEAR=1.
  it.runIf(process.env['SESSIONKIT_BIG_CLEAR'])('clears 1,000,000 expired rows well under a minute', async () => {
    const table = newTable();
    const store = storeOnNewTable({}, table);
    try {
      await store.exists(generateSessionKey());
      await insertRows(table, 1_000_000, 'old', -3600);
      const started = Date.now();
      expect(await store.clearExpired()).toBe(1_000_000);
      const seconds = (Date.now() - started) / 1000;
      console.log(`mysql: cleared 1,000,000 expired rows in ${seconds.toFixed(1)} s`);
      expect(seconds).toBeLessThan(60);
    } finally {
      await store.close();
    }
  }, 300_000);
});

describeWithMysql('mysql store: locks', () => {
  it('locks across stores (as across processes): a second holder waits, times out, then gets it', async () => {
    const table = newTable();
    const first = storeOnNewTable({}, table);
    const second = storeOnNewTable({}, table);
    try {
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
      await (await waiting).release();
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('frees a lock whose holder never releases it after ttlMs', async () => {
    const table = newTable();
    const first = storeOnNewTable({}, table);
    const second = storeOnNewTable({}, table);
    try {
      const key = generateSessionKey();
      await first.lock(key, { waitMs: 1000, ttlMs: 300 });
      const started = Date.now();
      const lock = await second.lock(key, { waitMs: 3000, ttlMs: 10_000 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(200);
      await lock.release();
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('serves 200 concurrent requests of one session with a single lock connection', async () => {
    // A user of its own, so the server's process list shows exactly this store's connections.
    const user = `sk_${RUN_ID}`;
    await admin.query(`CREATE USER '${user}'@'%'`);
    await admin.query(`GRANT ALL ON test.* TO '${user}'@'%'`);
    const url = new URL(MYSQL_URL);
    url.username = user;
    const store = storeOnNewTable({ url: url.toString(), maxLockConnections: 5 });
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
      expect(await query('SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ?', [user])).toHaveLength(1);
    } finally {
      await store.close();
      await admin.query(`DROP USER '${user}'@'%'`);
    }
  });
});

describeWithMysql('mysql store: faults', () => {
  const proxies: TcpProxy[] = [];
  afterAll(async () => {
    await Promise.all(proxies.map((proxy) => proxy.close()));
  });
  const proxied = async (options: Omit<MysqlStoreOptions, 'url' | 'pool' | 'table'> = {}): Promise<{ proxy: TcpProxy; store: MysqlStore }> => {
    const proxy = await startTcpProxy(MYSQL_PORT);
    proxies.push(proxy);
    const url = new URL(MYSQL_URL);
    url.port = String(proxy.port);
    const table = newTable();
    createdTables.add(table);
    return { proxy, store: mysqlStore({ url: url.toString(), table, ...options }) };
  };

  it('fails fast with a clear error when nothing listens on the port', async () => {
    const store = mysqlStore({ url: 'mysql://root@127.0.0.1:1/test', connectTimeoutMs: 2000 });
    try {
      const { ms, error } = await rejection(() => store.load(generateSessionKey()));
      expect(ms).toBeLessThan(2000);
      expect(messageOf(error)).toMatch(/ECONNREFUSED 127\.0\.0\.1:1/);
      const sessions = createSessions({ secret: TEST_SECRET, store });
      const session = sessions.load(`sessionid=${generateSessionKey()}`);
      const failure = await rejection(() => session.get('anything'));
      expect(failure.error).toBeInstanceOf(SessionStoreUnavailable);
      expect((failure.error as SessionStoreUnavailable).status).toBe(503);
      expect(messageOf(failure.error)).toBe('Session store "mysql" is unavailable.');
      expect(messageOf((failure.error as Error).cause)).toMatch(/ECONNREFUSED/);
    } finally {
      await store.close();
    }
  });

  it('gives up connecting to a server that accepts but never answers within connectTimeoutMs', async () => {
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
      expect(ms).toBeLessThan(2000);
      expect(messageOf(error)).toMatch(/timeout/i);
      await proxy.resume();
      expect((await store.load(key))?.data).toBe('before-hang');
    } finally {
      await store.close();
    }
  });

  it('does not wait forever for a free connection', async () => {
    const { proxy, store } = await proxied({ connectionLimit: 1, acquireTimeoutMs: 300, statementTimeoutMs: 3000 });
    try {
      await store.exists(generateSessionKey());
      await proxy.pause('hang');
      const stuck = rejection(() => store.load(generateSessionKey()));
      const { ms, error } = await rejection(() => store.load(generateSessionKey()));
      expect(ms).toBeLessThan(1000);
      expect(messageOf(error)).toMatch(/no database connection became available within 300 ms/);
      await proxy.resume();
      await stuck.catch(() => {});
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
    const pool = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2 });
    const table = newTable();
    createdTables.add(table);
    const store = mysqlStore({ pool, table });
    const key = generateSessionKey();
    await store.create(key, 'pooled', future());
    await (await store.lock(key, { waitMs: 1000, ttlMs: 10_000 })).release();
    await store.close();
    const [rows] = await pool.query(`SELECT session_data FROM \`${table}\` WHERE session_key = ?`, [key]);
    expect(rows).toEqual([{ session_data: 'pooled' }]);
    await pool.end();
  });
});

describe('mysql store: configuration', () => {
  const configError = (options: MysqlStoreOptions): string => {
    try {
      mysqlStore(options);
    } catch (error) {
      expect(error).toBeInstanceOf(SessionConfigError);
      return messageOf(error);
    }
    throw new Error(`no SessionConfigError for ${JSON.stringify(options)}`);
  };

  it('rejects bad URLs and options with SessionConfigError saying what to do', async () => {
    expect(configError({})).toMatch(/give exactly one of `url`.*or an existing `pool`; none was given/);
    expect(configError({ url: 'not a url' })).toMatch(/not a valid URL/);
    expect(configError({ url: 'postgres://postgres@127.0.0.1/test' })).toMatch(/"postgres:\/\/" is not supported.*mysql:\/\//);
    expect(configError({ url: 'mysql://root@127.0.0.1:3306' })).toMatch(/names no database/);
    expect(configError({ url: 'mysql://root@127.0.0.1:3306/' })).toMatch(/names no database/);
    expect(configError({ url: `${MYSQL_URL}?sslca=/x` })).toMatch(/"sslca" is not supported.*ssl-ca/);
    expect(configError({ url: `${MYSQL_URL}?ssl_mode=MAYBE` })).toMatch(/ssl_mode "MAYBE" is unknown/);
    expect(configError({ url: `${MYSQL_URL}?ssl-ca=/nonexistent/ca.pem` })).toMatch(/cannot read the ssl-ca file/);
    expect(configError({ url: `${MYSQL_URL}?charset=klingon` })).toMatch(/Unknown charset 'klingon'/);
    expect(configError({ url: `${MYSQL_URL}?charset=utf8&charset=latin1` })).toMatch(/given twice/);
    expect(configError({ url: MYSQL_URL, table: 'sessions`; DROP TABLE users' })).toMatch(/table name .* is not usable/);
    expect(configError({ url: MYSQL_URL, table: 'x'.repeat(65) })).toMatch(/at most 64/);
    expect(configError({ url: MYSQL_URL, connectionLimit: 0 })).toMatch(/`connectionLimit` must be a positive whole number/);
    expect(configError({ url: MYSQL_URL, acquireTimeoutMs: Number.NaN })).toMatch(/acquireTimeoutMs/);
    const pool = mysql.createPool({ uri: MYSQL_URL });
    expect(configError({ pool, connectionLimit: 5 })).toMatch(/`connectionLimit` only apply with `url`/);
    await pool.end();
  });

  it('never repeats the password in an error message', () => {
    expect(configError({ url: 'mysql://user:hunter2secret@db.example/app?nope=1' })).not.toContain('hunter2secret');
  });

  it('reads dj-database-url forms', () => {
    const full = mysqlSettingsFromUrl('mysql2://us%40er:p%40ss%3Aw%2Frd@DB.Example.COM:3307/app?charset=utf8mb4&ssl_mode=REQUIRED&connect_timeout=4');
    expect(full.connection).toEqual({
      host: 'db.example.com',
      port: 3307,
      user: 'us@er',
      password: 'p@ss:w/rd',
      database: 'app',
      charset: 'utf8mb4',
      ssl: { rejectUnauthorized: false },
    });
    expect(full.connectTimeoutMs).toBe(4000);
    expect(mysqlSettingsFromUrl('mysql://root@%2Fvar%2Frun%2Fmysqld%2Fmysqld.sock/app').connection).toEqual({
      socketPath: '/var/run/mysqld/mysqld.sock',
      user: 'root',
      password: undefined,
      database: 'app',
    });
    expect(mysqlSettingsFromUrl('mysql:///app').connection).toMatchObject({ host: 'localhost', port: 3306 });
  });
});

describeWithMysql('mysql store: migrate', () => {
  it('creates the missing table and its index once, says so, and finds it there afterwards, even with createTable off', async () => {
    const table = newTable();
    const stores = Array.from({ length: 4 }, () => storeOnNewTable({ createTable: false }, table));
    try {
      // Four processes migrating at once: exactly one creates the table.
      const outcomes = await Promise.all(stores.map((store) => store.migrate()));
      expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === 'exists')).toHaveLength(3);
      const indexes = await query<{ INDEX_NAME: string }>(
        'SELECT DISTINCT INDEX_NAME FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? ORDER BY 1',
        [table],
      );
      expect(indexes.map((index) => index.INDEX_NAME).sort()).toEqual(['PRIMARY', expect.stringMatching(/_expire_date_[0-9a-f]{8}$/)]);
      expect(await stores[0]!.migrate()).toBe('exists');
      expect(await stores[1]!.create(generateSessionKey(), 'x', future())).toBe(true);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});
