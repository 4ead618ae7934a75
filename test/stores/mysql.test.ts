/**
 * The MySQL/MariaDB store against the real server (127.0.0.1:3306, user root without password, database
 * `test`; set SESSIONKIT_MYSQL_URL to use another). Every table is unique to this run and dropped
 * afterwards, so test files can run in parallel. The scenarios every SQL dialect shares are in
 * `sql-store.ts`; here is what only MySQL does. Its pool's acquire timeout, which runs on real time, is in
 * test/real-time/sql-server-faults.test.ts.
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import { mysqlSettingsFromUrl } from '../../src/stores/internal/mysql-url.js';
import { type MysqlStoreOptions, mysqlStore } from '../../src/stores/mysql.js';
import { djangoDatabaseSettings } from '../django/bridge.js';
import { describeDjangoSchema } from './sql-django-schema.js';
import { describeSqlStore } from './sql-store.js';
import { configErrorOf, definedOnly, describeWith, type SqlStoreTarget, scratchTables } from './sql-target.js';

const MYSQL_URL = process.env['SESSIONKIT_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/test';
const RUN_ID = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;
let tableCount = 0;

// Connections for inspecting and dropping tables, independent of the stores under test.
const admin = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2, connectTimeout: 3000 });
const scratch = await scratchTables({
  name: 'mysql',
  shown: `MySQL at ${MYSQL_URL}`,
  prefix: `sk_my_${RUN_ID}`,
  probe: () => admin.query('SELECT 1'),
  drop: (table) => admin.query(`DROP TABLE IF EXISTS \`${table}\``),
  close: () => admin.end(),
});

async function query<R = mysql.RowDataPacket>(sql: string, values: unknown[] = []): Promise<R[]> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>(sql, values);
  return rows as R[];
}

const { newTable, dropLater } = scratch;

const mysqlTarget: SqlStoreTarget = {
  ...scratch,
  store: (table) => mysqlStore({ url: MYSQL_URL, table }),
  async insert(table, keys, data, seconds) {
    // Naive UTC with microseconds, as Django writes it.
    const expires = `${new Date(Date.now() + seconds * 1000).toISOString().slice(0, 23).replace('T', ' ')}000`;
    for (let start = 0; start < keys.length; start += 5000) {
      const rows = keys.slice(start, start + 5000).map((key) => [key, data, expires]);
      await admin.query(`INSERT INTO \`${table}\` (session_key, session_data, expire_date) VALUES ?`, [rows]);
    }
  },
  async count(table, data) {
    return Number((await query<{ n: number }>(`SELECT count(*) AS n FROM \`${table}\` WHERE session_data = ?`, [data]))[0]!.n);
  },
  server: {
    url: MYSQL_URL,
    storeAt: (url, table, { connectTimeoutMs, statementTimeoutMs, createTable, poolSize } = {}) =>
      mysqlStore({
        url,
        table,
        ...definedOnly({ connectTimeoutMs, statementTimeoutMs, createTable, connectionLimit: poolSize }),
      }),
    async indexes(table) {
      const rows = await query<{ name: string }>(
        'SELECT DISTINCT INDEX_NAME AS name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ?',
        [table],
      );
      return rows.map((row) => row.name);
    },
    // The primary key's and expire_date's.
    djangoIndexCount: 2,
    async countedStore(table) {
      // A user of its own, so the server's process list shows exactly this store's connections.
      const user = `sk_${RUN_ID}_${++tableCount}`;
      await admin.query(`CREATE USER '${user}'@'%'`);
      await admin.query(`GRANT ALL ON test.* TO '${user}'@'%'`);
      const url = new URL(MYSQL_URL);
      url.username = user;
      const store = mysqlStore({ url: url.toString(), table, maxLockConnections: 5 });
      const connections = async (): Promise<number> => (await query('SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ?', [user])).length;
      return { store, connections, dispose: async () => void (await admin.query(`DROP USER '${user}'@'%'`)) };
    },
    storeOnOwnPool(table) {
      const pool = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2 });
      const read = async (key: string): Promise<unknown> => {
        const [rows] = await pool.query<mysql.RowDataPacket[]>(`SELECT session_data FROM \`${table}\` WHERE session_key = ?`, [key]);
        return rows[0]?.['session_data'];
      };
      return { store: mysqlStore({ pool, table }), read, end: () => pool.end() };
    },
  },
};

describeSqlStore(mysqlTarget);

// Where Django creates its tables, for the comparison with the store's.
const DJANGO_DATABASE = `sk_my_${RUN_ID}_django`;

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

describeDjangoSchema(mysqlTarget, {
  url: MYSQL_URL,
  maxNameLength: 64,
  async openNamespace() {
    // Django works in a database of its own with the test database's defaults, so the same table names
    // can be compared.
    const [defaults] = await query<{ charset: string; collation: string }>(
      `SELECT DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()`,
    );
    await admin.query(`CREATE DATABASE \`${DJANGO_DATABASE}\` CHARACTER SET ${defaults!.charset} COLLATE ${defaults!.collation}`);
    return {
      settings: djangoDatabaseSettings(MYSQL_URL, { name: DJANGO_DATABASE }),
      drop: async () => void (await admin.query(`DROP DATABASE \`${DJANGO_DATABASE}\``)),
    };
  },
  catalogOf: (table, inDjangosNamespace) => catalogOf(table, inDjangosNamespace ? DJANGO_DATABASE : undefined),
  expected: {
    columns: [
      { COLUMN_NAME: 'session_key', COLUMN_TYPE: 'varchar(40)', IS_NULLABLE: 'NO', COLUMN_KEY: 'PRI' },
      { COLUMN_NAME: 'session_data', COLUMN_TYPE: 'longtext', IS_NULLABLE: 'NO' },
      { COLUMN_NAME: 'expire_date', COLUMN_TYPE: 'datetime(6)', IS_NULLABLE: 'NO', COLUMN_KEY: 'MUL' },
    ],
  },
  indexCount: 2,
  dropLater,
});

describeWith(mysqlTarget, 'mysql store: data', () => {
  it('stores expire_date as naive UTC with microseconds, as Django does, even on a pool set to another time zone', async () => {
    const table = newTable();
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
});

describe('mysql store: configuration', () => {
  const configError = (options: MysqlStoreOptions): string => configErrorOf(() => mysqlStore(options));

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
    const forms: ReadonlyArray<readonly [url: string, connection: Record<string, unknown>]> = [
      [
        'mysql2://us%40er:p%40ss%3Aw%2Frd@DB.Example.COM:3307/app?charset=utf8mb4&ssl_mode=REQUIRED&connect_timeout=4',
        {
          host: 'db.example.com',
          port: 3307,
          user: 'us@er',
          password: 'p@ss:w/rd',
          database: 'app',
          charset: 'utf8mb4',
          ssl: { rejectUnauthorized: false },
        },
      ],
      [
        'mysql://root@%2Fvar%2Frun%2Fmysqld%2Fmysqld.sock/app',
        { socketPath: '/var/run/mysqld/mysqld.sock', user: 'root', password: undefined, database: 'app' },
      ],
    ];
    for (const [url, connection] of forms) expect(mysqlSettingsFromUrl(url).connection).toEqual(connection);
    expect(mysqlSettingsFromUrl(forms[0]![0]).connectTimeoutMs).toBe(4000);
    expect(mysqlSettingsFromUrl('mysql:///app').connection).toMatchObject({ host: 'localhost', port: 3306 });
  });
});
