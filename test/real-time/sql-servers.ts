/**
 * The PostgreSQL and MySQL servers as the real-time SQL tests reach them: each on tables of the test file's
 * own, dropped after the file, with a store at any URL (the server's own, or a proxy in front of it).
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { mysqlStore } from '../../src/stores/mysql.js';
import { postgresStore } from '../../src/stores/postgres.js';
import type { SqlStore } from '../../src/stores/sql/store.js';
import { definedOnly, type ServerStoreSettings, type SqlStoreTarget, scratchTables } from '../stores/sql-target.js';

const RUN_ID = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;

/** A database server for the real-time tests. */
export interface SqlServer extends Pick<SqlStoreTarget, 'name' | 'unreachable' | 'newTable' | 'store'> {
  /** The URL of the test database. */
  readonly url: string;
  /** A store on the database at `url` (the test database, or a proxy in front of it), on `table`. */
  storeAt(url: string, table: string, settings?: ServerStoreSettings): SqlStore;
}

/** What {@link sqlServer} needs of a database client: a statement, and closing. */
interface AdminClient {
  query(sql: string): Promise<unknown>;
  end(): Promise<unknown>;
}

async function sqlServer(name: string, shown: string, url: string, admin: AdminClient, quote: string, storeAt: SqlServer['storeAt']): Promise<SqlServer> {
  const tables = await scratchTables({
    name,
    shown,
    prefix: `sk_${name}_${RUN_ID}_rt`,
    probe: () => admin.query('SELECT 1'),
    drop: (table) => admin.query(`DROP TABLE IF EXISTS ${quote}${table}${quote}`),
    close: () => admin.end(),
  });
  return { ...tables, url, storeAt, store: (table) => storeAt(url, table) };
}

const PG_URL = process.env['SESSIONKIT_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const pgAdmin = new pg.Pool({ connectionString: PG_URL, max: 1, connectionTimeoutMillis: 3000 });
pgAdmin.on('error', () => {});

const MYSQL_URL = process.env['SESSIONKIT_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/test';
const mysqlAdmin = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 1, connectTimeout: 3000 });

/** PostgreSQL and MySQL, each skipped loudly (failed under CI) by `describeWith` when it is down. */
export const sqlServers: readonly SqlServer[] = [
  await sqlServer('postgres', `PostgreSQL at ${PG_URL}`, PG_URL, pgAdmin, '"', (url, table, settings = {}) =>
    postgresStore({
      url,
      table,
      ...definedOnly({
        connectionTimeoutMs: settings.connectTimeoutMs,
        statementTimeoutMs: settings.statementTimeoutMs,
        createTable: settings.createTable,
        max: settings.poolSize,
      }),
    }),
  ),
  await sqlServer('mysql', `MySQL at ${MYSQL_URL}`, MYSQL_URL, mysqlAdmin, '`', (url, table, settings = {}) =>
    mysqlStore({
      url,
      table,
      ...definedOnly({
        connectTimeoutMs: settings.connectTimeoutMs,
        statementTimeoutMs: settings.statementTimeoutMs,
        createTable: settings.createTable,
        connectionLimit: settings.poolSize,
      }),
    }),
  ),
];
