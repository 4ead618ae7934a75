/**
 * The MySQL and MariaDB dialect of the SQL store, with `mysql2`:
 *
 * - `expire_date` is a `datetime(6)` holding naive UTC, as Django writes it with `USE_TZ = True`
 *   (`2023-11-28 22:13:20.123456`). Converting here, rather than through the driver's `timezone`
 *   setting, keeps the values right on a pool configured for local time.
 * - The compare-and-set compares bytes, whatever the column's collation ignores (case, trailing spaces).
 * - Every statement has a deadline, and so has the wait for a pooled connection (mysql2 would wait
 *   forever); a connection whose statement timed out is destroyed, never handed to anyone else.
 * - Per-session locks are `GET_LOCK` named locks, each held on a connection of the lock pool.
 */
import { createHash } from 'node:crypto';
import type * as mysql from 'mysql2/promise';
import type { MigrateOutcome } from '../../core/store-contract.js';
import { settleWithin } from '../internal/deadline.js';
import type { SessionTable } from '../internal/sql-table-name.js';
import type { SqlDialect, SqlStatements } from './dialect.js';
import { djangoIndexName } from './django-index-name.js';
import { ServerDialect, type ServerPools } from './server.js';

/** MySQL's identifier limit, as Django's backend uses for index names. */
export const MYSQL_MAX_IDENTIFIER_LENGTH = 64;
const ER_DUP_ENTRY = 1062;
const ER_NO_SUCH_TABLE = 1146;

function mysqlStatements(t: string): SqlStatements {
  return {
    load: `SELECT session_data FROM ${t} WHERE session_key = ? AND expire_date > ?`,
    exists: `SELECT 1 FROM ${t} WHERE session_key = ?`,
    insert: `INSERT INTO ${t} (session_key, session_data, expire_date) VALUES (?, ?, ?)`,
    update: `UPDATE ${t} SET session_data = ?, expire_date = ? WHERE session_key = ?`,
    updateIfUnchanged: `UPDATE ${t} SET session_data = ?, expire_date = ? WHERE session_key = ? AND CAST(session_data AS BINARY) = CAST(? AS BINARY)`,
    delete: `DELETE FROM ${t} WHERE session_key = ?`,
    countExpired: `SELECT COUNT(*) AS expired FROM ${t} WHERE expire_date < ?`,
    listPage:
      `SELECT session_key, DATE_FORMAT(expire_date, '%Y-%m-%d %H:%i:%s.%f') AS expire_date, LENGTH(session_data) AS size FROM ${t} ` +
      `WHERE expire_date > ? AND session_key > ? ORDER BY session_key LIMIT ?`,
    clearExpired: {
      keyAt: `SELECT session_key FROM ${t} WHERE session_key > ? ORDER BY session_key LIMIT 1 OFFSET ?`,
      deleteBetween: `DELETE FROM ${t} WHERE expire_date < ? AND session_key > ? AND session_key <= ?`,
      deleteAfter: `DELETE FROM ${t} WHERE expire_date < ? AND session_key > ?`,
    },
  };
}

/** How long the store waits, in milliseconds. */
export interface MysqlTimeouts {
  /** For a free connection from the pool. */
  readonly acquireTimeoutMs: number;
  /** For a statement, before giving up on it and destroying its connection. */
  readonly statementTimeoutMs: number;
}

/** MySQL or MariaDB, on a pool. */
export class MysqlDialect extends ServerDialect<mysql.Pool, mysql.PoolConnection> implements SqlDialect {
  readonly name = 'mysql';
  readonly factory = 'mysqlStore';
  readonly errorCodes = { duplicateKey: ER_DUP_ENTRY, missingTable: ER_NO_SUCH_TABLE };
  readonly #timeouts: MysqlTimeouts;

  constructor(table: SessionTable, pools: ServerPools<mysql.Pool>, timeouts: MysqlTimeouts) {
    super(table, mysqlStatements(table.quoted), pools);
    this.#timeouts = timeouts;
  }

  rows<R>(sql: string, values: readonly unknown[]): Promise<readonly R[]> {
    return this.#withConnection(async (connection) => (await this.#query<mysql.RowDataPacket[]>(connection, sql, values)) as R[]);
  }

  async row<R>(sql: string, values: readonly unknown[]): Promise<R | undefined> {
    return (await this.rows<R>(sql, values))[0];
  }

  /** Resolves the rows the statement matched (mysql2's default `FOUND_ROWS` flag), changed or not. */
  changes(sql: string, values: readonly unknown[]): Promise<number> {
    return this.#withConnection(async (connection) => (await this.#query<mysql.ResultSetHeader>(connection, sql, values)).affectedRows);
  }

  /** `date` as naive-UTC text with microseconds. */
  writeDate(date: Date): string {
    // DATETIME ends with year 9999; a later expiry is as good as never.
    if (date.getUTCFullYear() > 9999) return '9999-12-31 23:59:59.999999';
    // toISOString is always UTC: 2023-11-28T22:13:20.123Z
    return `${date.toISOString().slice(0, 23).replace('T', ' ')}000`;
  }

  /** The instant of a naive-UTC `datetime` text (microseconds are truncated to milliseconds). */
  readDate(value: unknown): Date | null {
    return typeof value === 'string' ? new Date(`${value.replace(' ', 'T')}Z`) : null;
  }

  errorCode(error: unknown): unknown {
    return (error as { errno?: unknown } | null)?.errno;
  }

  async createTableIfMissing(): Promise<MigrateOutcome> {
    return this.#withConnection(async (connection) => {
      const found = await this.#query<mysql.RowDataPacket[]>(
        connection,
        'SELECT 1 FROM information_schema.tables WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ?',
        [this.table.name.schema ?? null, this.table.name.table],
      );
      if (found.length > 0) return 'exists';
      // CREATE TABLE IF NOT EXISTS is atomic in MySQL, so two processes starting at once are safe; the
      // index is declared inline because a separate CREATE INDEX could race (MySQL has no IF NOT EXISTS for it).
      const result = await this.#query<mysql.ResultSetHeader>(connection, this.#djangoDdl(), []);
      // The one that came second got the warning "table already exists" instead of a table.
      return result.warningStatus === 0 ? 'created' : 'exists';
    });
  }

  protected connect(pool: mysql.Pool): Promise<mysql.PoolConnection> {
    return this.#checkout(pool);
  }

  protected async tryLock(connection: mysql.PoolConnection, key: string): Promise<boolean> {
    return (await this.#query<mysql.RowDataPacket[]>(connection, 'SELECT GET_LOCK(?, 0) AS got', [this.#lockName(key)]))[0]?.['got'] === 1;
  }

  protected async unlock(connection: mysql.PoolConnection, key: string): Promise<void> {
    await this.#query(connection, 'SELECT RELEASE_LOCK(?)', [this.#lockName(key)]);
  }

  protected release(connection: mysql.PoolConnection, broken: boolean): void {
    if (broken) connection.destroy();
    else connection.release();
  }

  async #query<R extends mysql.RowDataPacket[] | mysql.ResultSetHeader>(connection: mysql.PoolConnection, sql: string, values: readonly unknown[]): Promise<R> {
    const [result] = await connection.query<R>({
      sql,
      values: [...values],
      timeout: this.#timeouts.statementTimeoutMs,
    });
    return result;
  }

  async #withConnection<R>(work: (connection: mysql.PoolConnection) => Promise<R>): Promise<R> {
    const connection = await this.#checkout(this.pools.pool);
    let broken = false;
    try {
      return await work(connection);
    } catch (error) {
      broken = isConnectionLost(error);
      throw error;
    } finally {
      // A connection whose statement timed out may still be running it: never hand it to anyone else.
      this.release(connection, broken);
    }
  }

  /** A pooled connection, waiting at most `acquireTimeoutMs` for one. */
  #checkout(pool: mysql.Pool): Promise<mysql.PoolConnection> {
    const { acquireTimeoutMs } = this.#timeouts;
    return settleWithin(
      pool.getConnection(),
      acquireTimeoutMs,
      () => new Error(`mysqlStore: no database connection became available within ${acquireTimeoutMs} ms`),
      (late) => late.release(),
    );
  }

  /**
   * A `GET_LOCK` name for `key`: lock names are server-wide and at most 64 characters, so the table and
   * key are hashed. (Two databases sharing a table name share lock names, which only over-serialises.)
   */
  #lockName(key: string): string {
    return `sessionkit:${createHash('sha256').update(`${this.quotedTable}\0${key}`).digest('base64url').slice(0, 40)}`;
  }

  /** Django's migration `sessions.0001` for MySQL, as one idempotent statement. */
  #djangoDdl(): string {
    const expireIndex = djangoIndexName(this.table.name.table, ['expire_date'], '', MYSQL_MAX_IDENTIFIER_LENGTH);
    return (
      `CREATE TABLE IF NOT EXISTS ${this.quotedTable} (\`session_key\` varchar(40) NOT NULL PRIMARY KEY, ` +
      `\`session_data\` longtext NOT NULL, \`expire_date\` datetime(6) NOT NULL, INDEX \`${expireIndex}\` (\`expire_date\`))`
    );
  }
}

function isConnectionLost(error: unknown): boolean {
  const { fatal, code } = (error ?? {}) as { fatal?: unknown; code?: unknown };
  return fatal === true || code === 'PROTOCOL_SEQUENCE_TIMEOUT';
}
