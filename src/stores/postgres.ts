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
 */
import { createHash } from 'node:crypto';
import type * as pg from 'pg';
import { isValidSessionKey } from '../core/session-key.js';
import type { ClearExpiredOptions, HeldLock, ListedSession, LockOptions, MigrateOutcome, SessionStore, StoredSession, UpdateOutcome } from './contract.js';
import { deleteInBatches } from './internal/batched-delete.js';
import { djangoIndexName } from './internal/django-index-name.js';
import { inKeyOrder } from './internal/key-order-pages.js';
import { loadOptionalDriver } from './internal/optional-driver.js';
import { postgresSettingsFromUrl } from './internal/postgres-url.js';
import { RetryingOnce } from './internal/retrying-once.js';
import { ServerLocks } from './internal/server-locks.js';
import { requireSessionKey } from './internal/session-key-guard.js';
import { missingTableError, sessionTable, type SqlTableName, type SqlTableOptions } from './internal/sql-table-name.js';
import { exactlyOneSource, positiveInteger, rejectPoolSettings } from './internal/store-options.js';

type PgDriver = typeof import('pg');

/** Options of {@link postgresStore}. Give `url` or `pool`. */
export interface PostgresStoreOptions extends SqlTableOptions {
  /**
   * The database, as a dj-database-url style URL: `postgres://user:password@host:5432/dbname`
   * (`postgresql://` too). Supported query options: `sslmode`, `sslrootcert`, `sslcert`, `sslkey`,
   * `application_name`, `options`, `currentSchema`, `connect_timeout`.
   */
  readonly url?: string;
  /**
   * An existing pool to use instead of `url`. The store does not end it on `close()`. Timeouts are the
   * pool's own: set `connectionTimeoutMillis`, `statement_timeout` and `query_timeout` on it.
   */
  readonly pool?: pg.Pool;
  /**
   * Most connections the store's pool opens (only with `url`).
   * @default 10
   */
  readonly max?: number;
  /**
   * Most connections held at once by per-session locks, in a pool of their own so locks never starve
   * ordinary queries. Only opened when locking is on.
   * @default 10
   */
  readonly maxLockConnections?: number;
  /**
   * How long to wait for a connection (opening one, or a free one from the pool) before failing, in
   * milliseconds (only with `url`). A `connect_timeout` in the URL is used when this is not given.
   * @default 5000
   */
  readonly connectionTimeoutMs?: number;
  /**
   * How long a statement may run before the server cancels it, in milliseconds (only with `url`). The
   * client gives up one second later still, in case the server or the network hangs.
   * @default 5000
   */
  readonly statementTimeoutMs?: number;
}

const STORE = 'postgresStore';
const URL_EXAMPLE = 'postgres://user:password@127.0.0.1:5432/dbname';
// PostgreSQL's identifier limit (NAMEDATALEN - 1), as Django's backend uses for index names.
const MAX_IDENTIFIER_LENGTH = 63;
const LIST_PAGE_SIZE = 1000;
const CLIENT_TIMEOUT_MARGIN_MS = 1000;
// PostgreSQL's SQLSTATE for "relation does not exist".
const UNDEFINED_TABLE = '42P01';
// First key of the two-key advisory lock that serialises table creation ('sk' in ASCII). Session locks
// use the one-key (bigint) form, a separate key space.
const SETUP_LOCK_NAMESPACE = 0x736b;

/** Django's `db` session engine on PostgreSQL. */
export class PostgresStore implements SessionStore {
  readonly name = 'postgres';
  readonly #driver: PgDriver;
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #lockPoolConfig: pg.PoolConfig;
  #lockPool: pg.Pool | undefined;
  readonly #tableName: SqlTableName;
  readonly #table: string;
  readonly #setup: RetryingOnce | undefined;
  readonly #locks: ServerLocks<pg.PoolClient>;
  #closed = false;

  constructor(options: PostgresStoreOptions) {
    exactlyOneSource(options, [{ name: 'url', shown: `\`url\` (e.g. ${URL_EXAMPLE})` }, { name: 'pool', shown: 'an existing `pool`' }], STORE);
    const table = sessionTable(options.table, '"', MAX_IDENTIFIER_LENGTH, STORE);
    this.#tableName = table.name;
    this.#table = table.quoted;
    const max = positiveInteger(options.max, 10, 'max', STORE);
    const maxLocks = positiveInteger(options.maxLockConnections, 10, 'maxLockConnections', STORE);
    // Needed with a pool passed in too, for the lock connections' own pool.
    this.#driver = loadOptionalDriver<PgDriver>('pg', STORE);
    if (options.pool !== undefined) {
      rejectPoolSettings(options, ['max', 'connectionTimeoutMs', 'statementTimeoutMs'], STORE);
      this.#pool = options.pool;
      this.#ownsPool = false;
      this.#lockPoolConfig = { ...options.pool.options, max: maxLocks };
    } else {
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
      this.#pool = this.#watchedPool({ ...config, max });
      this.#ownsPool = true;
      this.#lockPoolConfig = { ...config, max: maxLocks };
    }
    this.#setup = options.createTable === false ? undefined : new RetryingOnce(async () => void (await this.#createTableIfMissing()));
    this.#locks = new ServerLocks<pg.PoolClient>({
      connect: () => this.#lockConnections().connect(),
      tryLock: async (client, key) => (await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [this.#lockId(key)])).rows[0]!.locked,
      unlock: async (client, key) => {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [this.#lockId(key)]);
      },
      release: (client, broken) => client.release(broken),
    });
  }

  async load(key: string): Promise<StoredSession | null> {
    if (!isValidSessionKey(key)) return null;
    const { rows } = await this.#query<{ session_data: string }>(
      `SELECT session_data FROM ${this.#table} WHERE session_key = $1 AND expire_date > $2`,
      [key, new Date()],
    );
    const data = rows[0]?.session_data;
    return data === undefined ? null : { data, version: data };
  }

  async exists(key: string): Promise<boolean> {
    if (!isValidSessionKey(key)) return false;
    const { rowCount } = await this.#query(`SELECT 1 FROM ${this.#table} WHERE session_key = $1`, [key]);
    return rowCount === 1;
  }

  async create(key: string, data: string, expireDate: Date): Promise<boolean> {
    requireSessionKey(key, STORE);
    const { rowCount } = await this.#query(
      `INSERT INTO ${this.#table} (session_key, session_data, expire_date) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [key, data, expireDate],
    );
    return rowCount === 1;
  }

  async update(key: string, data: string, expireDate: Date, expected?: unknown): Promise<UpdateOutcome> {
    requireSessionKey(key, STORE);
    if (expected === undefined) {
      const { rowCount } = await this.#query(
        `UPDATE ${this.#table} SET session_data = $2, expire_date = $3 WHERE session_key = $1`,
        [key, data, expireDate],
      );
      return rowCount === 1 ? 'updated' : 'missing';
    }
    if (typeof expected !== 'string') return 'conflict';
    // The common case is one plain statement; only a refused update asks whether the row is there at all.
    const { rowCount } = await this.#query(
      `UPDATE ${this.#table} SET session_data = $2, expire_date = $3 WHERE session_key = $1 AND session_data = $4`,
      [key, data, expireDate, expected],
    );
    if (rowCount === 1) return 'updated';
    return (await this.exists(key)) ? 'conflict' : 'missing';
  }

  async delete(key: string): Promise<void> {
    if (!isValidSessionKey(key)) return;
    await this.#query(`DELETE FROM ${this.#table} WHERE session_key = $1`, [key]);
  }

  /** Deletes expired sessions (`expire_date < now`), in batches of 5000; resolves how many were removed. */
  clearExpired(): Promise<number> {
    return this.clearExpiredInBatches({});
  }

  /**
   * {@link PostgresStore.clearExpired} with a chosen batch size and a progress callback, for the
   * command line. Each batch is its own short statement, and rows that a concurrent request has locked
   * are skipped rather than waited for (the next run clears them).
   */
  async clearExpiredInBatches(options: ClearExpiredOptions = {}): Promise<number> {
    const now = new Date();
    return deleteInBatches(async (limit) => {
      // By row address (a TID scan) rather than `session_key IN (...)`, which PostgreSQL plans as a scan
      // of the whole table per batch. The rows are locked, so their addresses cannot change meanwhile.
      const { rowCount } = await this.#query(
        `DELETE FROM ${this.#table} WHERE ctid = ANY (ARRAY (
           SELECT ctid FROM ${this.#table} WHERE expire_date < $1 LIMIT $2 FOR UPDATE SKIP LOCKED
         ))`,
        [now, limit],
      );
      const removed = rowCount ?? 0;
      // A short batch means nothing was left (rows locked by a concurrent request are left for next time).
      return { removed, more: removed === limit };
    }, options);
  }

  /**
   * Takes the session's advisory lock, held on a dedicated connection until released. Requests of one
   * session in this process queue in memory, so they hold one connection between them.
   */
  async lock(key: string, options: LockOptions): Promise<HeldLock> {
    requireSessionKey(key, STORE);
    return this.#locks.acquire(key, options);
  }

  /** How many rows have expired (`expire_date < now`) and wait for {@link PostgresStore.clearExpired}. */
  async countExpired(): Promise<number> {
    const { rows } = await this.#query<{ expired: string }>(`SELECT count(*) AS expired FROM ${this.#table} WHERE expire_date < $1`, [new Date()]);
    return Number(rows[0]!.expired);
  }

  /** The live sessions in key order, fetched a page at a time. */
  async *list(): AsyncIterable<ListedSession> {
    const now = new Date();
    const pages = inKeyOrder(
      async (after, limit) =>
        (
          await this.#query<{ key: string; expireDate: Date; size: number }>(
            `SELECT session_key AS "key", expire_date AS "expireDate", octet_length(session_data) AS size FROM ${this.#table}
             WHERE expire_date > $1 AND session_key > $2 ORDER BY session_key LIMIT ${limit}`,
            [now, after],
          )
        ).rows,
      (row) => row.key,
      LIST_PAGE_SIZE,
    );
    for await (const row of pages) yield { key: row.key, expireDate: row.expireDate, size: row.size };
  }

  /**
   * Creates the table and Django's indexes when the table is missing, whatever `createTable` says;
   * resolves whether it did. Safe against other processes doing the same at the same moment.
   */
  migrate(): Promise<MigrateOutcome> {
    return this.#createTableIfMissing();
  }

  /**
   * Releases the locks still held and ends the connections the store opened; a pool passed in as
   * `pool` is left open.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // A lock still held keeps its connection checked out, and ending a pool waits for those.
    await this.#locks.releaseAll();
    await Promise.all([this.#ownsPool ? this.#pool.end() : undefined, this.#lockPool?.end()]);
  }

  #ready(): Promise<void> {
    return this.#setup?.run() ?? Promise.resolve();
  }

  async #query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    await this.#ready();
    try {
      return await this.#pool.query<R>(text, values);
    } catch (error) {
      throw this.#explain(error);
    }
  }

  #explain(error: unknown): unknown {
    return (error as { code?: unknown } | null)?.code === UNDEFINED_TABLE ? missingTableError(this.#table, error) : error;
  }

  /** A pool whose idle connections may die (a restarted server) without crashing the process. */
  #watchedPool(config: pg.PoolConfig): pg.Pool {
    const pool = new this.#driver.Pool(config);
    // The dead client is already removed from the pool; the next query opens a fresh one.
    pool.on('error', () => {});
    return pool;
  }

  /** The lock connections' pool, opened on first use. */
  #lockConnections(): pg.Pool {
    this.#lockPool ??= this.#watchedPool(this.#lockPoolConfig);
    return this.#lockPool;
  }

  /** A 64-bit advisory lock id for `key`, scoped to this table. */
  #lockId(key: string): string {
    const digest = createHash('sha256').update(`${this.#table}\0${key}`).digest();
    return digest.readBigInt64BE(0).toString();
  }

  async #createTableIfMissing(): Promise<MigrateOutcome> {
    const client = await this.#pool.connect();
    let broken = false;
    const tableExists = async (): Promise<boolean> =>
      (await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [this.#table])).rows[0]!.found !== null;
    try {
      if (await tableExists()) return 'exists';
      // Two processes starting at once would both see no table; CREATE ... IF NOT EXISTS alone can then
      // still fail on a catalog unique index, so creation is serialised with an advisory lock. It is taken
      // outside any transaction: the one begun afterwards sees the table a previous holder made (a
      // transaction already open would keep its stale view of the catalog).
      const lockKey = [SETUP_LOCK_NAMESPACE, createHash('sha256').update(this.#table).digest().readInt32BE(0)];
      await client.query('SELECT pg_advisory_lock($1, $2)', lockKey);
      try {
        if (await tableExists()) return 'exists';
        await client.query('BEGIN');
        try {
          for (const statement of this.#djangoDdl()) await client.query(statement);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        }
        return 'created';
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, $2)', lockKey);
      }
    } catch (error) {
      // Destroying the connection also frees the advisory lock, should unlocking have failed.
      broken = true;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** Django's migration `sessions.0001` for PostgreSQL, made idempotent. */
  #djangoDdl(): string[] {
    const table = this.#tableName.table;
    const expireIndex = djangoIndexName(table, ['expire_date'], '', MAX_IDENTIFIER_LENGTH);
    const likeIndex = djangoIndexName(table, ['session_key'], '_like', MAX_IDENTIFIER_LENGTH);
    return [
      `CREATE TABLE IF NOT EXISTS ${this.#table} ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" timestamp with time zone NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS "${expireIndex}" ON ${this.#table} ("expire_date")`,
      `CREATE INDEX IF NOT EXISTS "${likeIndex}" ON ${this.#table} ("session_key" varchar_pattern_ops)`,
    ];
  }
}

/** Django's `db` session engine on PostgreSQL (`SESSION_ENGINE = 'django.contrib.sessions.backends.db'`). */
export function postgresStore(options: PostgresStoreOptions): PostgresStore {
  return new PostgresStore(options);
}
