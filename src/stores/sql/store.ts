/**
 * Django's `db` session engine over any SQL database: the `django_session` table (or another of the same
 * shape), shared with a Django app that uses the same database. A {@link SqlDialect} says how to speak
 * to SQLite, PostgreSQL or MySQL; the logic is here, once:
 *
 * - `update` with `expected` is a compare-and-set on the stored data (a signed token changes with every
 *   write), so concurrent requests merge instead of overwriting each other.
 * - Expired rows are never loaded, but still count as taken keys (as Django's `create` sees them) and are
 *   deleted by `clearExpired`, a short statement at a time.
 * - The table is created with Django's DDL when it is missing: on first use, or by `migrate`.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type {
  ClearExpiredOptions,
  HeldLock,
  ListedSession,
  LockOptions,
  MigrateOutcome,
  SessionStore,
  StoreContext,
  StoredSession,
  UpdateOutcome,
} from '../../core/store-contract.js';
import { deleteInBatches } from '../internal/batched-delete.js';
import { missingTableError } from '../internal/sql-table-name.js';
import { databaseOf, type SqlDatabase } from './database.js';
import type { SqlDialect } from './dialect.js';
import { expiredBatches } from './expired-batches.js';
import { RetryingOnce } from './retrying-once.js';

/** How the store comes by its table. */
export interface SqlTableSetup {
  /** Create the table (when missing) before the first statement runs, trying again after a failure. */
  readonly createOnFirstUse: boolean;
  /** The dialect created the table as it opened the database: the first `migrate()` says `'created'`. */
  readonly createdOnOpen?: boolean;
  /** The clock that decides which sessions have expired, in ms since the epoch; wins over the attached one. */
  readonly now?: (() => number) | undefined;
}

// Rows one page of `list()` reads: the other requests of the process get in between pages.
const LIST_PAGE_SIZE = 500;

interface LoadedRow {
  readonly session_data: string;
  readonly expire_date?: unknown;
}

interface ListedRow {
  readonly session_key: string;
  readonly expire_date: unknown;
  readonly size: number | string;
}

export type { SqlDatabase } from './database.js';

/** The SQL session store; `sqliteStore`, `postgresStore` and `mysqlStore` each make one with their dialect. */
export class SqlStore implements SessionStore {
  /** `'sqlite'`, `'postgres'` or `'mysql'`. */
  readonly name: string;
  readonly #dialect: SqlDialect;
  readonly #setup: RetryingOnce | undefined;
  readonly #ownClock: boolean;
  #now: () => number;
  #createdOnOpen: boolean;
  #closed = false;

  constructor(dialect: SqlDialect, setup: SqlTableSetup) {
    this.name = dialect.name;
    this.#dialect = dialect;
    this.#setup = setup.createOnFirstUse ? new RetryingOnce(async () => void (await dialect.createTableIfMissing())) : undefined;
    this.#createdOnOpen = setup.createdOnOpen ?? false;
    this.#ownClock = setup.now !== undefined;
    this.#now = setup.now ?? Date.now;
  }

  /** Judges expiry by the configuration's clock, unless the store was given a clock of its own. */
  attach(context: StoreContext): void {
    if (!this.#ownClock) this.#now = context.now;
  }

  /**
   * The store's database, for statements on its other tables: sessionkit/auth's `djangoUsers` reads
   * Django's `auth_user` through it. They run as the session statements do (the same connection or pool,
   * the same timeouts); no table is created for them. The store's `close()` closes it.
   */
  get database(): SqlDatabase {
    return databaseOf(this.#dialect);
  }

  async load(key: string): Promise<StoredSession | null> {
    const row = await this.#row<LoadedRow>(this.#dialect.statements.load, [key, this.#nowValue()]);
    if (row === undefined) return null;
    const data = row.session_data;
    // The data is its own version: a compare-and-set on it is exact, as a signed token changes with every write.
    const expireDate = row.expire_date === undefined ? null : this.#dialect.readDate(row.expire_date);
    return expireDate === null ? { data, version: data } : { data, version: data, expireDate };
  }

  async exists(key: string): Promise<boolean> {
    return (await this.#row(this.#dialect.statements.exists, [key])) !== undefined;
  }

  async create(key: string, data: string, expireDate: Date): Promise<boolean> {
    const values = [key, data, this.#dialect.writeDate(expireDate)];
    try {
      return (await this.#changes(this.#dialect.statements.insert, values)) === 1;
    } catch (error) {
      // As Django's CreateError: the key is taken, expired row or not.
      if (this.#dialect.errorCode(error) === this.#dialect.errorCodes.duplicateKey) return false;
      throw error;
    }
  }

  async update(key: string, data: string, expireDate: Date, expected?: unknown): Promise<UpdateOutcome> {
    const { statements } = this.#dialect;
    const expires = this.#dialect.writeDate(expireDate);
    if (expected === undefined) return (await this.#changes(statements.update, [data, expires, key])) > 0 ? 'updated' : 'missing';
    // The common case is one statement; only a refused update asks whether the row is there at all.
    if (typeof expected === 'string' && (await this.#changes(statements.updateIfUnchanged, [data, expires, key, expected])) > 0) return 'updated';
    return (await this.exists(key)) ? 'conflict' : 'missing';
  }

  async delete(key: string): Promise<void> {
    await this.#changes(this.#dialect.statements.delete, [key]);
  }

  /** Deletes expired sessions (`expire_date < now`), in batches of 5000 rows; resolves how many were removed. */
  clearExpired(): Promise<number> {
    return this.clearExpiredInBatches({});
  }

  /**
   * {@link SqlStore.clearExpired} with a chosen batch size and a progress callback, for the command line.
   * Each batch is one short statement, committed on its own, and the event loop (with the other requests
   * of this process) gets a turn between batches, as other processes get the table. Also removes the lock
   * records whose holders died.
   */
  async clearExpiredInBatches(options: ClearExpiredOptions = {}): Promise<number> {
    const deleteBatch = expiredBatches(this.#dialect.statements.clearExpired, this.#nowValue(), {
      changes: (sql, values) => this.#changes(sql, values),
      row: <R>(sql: string, values: readonly unknown[]) => this.#row<R>(sql, values),
    });
    const removed = await deleteInBatches(async (limit) => {
      const batch = await deleteBatch(limit);
      await nextTurn();
      return batch;
    }, options);
    this.#dialect.purgeExpiredLocks?.();
    return removed;
  }

  /** How many rows have expired (`expire_date < now`) and wait for {@link SqlStore.clearExpired}. */
  async countExpired(): Promise<number> {
    const row = await this.#row<{ expired: number | string | bigint }>(this.#dialect.statements.countExpired, [this.#nowValue()]);
    return Number(row?.expired ?? 0);
  }

  /**
   * Takes the session's lock, shared with every process on the database. Requests of one session in this
   * process queue in memory first, so only one of them waits on the database.
   */
  async lock(key: string, options: LockOptions): Promise<HeldLock> {
    return this.#dialect.lock(key, options);
  }

  /** The live sessions in key order, read a page at a time (keyset pagination, so no page re-reads the ones before). */
  async *list(): AsyncIterable<ListedSession> {
    const now = this.#nowValue();
    for (let after = ''; ; ) {
      const rows = await this.#rows<ListedRow>(this.#dialect.statements.listPage, [now, after, LIST_PAGE_SIZE]);
      for (const row of rows) yield { key: row.session_key, expireDate: this.#dialect.readDate(row.expire_date), size: Number(row.size) };
      if (rows.length < LIST_PAGE_SIZE) return;
      after = rows[rows.length - 1]!.session_key;
    }
  }

  /**
   * Creates the table and Django's indexes when the table is missing, whatever `createTable` says, and
   * resolves whether it did. Safe against other processes doing the same at the same moment. Says
   * `'created'` also for a table the store created as it opened the database (the first time it is
   * asked), so the answer says what this store found.
   */
  async migrate(): Promise<MigrateOutcome> {
    const outcome = await this.#dialect.createTableIfMissing();
    if (!this.#createdOnOpen) return outcome;
    this.#createdOnOpen = false;
    return 'created';
  }

  /** Releases the locks still held and closes what the store opened; a connection or pool passed in stays open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#dialect.close();
  }

  #nowValue(): unknown {
    return this.#dialect.writeDate(new Date(this.#now()));
  }

  #rows<R>(sql: string, values: readonly unknown[]): Promise<readonly R[]> | readonly R[] {
    return this.#run(() => this.#dialect.rows<R>(sql, values));
  }

  #row<R>(sql: string, values: readonly unknown[]): Promise<R | undefined> | R | undefined {
    return this.#run(() => this.#dialect.row<R>(sql, values));
  }

  #changes(sql: string, values: readonly unknown[]): Promise<number> | number {
    return this.#run(() => this.#dialect.changes(sql, values));
  }

  /**
   * Runs a statement once the table is ready; a missing table's error says how to create it. Not async:
   * SQLite runs its statements synchronously, and its request path is spared a promise per statement.
   */
  #run<T>(statement: () => T | Promise<T>): T | Promise<T> {
    if (this.#setup?.done === false) return this.#setup.run().then(() => this.#run(statement));
    try {
      const result = statement();
      return result instanceof Promise ? result.catch((error: unknown) => Promise.reject(this.#explain(error))) : result;
    } catch (error) {
      throw this.#explain(error);
    }
  }

  #explain(error: unknown): unknown {
    const { missingTable } = this.#dialect.errorCodes;
    return missingTable !== undefined && this.#dialect.errorCode(error) === missingTable
      ? missingTableError(this.#dialect.factory, this.#dialect.quotedTable, error)
      : error;
  }
}
