/**
 * What the PostgreSQL and MySQL dialects share as database servers reached through a pool: the options
 * both stores take, and the pools themselves, with the per-session locks held on connections of a lock
 * pool (opened on the first lock, so a store that never locks never opens it).
 */
import type { HeldLock, LockOptions } from '../../core/store-contract.js';
import { type SessionTable, type SqlTableOptions, sessionTable } from '../internal/sql-table-name.js';
import { exactlyOneSource } from '../internal/store-options.js';
import type { SqlStatements } from './dialect.js';
import { ServerLocks } from './server-locks.js';

/**
 * The options of `postgresStore` and `mysqlStore` alike. Give `url` or `pool`.
 * @typeParam Pool - The driver's pool: pg's `Pool`, or mysql2/promise's `Pool`.
 */
export interface ServerStoreOptions<Pool> extends SqlTableOptions {
  /**
   * The database, as a dj-database-url style URL.
   * - PostgreSQL: `postgres://user:password@host:5432/dbname` (`postgresql://` too). Supported query
   *   options: `sslmode`, `sslrootcert`, `sslcert`, `sslkey`, `application_name`, `options`,
   *   `currentSchema`, `connect_timeout`.
   * - MySQL: `mysql://user:password@host:3306/dbname` (`mysql2://` and `mariadb://` too; a
   *   percent-encoded path as host is a Unix socket). Supported query options: `ssl-ca`, `ssl_mode`,
   *   `charset`, `connect_timeout`.
   */
  readonly url?: string | undefined;
  /**
   * An existing pool to use instead of `url`; the store does not end it on `close()`.
   * - PostgreSQL: timeouts are the pool's own: set `connectionTimeoutMillis`, `statement_timeout` and
   *   `query_timeout` on it.
   * - MySQL (a `mysql2/promise` pool): keep mysql2's default `FOUND_ROWS` flag on. Per-session locks take
   *   their connections from this pool too, so size it for them.
   */
  readonly pool?: Pool | undefined;
  /**
   * Most connections held at once by per-session locks, in a pool of their own so locks never starve
   * ordinary queries. Only opened when locking is on. On MySQL only with `url`: with `pool`, locks use
   * that pool.
   * @default 10
   */
  readonly maxLockConnections?: number | undefined;
  /**
   * How long a statement may run, in milliseconds. PostgreSQL (only with `url`): the server cancels it,
   * and the client gives up one second later still, in case the server or the network hangs. MySQL: the
   * store gives up on it and closes its connection.
   * @default 5000
   */
  readonly statementTimeoutMs?: number | undefined;
}

/** How a server store names itself and its table. */
export interface ServerStoreRules {
  /** The factory, named in error messages. */
  readonly factory: string;
  /** An example URL for the messages. */
  readonly urlExample: string;
  /** The database's identifier quote. */
  readonly quote: '"' | '`';
  /** The database's identifier limit, as Django's backend uses for index names. */
  readonly maxIdentifierLength: number;
}

/**
 * The checks every server store makes first: exactly one of `url` and `pool`, and a usable table name.
 * @throws SessionConfigError naming the fix.
 */
export function serverStoreTable(options: ServerStoreOptions<unknown>, rules: ServerStoreRules): SessionTable {
  exactlyOneSource(
    options,
    [
      { name: 'url', shown: `\`url\` (e.g. ${rules.urlExample})` },
      { name: 'pool', shown: 'an existing `pool`' },
    ],
    rules.factory,
  );
  return sessionTable(options.table, rules.quote, rules.maxIdentifierLength, rules.factory);
}

/** A store's pools. */
export interface ServerPools<Pool> {
  /** The pool every statement runs on. */
  readonly pool: Pool;
  /** The store made `pool` and ends it on `close()`. */
  readonly ownsPool: boolean;
  /**
   * Opens the pool that lock connections come from, on the first lock: a pool of the store's own (ended
   * on `close()`), or `pool` itself.
   */
  readonly openLockPool: () => Pool;
}

/** The part of a server dialect that holds its pools and locks. */
export abstract class ServerDialect<Pool extends { end(): Promise<void> }, Connection> {
  readonly quotedTable: string;
  readonly statements: SqlStatements;
  protected readonly table: SessionTable;
  protected readonly pools: ServerPools<Pool>;
  #lockPool: Pool | undefined;
  readonly #locks: ServerLocks<Connection>;

  constructor(table: SessionTable, statements: SqlStatements, pools: ServerPools<Pool>) {
    this.table = table;
    this.quotedTable = table.quoted;
    this.statements = statements;
    this.pools = pools;
    this.#locks = new ServerLocks<Connection>({
      connect: () => {
        this.#lockPool ??= pools.openLockPool();
        return this.connect(this.#lockPool);
      },
      tryLock: (connection, key) => this.tryLock(connection, key),
      unlock: (connection, key) => this.unlock(connection, key),
      release: (connection, broken) => this.release(connection, broken),
    });
  }

  /**
   * Takes the session's lock on the server, held on a dedicated connection until released. Requests of
   * one session in this process queue in memory, so they hold one connection between them.
   */
  lock(key: string, options: LockOptions): Promise<HeldLock> {
    return this.#locks.acquire(key, options);
  }

  /** Releases the locks still held, then ends the pools the store opened. */
  async close(): Promise<void> {
    // A lock still held keeps its connection checked out, and ending a pool waits for those.
    await this.#locks.releaseAll();
    const lockPool = this.#lockPool === this.pools.pool ? undefined : this.#lockPool;
    await Promise.all([this.pools.ownsPool ? this.pools.pool.end() : undefined, lockPool?.end()]);
  }

  /** Checks a connection out of `pool`. */
  protected abstract connect(pool: Pool): Promise<Connection>;
  /** Tries to take the lock for `key` on `connection` without waiting; resolves whether it did. */
  protected abstract tryLock(connection: Connection, key: string): Promise<boolean>;
  /** Releases the lock for `key` held by `connection`. */
  protected abstract unlock(connection: Connection, key: string): Promise<void>;
  /** Gives the connection back to its pool, or destroys it when `broken` (which frees its locks too). */
  protected abstract release(connection: Connection, broken: boolean): void;
}
