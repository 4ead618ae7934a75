/**
 * Django's `db` engine on MySQL and MariaDB, with `mysql2`: the `django_session` table, shared with a
 * Django app that uses the same database.
 *
 * - Created on first use when missing, with exactly the columns and index Django's migration makes.
 * - `expire_date` holds naive UTC, as Django writes it with `USE_TZ = True`.
 * - `update` with `expected` is a compare-and-set on the stored data (compared byte for byte, whatever
 *   the column's collation), so concurrent requests merge instead of overwriting each other.
 * - Bounded timeouts everywhere: a server that is down or hangs gives an error within seconds, and the
 *   store recovers by itself when it comes back.
 * - Per-session locks are `GET_LOCK` named locks.
 *
 * The store is the SQL store ({@link SqlStore}) with the MySQL dialect; this file turns the options into
 * its pools.
 */
import type * as mysql from 'mysql2/promise';
import { SessionConfigError } from '../errors.js';
import { mysqlSettingsFromUrl } from './internal/mysql-url.js';
import { loadOptionalDriver } from './internal/optional-driver.js';
import { positiveInteger, rejectPoolSettings } from './internal/store-options.js';
import { MYSQL_MAX_IDENTIFIER_LENGTH, MysqlDialect, type MysqlTimeouts } from './sql/mysql.js';
import { type ServerPools, type ServerStoreOptions, type ServerStoreRules, serverStoreTable } from './sql/server.js';
import { SqlStore } from './sql/store.js';

type Mysql2Driver = typeof import('mysql2/promise');

/** Options of {@link mysqlStore}. Give `url` or `pool`. */
export interface MysqlStoreOptions extends ServerStoreOptions<mysql.Pool> {
  /**
   * Most connections the store's pool opens (only with `url`).
   * @default 10
   */
  readonly connectionLimit?: number | undefined;
  /**
   * How long opening a connection may take, in milliseconds (only with `url`). A `connect_timeout` in the URL
   * is used when this is not given.
   * @default 5000
   */
  readonly connectTimeoutMs?: number | undefined;
  /**
   * How long to wait for a free connection from the pool, in milliseconds.
   * @default 5000
   */
  readonly acquireTimeoutMs?: number | undefined;
}

const RULES: ServerStoreRules = {
  factory: 'mysqlStore',
  urlExample: 'mysql://user:password@127.0.0.1:3306/dbname',
  quote: '`',
  maxIdentifierLength: MYSQL_MAX_IDENTIFIER_LENGTH,
};
const STORE = RULES.factory;

/** Django's `db` session engine on MySQL or MariaDB. */
class MysqlStore extends SqlStore {
  constructor(options: MysqlStoreOptions) {
    const table = serverStoreTable(options, RULES);
    const timeouts: MysqlTimeouts = {
      acquireTimeoutMs: positiveInteger(options.acquireTimeoutMs, 5000, 'acquireTimeoutMs', STORE),
      statementTimeoutMs: positiveInteger(options.statementTimeoutMs, 5000, 'statementTimeoutMs', STORE),
    };
    super(new MysqlDialect(table, poolsFor(options), timeouts), { createOnFirstUse: options.createTable !== false });
  }
}

function poolsFor(options: MysqlStoreOptions): ServerPools<mysql.Pool> {
  const connectionLimit = positiveInteger(options.connectionLimit, 10, 'connectionLimit', STORE);
  const maxLocks = positiveInteger(options.maxLockConnections, 10, 'maxLockConnections', STORE);
  if (options.pool !== undefined) {
    rejectPoolSettings(options, ['connectionLimit', 'maxLockConnections', 'connectTimeoutMs'], STORE);
    const pool = options.pool;
    return { pool, ownsPool: false, openLockPool: () => pool };
  }
  const settings = mysqlSettingsFromUrl(options.url!);
  const config: mysql.PoolOptions = {
    ...settings.connection,
    connectTimeout: positiveInteger(options.connectTimeoutMs, settings.connectTimeoutMs ?? 5000, 'connectTimeoutMs', STORE),
    waitForConnections: true,
    enableKeepAlive: true,
    idleTimeout: 30_000,
  };
  // Only a pool the store creates needs the driver: with `pool`, mysql2 is the caller's.
  const driver = loadOptionalDriver<Mysql2Driver>('mysql2/promise', STORE);
  const pool = watchedPool(driver, { ...config, connectionLimit, maxIdle: connectionLimit });
  return {
    pool,
    ownsPool: true,
    openLockPool: () => watchedPool(driver, { ...config, connectionLimit: maxLocks, maxIdle: maxLocks }),
  };
}

/** A pool whose connections may die (a restarted server) without crashing the process. */
function watchedPool(driver: Mysql2Driver, config: mysql.PoolOptions): mysql.Pool {
  let pool: mysql.Pool;
  try {
    pool = driver.createPool(config);
  } catch (error) {
    // mysql2 validates some settings (the charset) at once.
    throw new SessionConfigError(`${STORE}: ${error instanceof Error ? error.message : String(error)}`);
  }
  // The dead connection leaves the pool by itself; the next query opens a fresh one.
  pool.on('connection', (connection) => connection.on('error', () => {}));
  return pool;
}

/** Django's `db` session engine on MySQL or MariaDB (`SESSION_ENGINE = 'django.contrib.sessions.backends.db'`). */
export function mysqlStore(options: MysqlStoreOptions): MysqlStore {
  return new MysqlStore(options);
}

export type { MysqlStore };
