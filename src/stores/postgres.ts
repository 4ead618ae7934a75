/**
 * Django's `db` engine on PostgreSQL, with `pg`: the `django_session` table, shared with a Django app
 * that uses the same database.
 *
 * - Created on first use when missing, with exactly the columns and indexes Django's migration makes.
 * - `update` with `expected` is a compare-and-set on the stored data, so concurrent requests merge
 *   instead of overwriting each other.
 * - Bounded timeouts everywhere: a server that is down or hangs gives an error within seconds, and the
 *   store recovers by itself when it comes back.
 * - Per-session locks are PostgreSQL advisory locks.
 *
 * The store is the SQL store ({@link SqlStore}) with the PostgreSQL dialect; this file turns the options
 * into its pools.
 */
import type * as pg from 'pg';
import { loadOptionalDriver } from './internal/optional-driver.js';
import { postgresSettingsFromUrl } from './internal/postgres-url.js';
import { positiveInteger, rejectPoolSettings } from './internal/store-options.js';
import { POSTGRES_MAX_IDENTIFIER_LENGTH, PostgresDialect } from './sql/postgres.js';
import { type ServerPools, type ServerStoreOptions, type ServerStoreRules, serverStoreTable } from './sql/server.js';
import { SqlStore } from './sql/store.js';

type PgDriver = typeof import('pg');

/** Options of {@link postgresStore}. Give `url` or `pool`. */
export interface PostgresStoreOptions extends ServerStoreOptions<pg.Pool> {
  /**
   * Most connections the store's pool opens (only with `url`).
   * @default 10
   */
  readonly max?: number | undefined;
  /**
   * How long to wait for a connection (opening one, or a free one from the pool) before failing, in
   * milliseconds (only with `url`). A `connect_timeout` in the URL is used when this is not given.
   * @default 5000
   */
  readonly connectionTimeoutMs?: number | undefined;
}

const STORE = 'postgresStore';
const URL_EXAMPLE = 'postgres://user:password@127.0.0.1:5432/dbname';
const RULES: ServerStoreRules = {
  factory: STORE,
  urlExample: URL_EXAMPLE,
  quote: '"',
  maxIdentifierLength: POSTGRES_MAX_IDENTIFIER_LENGTH,
};
const CLIENT_TIMEOUT_MARGIN_MS = 1000;

/** Django's `db` session engine on PostgreSQL. */
class PostgresStore extends SqlStore {
  constructor(options: PostgresStoreOptions) {
    super(new PostgresDialect(serverStoreTable(options, RULES), poolsFor(options)), {
      createOnFirstUse: options.createTable !== false,
    });
  }
}

function poolsFor(options: PostgresStoreOptions): ServerPools<pg.Pool> {
  const max = positiveInteger(options.max, 10, 'max', STORE);
  const maxLocks = positiveInteger(options.maxLockConnections, 10, 'maxLockConnections', STORE);
  // Needed with a pool passed in too, for the lock connections' own pool.
  const driver = loadOptionalDriver<PgDriver>('pg', STORE);
  if (options.pool !== undefined) {
    rejectPoolSettings(options, ['max', 'connectionTimeoutMs', 'statementTimeoutMs'], STORE);
    const lockConfig = { ...options.pool.options, max: maxLocks };
    return { pool: options.pool, ownsPool: false, openLockPool: () => watchedPool(driver, lockConfig) };
  }
  const settings = postgresSettingsFromUrl(options.url!);
  const statementTimeout = positiveInteger(options.statementTimeoutMs, 5000, 'statementTimeoutMs', STORE);
  const config: pg.PoolConfig = {
    ...settings.connection,
    connectionTimeoutMillis: positiveInteger(options.connectionTimeoutMs, settings.connectTimeoutMs ?? 5000, 'connectionTimeoutMs', STORE),
    statement_timeout: statementTimeout,
    query_timeout: statementTimeout + CLIENT_TIMEOUT_MARGIN_MS,
    keepAlive: true,
    idleTimeoutMillis: 30_000,
    // An idle pool must not keep a command-line run alive.
    allowExitOnIdle: true,
  };
  return {
    pool: watchedPool(driver, { ...config, max }),
    ownsPool: true,
    openLockPool: () => watchedPool(driver, { ...config, max: maxLocks }),
  };
}

/** A pool whose idle connections may die (a restarted server) without crashing the process. */
function watchedPool(driver: PgDriver, config: pg.PoolConfig): pg.Pool {
  const pool = new driver.Pool(config);
  // The dead client is already removed from the pool; the next query opens a fresh one.
  pool.on('error', () => {});
  return pool;
}

/** Django's `db` session engine on PostgreSQL (`SESSION_ENGINE = 'django.contrib.sessions.backends.db'`). */
export function postgresStore(options: PostgresStoreOptions): PostgresStore {
  return new PostgresStore(options);
}

export type { PostgresStore };
