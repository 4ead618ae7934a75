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
 */
import { createHash } from 'node:crypto';
import type * as mysql from 'mysql2/promise';
import { SessionConfigError } from '../errors.js';
import { isValidSessionKey } from '../core/session-key.js';
import type { ClearExpiredOptions, HeldLock, ListedSession, LockOptions, MigrateOutcome, SessionStore, StoredSession, UpdateOutcome } from './contract.js';
import { deleteInBatches } from './internal/batched-delete.js';
import { settleWithin } from './internal/deadline.js';
import { djangoIndexName } from './internal/django-index-name.js';
import { inKeyOrder } from './internal/key-order-pages.js';
import { fromMysqlUtc, toMysqlUtc } from './internal/mysql-datetime.js';
import { mysqlSettingsFromUrl } from './internal/mysql-url.js';
import { loadOptionalDriver } from './internal/optional-driver.js';
import { RetryingOnce } from './internal/retrying-once.js';
import { ServerLocks } from './internal/server-locks.js';
import { requireSessionKey } from './internal/session-key-guard.js';
import { missingTableError, sessionTable, type SqlTableName, type SqlTableOptions } from './internal/sql-table-name.js';
import { exactlyOneSource, positiveInteger, rejectPoolSettings } from './internal/store-options.js';

type Mysql2Driver = typeof import('mysql2/promise');

/** Options of {@link mysqlStore}. Give `url` or `pool`. */
export interface MysqlStoreOptions extends SqlTableOptions {
  /**
   * The database, as a dj-database-url style URL: `mysql://user:password@host:3306/dbname`
   * (`mysql2://` and `mariadb://` too; a percent-encoded path as host is a Unix socket). Supported query
   * options: `ssl-ca`, `ssl_mode`, `charset`, `connect_timeout`.
   */
  readonly url?: string;
  /**
   * An existing `mysql2/promise` pool to use instead of `url`; the store does not end it on `close()`.
   * Keep mysql2's default `FOUND_ROWS` flag on. Per-session locks take their connections from this pool
   * too, so size it for them.
   */
  readonly pool?: mysql.Pool;
  /**
   * Most connections the store's pool opens (only with `url`).
   * @default 10
   */
  readonly connectionLimit?: number;
  /**
   * Most connections held at once by per-session locks, in a pool of their own so locks never starve
   * ordinary queries (only with `url`; with `pool`, locks use that pool). Only opened when locking is on.
   * @default 10
   */
  readonly maxLockConnections?: number;
  /**
   * How long opening a connection may take, in milliseconds (only with `url`). A `connect_timeout` in the URL
   * is used when this is not given.
   * @default 5000
   */
  readonly connectTimeoutMs?: number;
  /**
   * How long to wait for a free connection from the pool, in milliseconds.
   * @default 5000
   */
  readonly acquireTimeoutMs?: number;
  /**
   * How long a statement may take before the store gives up on it and closes its connection, in
   * milliseconds.
   * @default 5000
   */
  readonly statementTimeoutMs?: number;
}

const STORE = 'mysqlStore';
const URL_EXAMPLE = 'mysql://user:password@127.0.0.1:3306/dbname';
// MySQL's identifier limit, as Django's backend uses for index names.
const MAX_IDENTIFIER_LENGTH = 64;
const LIST_PAGE_SIZE = 1000;
const ER_DUP_ENTRY = 1062;
const ER_NO_SUCH_TABLE = 1146;

interface Timeouts {
  readonly acquireMs: number;
  readonly statementMs: number;
}

/** Django's `db` session engine on MySQL or MariaDB. */
export class MysqlStore implements SessionStore {
  readonly name = 'mysql';
  readonly #pool: mysql.Pool;
  readonly #ownsPool: boolean;
  readonly #makeLockPool: () => mysql.Pool;
  #lockPool: mysql.Pool | undefined;
  readonly #tableName: SqlTableName;
  readonly #table: string;
  readonly #timeouts: Timeouts;
  readonly #setup: RetryingOnce | undefined;
  readonly #locks: ServerLocks<mysql.PoolConnection>;
  #closed = false;

  constructor(options: MysqlStoreOptions) {
    exactlyOneSource(options, [{ name: 'url', shown: `\`url\` (e.g. ${URL_EXAMPLE})` }, { name: 'pool', shown: 'an existing `pool`' }], STORE);
    const table = sessionTable(options.table, '`', MAX_IDENTIFIER_LENGTH, STORE);
    this.#tableName = table.name;
    this.#table = table.quoted;
    this.#timeouts = {
      acquireMs: positiveInteger(options.acquireTimeoutMs, 5000, 'acquireTimeoutMs', STORE),
      statementMs: positiveInteger(options.statementTimeoutMs, 5000, 'statementTimeoutMs', STORE),
    };
    const connectionLimit = positiveInteger(options.connectionLimit, 10, 'connectionLimit', STORE);
    const maxLocks = positiveInteger(options.maxLockConnections, 10, 'maxLockConnections', STORE);
    if (options.pool !== undefined) {
      rejectPoolSettings(options, ['connectionLimit', 'maxLockConnections', 'connectTimeoutMs'], STORE);
      this.#pool = options.pool;
      this.#ownsPool = false;
      this.#makeLockPool = () => options.pool!;
    } else {
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
      this.#pool = watchedPool(driver, { ...config, connectionLimit, maxIdle: connectionLimit });
      this.#ownsPool = true;
      this.#makeLockPool = () => watchedPool(driver, { ...config, connectionLimit: maxLocks, maxIdle: maxLocks });
    }
    this.#setup = options.createTable === false ? undefined : new RetryingOnce(async () => void (await this.#createTableIfMissing()));
    this.#locks = new ServerLocks<mysql.PoolConnection>({
      connect: () => this.#checkout(this.#lockConnections()),
      tryLock: async (connection, key) => (await this.#rows<{ got: number | null }>(connection, 'SELECT GET_LOCK(?, 0) AS got', [this.#lockName(key)]))[0]?.got === 1,
      unlock: async (connection, key) => {
        await this.#rows(connection, 'SELECT RELEASE_LOCK(?)', [this.#lockName(key)]);
      },
      release: (connection, broken) => (broken ? connection.destroy() : connection.release()),
    });
  }

  async load(key: string): Promise<StoredSession | null> {
    if (!isValidSessionKey(key)) return null;
    const rows = await this.#select<{ session_data: string }>(
      `SELECT session_data FROM ${this.#table} WHERE session_key = ? AND expire_date > ?`,
      [key, toMysqlUtc(new Date())],
    );
    const data = rows[0]?.session_data;
    return data === undefined ? null : { data, version: data };
  }

  async exists(key: string): Promise<boolean> {
    if (!isValidSessionKey(key)) return false;
    return (await this.#select(`SELECT 1 FROM ${this.#table} WHERE session_key = ?`, [key])).length === 1;
  }

  async create(key: string, data: string, expireDate: Date): Promise<boolean> {
    requireSessionKey(key, STORE);
    try {
      await this.#change(`INSERT INTO ${this.#table} (session_key, session_data, expire_date) VALUES (?, ?, ?)`, [key, data, toMysqlUtc(expireDate)]);
      return true;
    } catch (error) {
      if ((error as { errno?: unknown }).errno === ER_DUP_ENTRY) return false;
      throw error;
    }
  }

  async update(key: string, data: string, expireDate: Date, expected?: unknown): Promise<UpdateOutcome> {
    requireSessionKey(key, STORE);
    const values = [data, toMysqlUtc(expireDate), key];
    if (expected === undefined) {
      const changed = await this.#change(`UPDATE ${this.#table} SET session_data = ?, expire_date = ? WHERE session_key = ?`, values);
      return changed === 1 ? 'updated' : 'missing';
    }
    if (typeof expected !== 'string') return 'conflict';
    // Byte comparison: the column's collation may ignore case or trailing spaces.
    const changed = await this.#change(
      `UPDATE ${this.#table} SET session_data = ?, expire_date = ? WHERE session_key = ? AND CAST(session_data AS BINARY) = CAST(? AS BINARY)`,
      [...values, expected],
    );
    if (changed === 1) return 'updated';
    return (await this.exists(key)) ? 'conflict' : 'missing';
  }

  async delete(key: string): Promise<void> {
    if (!isValidSessionKey(key)) return;
    await this.#change(`DELETE FROM ${this.#table} WHERE session_key = ?`, [key]);
  }

  /** Deletes expired sessions (`expire_date < now`), in batches of 5000 rows; resolves how many were removed. */
  clearExpired(): Promise<number> {
    return this.clearExpiredInBatches({});
  }

  /**
   * {@link MysqlStore.clearExpired} with a chosen batch size and a progress callback, for the command
   * line. The table is walked in primary-key order, `batchSize` rows per statement, each statement
   * deleting the expired rows of its stretch: every page is read once and in order, batches take the
   * same short time from first to last, and concurrent requests get in between them. (Deleting by
   * `expire_date` order instead visits the rows at random and, since InnoDB purges deleted index
   * entries lazily, makes each batch slower than the one before.)
   */
  clearExpiredInBatches(options: ClearExpiredOptions = {}): Promise<number> {
    const now = toMysqlUtc(new Date());
    let after: string | undefined;
    return deleteInBatches(async (limit) => {
      const from = after === undefined ? '' : 'WHERE session_key > ?';
      const [bound] = await this.#select<{ session_key: string }>(
        `SELECT session_key FROM ${this.#table} ${from} ORDER BY session_key LIMIT 1 OFFSET ${limit - 1}`,
        after === undefined ? [] : [after],
      );
      const conditions = ['expire_date < ?'];
      const values = [now];
      if (after !== undefined) {
        conditions.push('session_key > ?');
        values.push(after);
      }
      if (bound !== undefined) {
        conditions.push('session_key <= ?');
        values.push(bound.session_key);
      }
      const removed = await this.#change(`DELETE FROM ${this.#table} WHERE ${conditions.join(' AND ')}`, values);
      after = bound?.session_key;
      return { removed, more: bound !== undefined };
    }, options);
  }

  /**
   * Takes the session's `GET_LOCK` lock, held on a dedicated connection until released. Requests of one
   * session in this process queue in memory, so they hold one connection between them.
   */
  lock(key: string, options: LockOptions): Promise<HeldLock> {
    requireSessionKey(key, STORE);
    return this.#locks.acquire(key, options);
  }

  /** How many rows have expired (`expire_date < now`) and wait for {@link MysqlStore.clearExpired}. */
  async countExpired(): Promise<number> {
    const [row] = await this.#select<{ expired: number | string }>(`SELECT COUNT(*) AS expired FROM ${this.#table} WHERE expire_date < ?`, [toMysqlUtc(new Date())]);
    return Number(row!.expired);
  }

  /** The live sessions in key order, fetched a page at a time. */
  async *list(): AsyncIterable<ListedSession> {
    const now = toMysqlUtc(new Date());
    const pages = inKeyOrder(
      (after, limit) =>
        this.#select<{ session_key: string; expire_date: string; size: number | string }>(
          `SELECT session_key, DATE_FORMAT(expire_date, '%Y-%m-%d %H:%i:%s.%f') AS expire_date, LENGTH(session_data) AS size
           FROM ${this.#table} WHERE expire_date > ? AND session_key > ? ORDER BY session_key LIMIT ${limit}`,
          [now, after],
        ),
      (row) => row.session_key,
      LIST_PAGE_SIZE,
    );
    for await (const row of pages) yield { key: row.session_key, expireDate: fromMysqlUtc(row.expire_date), size: Number(row.size) };
  }

  /**
   * Creates the table and Django's index when the table is missing, whatever `createTable` says;
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
    await this.#locks.releaseAll();
    await Promise.all([this.#ownsPool ? this.#pool.end() : undefined, this.#ownsPool ? this.#lockPool?.end() : undefined]);
  }

  async #select<R>(sql: string, values: unknown[]): Promise<R[]> {
    return this.#withConnection((connection) => this.#rows<R>(connection, sql, values));
  }

  /** Runs a data-changing statement; resolves the rows it matched. */
  async #change(sql: string, values: unknown[]): Promise<number> {
    return this.#withConnection(async (connection) => {
      const [result] = await connection.query<mysql.ResultSetHeader>({ sql, values, timeout: this.#timeouts.statementMs });
      return result.affectedRows;
    });
  }

  async #rows<R>(connection: mysql.PoolConnection, sql: string, values: unknown[]): Promise<R[]> {
    const [rows] = await connection.query<mysql.RowDataPacket[]>({ sql, values, timeout: this.#timeouts.statementMs });
    return rows as R[];
  }

  async #withConnection<R>(work: (connection: mysql.PoolConnection) => Promise<R>): Promise<R> {
    await this.#ready();
    const connection = await this.#checkout(this.#pool);
    let broken = false;
    try {
      return await work(connection);
    } catch (error) {
      broken = isConnectionLost(error);
      throw this.#explain(error);
    } finally {
      // A connection whose statement timed out may still be running it: never hand it to anyone else.
      if (broken) connection.destroy();
      else connection.release();
    }
  }

  /** A pooled connection, waiting at most `acquireTimeoutMs` for one (mysql2 would wait forever). */
  #checkout(pool: mysql.Pool): Promise<mysql.PoolConnection> {
    return settleWithin(
      pool.getConnection(),
      this.#timeouts.acquireMs,
      () => new Error(`no database connection became available within ${this.#timeouts.acquireMs} ms`),
      (late) => late.release(),
    );
  }

  #ready(): Promise<void> {
    return this.#setup?.run() ?? Promise.resolve();
  }

  #explain(error: unknown): unknown {
    return (error as { errno?: unknown } | null)?.errno === ER_NO_SUCH_TABLE ? missingTableError(this.#table, error) : error;
  }

  /** The lock connections' pool, opened on first use. */
  #lockConnections(): mysql.Pool {
    this.#lockPool ??= this.#makeLockPool();
    return this.#lockPool;
  }

  /**
   * A `GET_LOCK` name for `key`: lock names are server-wide and at most 64 characters, so the table and
   * key are hashed. (Two databases sharing a table name share lock names, which only over-serialises.)
   */
  #lockName(key: string): string {
    return `sessionkit:${createHash('sha256').update(`${this.#table}\0${key}`).digest('base64url').slice(0, 40)}`;
  }

  async #createTableIfMissing(): Promise<MigrateOutcome> {
    const connection = await this.#checkout(this.#pool);
    let broken = false;
    try {
      const found = await this.#rows(
        connection,
        'SELECT 1 FROM information_schema.tables WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ?',
        [this.#tableName.schema ?? null, this.#tableName.table],
      );
      if (found.length > 0) return 'exists';
      // CREATE TABLE IF NOT EXISTS is atomic in MySQL, so two processes starting at once are safe; the
      // index is declared inline because a separate CREATE INDEX could race (MySQL has no IF NOT EXISTS for it).
      const [result] = await connection.query<mysql.ResultSetHeader>({ sql: this.#djangoDdl(), timeout: this.#timeouts.statementMs });
      // The one that came second got the warning "table already exists" instead of a table.
      return result.warningStatus === 0 ? 'created' : 'exists';
    } catch (error) {
      broken = isConnectionLost(error);
      throw error;
    } finally {
      if (broken) connection.destroy();
      else connection.release();
    }
  }

  /** Django's migration `sessions.0001` for MySQL, as one idempotent statement. */
  #djangoDdl(): string {
    const expireIndex = djangoIndexName(this.#tableName.table, ['expire_date'], '', MAX_IDENTIFIER_LENGTH);
    return (
      `CREATE TABLE IF NOT EXISTS ${this.#table} (\`session_key\` varchar(40) NOT NULL PRIMARY KEY, ` +
      `\`session_data\` longtext NOT NULL, \`expire_date\` datetime(6) NOT NULL, INDEX \`${expireIndex}\` (\`expire_date\`))`
    );
  }
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

function isConnectionLost(error: unknown): boolean {
  const { fatal, code } = (error ?? {}) as { fatal?: unknown; code?: unknown };
  return fatal === true || code === 'PROTOCOL_SEQUENCE_TIMEOUT';
}

/** Django's `db` session engine on MySQL or MariaDB (`SESSION_ENGINE = 'django.contrib.sessions.backends.db'`). */
export function mysqlStore(options: MysqlStoreOptions): MysqlStore {
  return new MysqlStore(options);
}
