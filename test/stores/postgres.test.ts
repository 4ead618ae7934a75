/**
 * The PostgreSQL store against the real server (127.0.0.1:5432, database `test`, user `postgres`; set
 * SESSIONKIT_PG_URL to use another). Every table is unique to this run and dropped afterwards, so test
 * files can run in parallel. The scenarios every SQL dialect shares are in `sql-store.ts`; here is what
 * only PostgreSQL does.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import { postgresSettingsFromUrl } from '../../src/stores/internal/postgres-url.js';
import { type PostgresStoreOptions, postgresStore } from '../../src/stores/postgres.js';
import { djangoDatabaseSettings } from '../django/bridge.js';
import { describeDjangoSchema } from './sql-django-schema.js';
import { describeSqlStore } from './sql-store.js';
import { configErrorOf, definedOnly, describeWith, type SqlStoreTarget, scratchTables } from './sql-target.js';

const PG_URL = process.env['SESSIONKIT_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const RUN_ID = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
let tableCount = 0;
const future = (seconds = 3600): Date => new Date(Date.now() + seconds * 1000);

// One connection for inspecting and dropping tables, independent of the stores under test.
const admin = new pg.Pool({ connectionString: PG_URL, max: 2, connectionTimeoutMillis: 3000 });
admin.on('error', () => {});
const scratch = await scratchTables({
  name: 'postgres',
  shown: `PostgreSQL at ${PG_URL}`,
  prefix: `sk_pg_${RUN_ID}`,
  probe: () => admin.query('SELECT 1'),
  drop: (table) => admin.query(`DROP TABLE IF EXISTS "${table}"`),
  close: () => admin.end(),
});

const { newTable, dropLater } = scratch;

const postgres: SqlStoreTarget = {
  ...scratch,
  store: (table) => postgresStore({ url: PG_URL, table }),
  async insert(table, keys, data, seconds) {
    await admin.query(`INSERT INTO "${table}" SELECT k, $2, now() + make_interval(secs => $3) FROM unnest($1::text[]) k`, [keys, data, seconds]);
  },
  async count(table, data) {
    return Number((await admin.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}" WHERE session_data = $1`, [data])).rows[0]!.n);
  },
  server: {
    url: PG_URL,
    storeAt: (url, table, { connectTimeoutMs, statementTimeoutMs, createTable, poolSize } = {}) =>
      postgresStore({
        url,
        table,
        ...definedOnly({ connectionTimeoutMs: connectTimeoutMs, statementTimeoutMs, createTable, max: poolSize }),
      }),
    async indexes(table) {
      return (await admin.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE tablename = $1', [table])).rows.map((row) => row.indexname);
    },
    // The primary key's, expire_date's and session_key's varchar_pattern_ops (for LIKE).
    djangoIndexCount: 3,
    async countedStore(table) {
      const applicationName = `sk_lock_${RUN_ID}_${++tableCount}`;
      const store = postgresStore({
        url: `${PG_URL}?application_name=${applicationName}`,
        table,
        maxLockConnections: 5,
      });
      const connections = async (): Promise<number> =>
        Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [applicationName])).rows[0]!.n);
      return { store, connections, dispose: async () => {} };
    },
    storeOnOwnPool(table) {
      const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
      const read = async (key: string): Promise<unknown> =>
        (await pool.query<{ session_data: string }>(`SELECT session_data FROM "${table}" WHERE session_key = $1`, [key])).rows[0]?.session_data;
      return { store: postgresStore({ pool, table }), read, end: () => pool.end() };
    },
  },
};

describeSqlStore(postgres);

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

describeDjangoSchema(postgres, {
  url: PG_URL,
  maxNameLength: 63,
  async openNamespace() {
    const schema = `sk_pg_${RUN_ID}_django`;
    await admin.query(`CREATE SCHEMA "${schema}"`);
    return {
      settings: djangoDatabaseSettings(PG_URL, { options: { options: `-c search_path=${schema}` } }),
      drop: async () => void (await admin.query(`DROP SCHEMA "${schema}" CASCADE`)),
    };
  },
  catalogOf: (table, inDjangosNamespace) => catalogOf(inDjangosNamespace ? `sk_pg_${RUN_ID}_django` : 'public', table),
  expected: {
    columns: [
      { attname: 'session_key', type: 'character varying(40)', attnotnull: true },
      { attname: 'session_data', type: 'text', attnotnull: true },
      { attname: 'expire_date', type: 'timestamp with time zone', attnotnull: true },
    ],
    constraints: [{ contype: 'p', def: 'PRIMARY KEY (session_key)' }],
  },
  indexCount: 3,
  dropLater,
});

describeWith(postgres, 'postgres store: an existing table', () => {
  it('uses a table that already exists without creating anything, even with createTable off', async () => {
    const table = newTable();
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

describeWith(postgres, 'postgres store: data', () => {
  it('stores expire_date as the same instant (timestamptz), whatever the session time zone', async () => {
    const table = newTable();
    const store = postgres.store(table);
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
});

describe('postgres store: configuration', () => {
  const configError = (options: PostgresStoreOptions): string => configErrorOf(() => postgresStore(options));

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
    expect(postgresSettingsFromUrl('postgres://h/app?sslmode=verify-full').connection.ssl).toEqual({
      rejectUnauthorized: true,
    });
    expect(postgresSettingsFromUrl('postgres://h/app?sslmode=disable').connection.ssl).toBe(false);
  });
});
