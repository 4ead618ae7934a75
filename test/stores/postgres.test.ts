/**
 * The PostgreSQL store against the real server (127.0.0.1:5432, database `test`, user `postgres`; set
 * SESSIONKIT_PG_URL to use another). Every table is unique to this run and dropped afterwards, so test
 * files can run in parallel.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createSessions, SessionConfigError, SessionLockTimeout, SessionStoreUnavailable } from '../../src/index.js';
import { generateSessionKey } from '../../src/core/session-key.js';
import { postgresSettingsFromUrl } from '../../src/stores/internal/postgres-url.js';
import { postgresStore, type PostgresStore, type PostgresStoreOptions } from '../../src/stores/postgres.js';
import { describeWithDjango, django, djangoDatabaseSettings, djangoDriverFor } from '../django/bridge.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { describeStoreConformance } from './conformance.js';

const PG_URL = process.env['SESSIONKIT_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const PG_PORT = Number(new URL(PG_URL).port || 5432);
const RUN_ID = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
let tableCount = 0;
const newTable = (): string => `sk_pg_${RUN_ID}_${++tableCount}`;
const future = (seconds = 3600): Date => new Date(Date.now() + seconds * 1000);
const past = (seconds = 3600): Date => new Date(Date.now() - seconds * 1000);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// One connection for inspecting and dropping tables, independent of the stores under test.
const admin = new pg.Pool({ connectionString: PG_URL, max: 2, connectionTimeoutMillis: 3000 });
admin.on('error', () => {});
const unreachable = await admin.query('SELECT 1').then(
  () => undefined,
  (error: unknown) => `PostgreSQL at ${PG_URL} is not reachable (${error instanceof Error ? error.message : String(error)})`,
);
const createdTables = new Set<string>();
afterAll(async () => {
  if (!unreachable) for (const table of createdTables) await admin.query(`DROP TABLE IF EXISTS "${table}"`);
  await admin.end();
});

/** `describe` for tests needing the server: skipped loudly when it is down, failed instead under CI. */
function describeWithPostgres(name: string, body: () => void): void {
  if (!unreachable) {
    describe(name, body);
  } else if (process.env['CI']) {
    describe(name, () => it('needs PostgreSQL', () => expect.fail(`${unreachable} and CI is set`)));
  } else {
    console.warn(`\n*** SKIPPING "${name}": ${unreachable} ***\n`);
    describe.skip(name, body);
  }
}

/** A store on a new table of its own (dropped after the file). */
function storeOnNewTable(options: Omit<PostgresStoreOptions, 'table' | 'pool'> = {}, table = newTable()): PostgresStore {
  createdTables.add(table);
  return postgresStore({ url: PG_URL, ...options, table });
}

async function rowCount(table: string, where = 'TRUE'): Promise<number> {
  const { rows } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}" WHERE ${where}`);
  return Number(rows[0]!.n);
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

if (unreachable) {
  describeWithPostgres('store conformance: postgres', () => it('runs the suite', () => {}));
} else {
  const conformanceTable = newTable();
  createdTables.add(conformanceTable);
  describeStoreConformance({
    name: 'postgres',
    makeStore: () => postgresStore({ url: PG_URL, table: conformanceTable }),
    clearsExpired: true,
  });
}

/** A table's columns, constraints and indexes as PostgreSQL describes them, the schema's name left out. */
async function catalogOf(schema: string, table: string): Promise<unknown> {
  const qualified = `"${schema}"."${table}"`;
  const { rows: columns } = await admin.query(
    `SELECT attname, format_type(atttypid, atttypmod) AS type, attnotnull, atthasdef FROM pg_attribute
     WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [qualified],
  );
  const { rows: constraints } = await admin.query(
    'SELECT conname, contype, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass ORDER BY conname',
    [qualified],
  );
  const { rows: indexes } = await admin.query<{ def: string }>(
    'SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = $1::regclass ORDER BY 1',
    [qualified],
  );
  return { columns, constraints, indexes: indexes.map((row) => row.def.replace(` ON ${schema}.`, ' ON ')) };
}

describeWithPostgres('postgres store: table and indexes', () => {
  // Django's own django_session, made by its migrate, is compared in test/django/interop-postgres.test.ts.
  describeWithDjango(
    "as Django 3.2's schema editor creates them for a custom session model's table (§6.3)",
    () => {
      it('creates the same table, index names included, for a custom name and for a 63-character one Django shortens', async () => {
        const tables = [newTable(), `${newTable()}_${'x'.repeat(63)}`.slice(0, 63)];
        const schema = `sk_pg_${RUN_ID}_django`;
        await admin.query(`CREATE SCHEMA "${schema}"`);
        try {
          const created = await django(
            djangoDatabaseSettings(PG_URL, { options: { options: `-c search_path=${schema}` } }),
            tables.map((table) => ({ op: 'create_session_table', table })),
          );
          expect(created).toEqual(tables.map(() => null));
          for (const table of tables) {
            const store = storeOnNewTable({}, table);
            expect(await store.exists(generateSessionKey())).toBe(false);
            await store.close();
            const ours = await catalogOf('public', table);
            expect(ours).toEqual(await catalogOf(schema, table));
            expect(ours).toMatchObject({
              columns: [
                { attname: 'session_key', type: 'character varying(40)', attnotnull: true },
                { attname: 'session_data', type: 'text', attnotnull: true },
                { attname: 'expire_date', type: 'timestamp with time zone', attnotnull: true },
              ],
              constraints: [{ contype: 'p', def: 'PRIMARY KEY (session_key)' }],
            });
            expect((ours as { indexes: string[] }).indexes).toHaveLength(3);
          }
        } finally {
          await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
        }
      });
    },
    [djangoDriverFor(PG_URL)],
  );

  it('creates the table once when several stores start at the same moment', async () => {
    for (let round = 0; round < 3; round++) {
      const table = newTable();
      const stores = Array.from({ length: 4 }, () => storeOnNewTable({ max: 2 }, table));
      try {
        const keys = stores.map(() => generateSessionKey());
        const created = await Promise.all(stores.map((store, i) => store.create(keys[i]!, `data-${i}`, future())));
        expect(created).toEqual([true, true, true, true]);
        expect(await rowCount(table)).toBe(4);
        const { rows } = await admin.query('SELECT indexname FROM pg_indexes WHERE tablename = $1', [table]);
        expect(rows).toHaveLength(3);
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    }
  });

  it('uses a table that already exists without creating anything, even with createTable off', async () => {
    const table = newTable();
    createdTables.add(table);
    await admin.query(`CREATE TABLE "${table}" (session_key varchar(40) PRIMARY KEY, session_data text NOT NULL, expire_date timestamptz NOT NULL)`);
    const store = postgresStore({ url: PG_URL, table, createTable: false });
    try {
      const key = generateSessionKey();
      expect(await store.create(key, 'x', future())).toBe(true);
      expect((await store.load(key))?.data).toBe('x');
      const { rows } = await admin.query('SELECT indexname FROM pg_indexes WHERE tablename = $1', [table]);
      expect(rows).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('explains a missing table when it may not create it', async () => {
    const store = postgresStore({ url: PG_URL, table: newTable(), createTable: false });
    try {
      const { error } = await rejection(() => store.load(generateSessionKey()));
      expect(messageOf(error)).toMatch(/does not exist.*migrate/);
    } finally {
      await store.close();
    }
  });

  it('creates the table in the schema named by the URL option currentSchema', async () => {
    const schema = `sk_schema_${RUN_ID}`;
    await admin.query(`CREATE SCHEMA "${schema}"`);
    const store = postgresStore({ url: `${PG_URL}?currentSchema=${schema}`, table: 'django_session' });
    try {
      const key = generateSessionKey();
      await store.create(key, 'in-schema', future());
      const { rows } = await admin.query(`SELECT session_data FROM "${schema}".django_session WHERE session_key = $1`, [key]);
      expect(rows).toEqual([{ session_data: 'in-schema' }]);
    } finally {
      await store.close();
      await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
    }
  });
});

describeWithPostgres('postgres store: data', () => {
  it('stores expire_date as the same instant (timestamptz), whatever the session time zone', async () => {
    const table = newTable();
    const store = storeOnNewTable({}, table);
    try {
      const key = generateSessionKey();
      const expires = new Date('2031-05-06T07:08:09.123Z');
      await store.create(key, 'x', expires);
      const { rows } = await admin.query(`SELECT to_char(expire_date AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS utc FROM "${table}"`);
      expect(rows[0].utc).toBe('2031-05-06 07:08:09.123000');
    } finally {
      await store.close();
    }
  });

  it('loads a row written by another client (as Django would) and honours its expiry', async () => {
    const table = newTable();
    const store = storeOnNewTable({}, table);
    try {
      await store.exists(generateSessionKey());
      const live = generateSessionKey();
      const expired = generateSessionKey();
      await admin.query(`INSERT INTO "${table}" VALUES ($1, 'live-data', now() + interval '1 day'), ($2, 'old-data', now() - interval '1 second')`, [live, expired]);
      expect(await store.load(live)).toEqual({ data: 'live-data', version: 'live-data' });
      expect(await store.load(expired)).toBeNull();
      expect(await store.exists(expired)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('lists the live sessions a page at a time, with their expiry and size, and counts the expired ones', async () => {
    const table = newTable();
    const store = storeOnNewTable({}, table);
    try {
      const key = generateSessionKey();
      await store.create(key, 'héllo', new Date('2030-01-01T00:00:00Z'));
      await admin.query(`INSERT INTO "${table}" SELECT md5(g::text), 'x', now() + interval '1 day' FROM generate_series(1, 2500) g`);
      // Expired rows sort among the live ones: 'z…' after every md5, '0…' before.
      await admin.query(`INSERT INTO "${table}" SELECT p || md5(g::text), 'old', now() - interval '1 day' FROM generate_series(1, 300) g, unnest(ARRAY['0', 'z']) p`);
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
      await admin.query(`INSERT INTO "${table}" SELECT md5(g::text), 'old', now() - interval '1 hour' FROM generate_series(1, 20000) g`);
      await admin.query(`INSERT INTO "${table}" SELECT md5('live' || g::text), 'live', now() + interval '1 hour' FROM generate_series(1, 50) g`);
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
      expect(progress).toEqual([3000, 6000, 9000, 12000, 15000, 18000, 20000]);
      expect(await rowCount(table, `session_data = 'old'`)).toBe(0);
      expect(await rowCount(table, `session_data = 'live'`)).toBe(50);
      expect(loginTimes.length).toBeGreaterThan(0);
      expect(Math.max(...loginTimes)).toBeLessThan(1000);
      expect(await store.clearExpired()).toBe(0);
      await expect(store.clearExpiredInBatches({ batchSize: 0 })).rejects.toBeInstanceOf(SessionConfigError);
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
      await admin.query(`INSERT INTO "${table}" SELECT md5(g::text), 'old', now() - interval '1 hour' FROM generate_series(1, 1000000) g`);
      const started = Date.now();
      expect(await store.clearExpired()).toBe(1_000_000);
      const seconds = (Date.now() - started) / 1000;
      console.log(`postgres: cleared 1,000,000 expired rows in ${seconds.toFixed(1)} s`);
      expect(seconds).toBeLessThan(60);
    } finally {
      await store.close();
    }
  }, 180_000);
});

describeWithPostgres('postgres store: locks', () => {
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
    const applicationName = `sk_lock_${RUN_ID}`;
    const table = newTable();
    createdTables.add(table);
    const store = postgresStore({ url: `${PG_URL}?application_name=${applicationName}`, table, maxLockConnections: 5 });
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
      const { rows } = await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
      expect(Number(rows[0]!.n)).toBe(1);
    } finally {
      await store.close();
    }
  });
});

describeWithPostgres('postgres store: faults', () => {
  const proxies: TcpProxy[] = [];
  afterAll(async () => {
    await Promise.all(proxies.map((proxy) => proxy.close()));
  });
  const proxied = async (options: Omit<PostgresStoreOptions, 'url' | 'pool' | 'table'> = {}): Promise<{ proxy: TcpProxy; store: PostgresStore }> => {
    const proxy = await startTcpProxy(PG_PORT);
    proxies.push(proxy);
    const url = new URL(PG_URL);
    url.port = String(proxy.port);
    const table = newTable();
    createdTables.add(table);
    return { proxy, store: postgresStore({ url: url.toString(), table, ...options }) };
  };

  it('fails fast with a clear error when nothing listens on the port', async () => {
    const store = postgresStore({ url: 'postgres://postgres@127.0.0.1:1/test', connectionTimeoutMs: 2000 });
    try {
      const { ms, error } = await rejection(() => store.load(generateSessionKey()));
      expect(ms).toBeLessThan(2000);
      expect(messageOf(error)).toMatch(/ECONNREFUSED 127\.0\.0\.1:1/);
      const sessions = createSessions({ secret: TEST_SECRET, store });
      const session = sessions.load(`sessionid=${generateSessionKey()}`);
      const failure = await rejection(() => session.get('anything'));
      expect(failure.error).toBeInstanceOf(SessionStoreUnavailable);
      expect((failure.error as SessionStoreUnavailable).status).toBe(503);
      expect(messageOf(failure.error)).toBe('Session store "postgres" is unavailable.');
      expect(messageOf((failure.error as Error).cause)).toMatch(/ECONNREFUSED/);
    } finally {
      await store.close();
    }
  });

  it('gives up connecting to a server that accepts but never answers within connectionTimeoutMs', async () => {
    const { proxy, store } = await proxied({ connectionTimeoutMs: 800 });
    try {
      await proxy.pause('hang');
      const { ms, error } = await rejection(() => store.load(generateSessionKey()));
      expect(ms).toBeGreaterThanOrEqual(700);
      expect(ms).toBeLessThan(2500);
      expect(messageOf(error)).toMatch(/timeout/i);
    } finally {
      await store.close();
    }
  });

  it('gives up on a statement when the server hangs mid-connection, then recovers', async () => {
    const { proxy, store } = await proxied({ statementTimeoutMs: 500, connectionTimeoutMs: 1000 });
    try {
      const key = generateSessionKey();
      await store.create(key, 'before-hang', future());
      await proxy.pause('hang');
      const { ms, error } = await rejection(() => store.load(key));
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
    const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
    const table = newTable();
    createdTables.add(table);
    const store = postgresStore({ pool, table });
    const key = generateSessionKey();
    await store.create(key, 'pooled', future());
    await store.close();
    const { rows } = await pool.query(`SELECT session_data FROM "${table}" WHERE session_key = $1`, [key]);
    expect(rows).toEqual([{ session_data: 'pooled' }]);
    await pool.end();
  });
});

describe('postgres store: configuration', () => {
  const configError = (options: PostgresStoreOptions): string => {
    try {
      postgresStore(options);
    } catch (error) {
      expect(error).toBeInstanceOf(SessionConfigError);
      return messageOf(error);
    }
    throw new Error(`no SessionConfigError for ${JSON.stringify(options)}`);
  };

  it('rejects bad URLs and options with SessionConfigError saying what to do', () => {
    expect(configError({})).toMatch(/give exactly one of `url`.*or an existing `pool`; none was given/);
    expect(configError({ url: PG_URL, pool: new pg.Pool() })).toMatch(/`url` and `pool` were given together/);
    expect(configError({ url: '' })).toMatch(/empty/);
    expect(configError({ url: 'not a url' })).toMatch(/not a valid URL/);
    expect(configError({ url: 'mysql://root@127.0.0.1/test' })).toMatch(/"mysql:\/\/" is not supported.*postgres:\/\//);
    expect(configError({ url: 'postgres://127.0.0.1:99999/test' })).toMatch(/not a valid URL/);
    expect(configError({ url: `${PG_URL}?sslmod=require` })).toMatch(/"sslmod" is not supported.*sslmode/);
    expect(configError({ url: `${PG_URL}?sslmode=sometimes` })).toMatch(/sslmode "sometimes" is unknown/);
    expect(configError({ url: `${PG_URL}?sslrootcert=/nonexistent/ca.pem&sslmode=verify-full` })).toMatch(/cannot read the sslrootcert file/);
    expect(configError({ url: `${PG_URL}?connect_timeout=soon` })).toMatch(/connect_timeout.*whole number/);
    expect(configError({ url: PG_URL, table: 'sessions; DROP TABLE users' })).toMatch(/table name .* is not usable/);
    expect(configError({ url: PG_URL, table: 'a.b.c' })).toMatch(/is not usable/);
    expect(configError({ url: PG_URL, table: 'x'.repeat(64) })).toMatch(/at most 63/);
    expect(configError({ url: PG_URL, max: 0 })).toMatch(/`max` must be a positive whole number/);
    expect(configError({ url: PG_URL, statementTimeoutMs: -1 })).toMatch(/statementTimeoutMs/);
    expect(configError({ pool: new pg.Pool(), max: 5 })).toMatch(/`max` only apply with `url`; with `pool`, set them on the pool/);
  });

  it('never repeats the password in an error message', () => {
    expect(configError({ url: 'postgres://user:hunter2secret@db.example/app?nope=1' })).not.toContain('hunter2secret');
    expect(configError({ url: 'postgres://user:hunter2 secret@db example/app' })).not.toContain('hunter2');
  });

  it('reads dj-database-url forms', () => {
    const full = postgresSettingsFromUrl(
      'postgresql://us%40er:p%40ss%3Aw%2Frd@DB.Example.COM:6543/my%20db?sslmode=require&application_name=web&currentSchema=app&connect_timeout=3',
    );
    expect(full.connection).toMatchObject({
      host: 'db.example.com',
      port: 6543,
      user: 'us@er',
      password: 'p@ss:w/rd',
      database: 'my db',
      application_name: 'web',
      options: '-c search_path=app',
      ssl: { rejectUnauthorized: false },
    });
    expect(full.connectTimeoutMs).toBe(3000);
    expect(full.description).not.toContain('p@ss');
    const socket = postgresSettingsFromUrl('postgres://%2Fvar%2Frun%2Fpostgresql/app');
    expect(socket.connection).toMatchObject({ host: '/var/run/postgresql', database: 'app', ssl: false });
    expect(socket.connection.port).toBeUndefined();
    expect(postgresSettingsFromUrl('pgsql://[::1]:5432/app').connection.host).toBe('::1');
    expect(postgresSettingsFromUrl('postgres:///app').connection.host).toBeUndefined();
    expect(postgresSettingsFromUrl('postgres://h/app?sslmode=verify-full').connection.ssl).toEqual({ rejectUnauthorized: true });
    expect(postgresSettingsFromUrl('postgres://h/app?sslmode=disable').connection.ssl).toBe(false);
  });
});

describeWithPostgres('postgres store: migrate', () => {
  it('creates the missing table and its indexes once, says so, and finds it there afterwards, even with createTable off', async () => {
    const table = newTable();
    const stores = Array.from({ length: 4 }, () => storeOnNewTable({ createTable: false, max: 2 }, table));
    try {
      // Four processes migrating at once: exactly one creates the table.
      const outcomes = await Promise.all(stores.map((store) => store.migrate()));
      expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === 'exists')).toHaveLength(3);
      const { rows } = await admin.query('SELECT indexname FROM pg_indexes WHERE tablename = $1', [table]);
      expect(rows).toHaveLength(3);
      expect(await stores[0]!.migrate()).toBe('exists');
      expect(await stores[1]!.create(generateSessionKey(), 'x', future())).toBe(true);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('says "exists" for a table created by a first request', async () => {
    const store = storeOnNewTable();
    try {
      await store.exists(generateSessionKey());
      expect(await store.migrate()).toBe('exists');
    } finally {
      await store.close();
    }
  });
});
