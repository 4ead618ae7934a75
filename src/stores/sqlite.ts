/**
 * Django's `db` session engine on SQLite, through better-sqlite3: the `django_session` table exactly as
 * Django's `migrate` creates it, `expire_date` written as Django writes it, so a Django app and a
 * sessionkit app pointed at the same file share their sessions.
 *
 * better-sqlite3 is synchronous: each call runs to completion inside SQLite, with statements prepared
 * once. Writers on the same file wait for each other up to `busyTimeoutMs`, and that wait blocks the event
 * loop, which is why file databases run in WAL mode (writes are short appends and never wait for readers).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type BetterSqlite3 from 'better-sqlite3';
import { SessionConfigError } from '../errors.js';
import { isValidSessionKey } from '../core/session-key.js';
import type { ClearExpiredOptions, HeldLock, ListedSession, LockOptions, MigrateOutcome, SessionStore, StoredSession, UpdateOutcome } from './contract.js';
import { deleteInBatches } from './internal/batched-delete.js';
import { inKeyOrder } from './internal/key-order-pages.js';
import { requireSessionKey } from './internal/session-key-guard.js';
import { DJANGO_SESSION_TABLE } from './internal/sql-table-name.js';
import { formatDjangoDatetime, parseDjangoDatetime } from './sqlite/datetime.js';
import { SqliteLocks } from './sqlite/locks.js';
import { openDatabase, type SqliteDatabase } from './sqlite/open.js';
import { createSessionTableIfMissing, isValidTableName, quoteIdentifier } from './sqlite/schema.js';

export type { SqliteDatabase } from './sqlite/open.js';

/** Options of {@link sqliteStore}. Give either `path` or `database`. */
export interface SqliteStoreOptions {
  /**
   * The database file (Django's `DATABASES['default']['NAME']`), created when missing; its directory must
   * exist and be writable. `':memory:'` gives a private in-memory database (tests, one process).
   */
  readonly path?: string;
  /**
   * An open better-sqlite3 connection to use instead of `path`. The store leaves its settings (journal
   * mode, busy timeout) as they are and does not close it.
   */
  readonly database?: SqliteDatabase;
  /**
   * The session table (Django's `db_table`); letters, digits and underscores.
   * @default 'django_session'
   */
  readonly table?: string;
  /**
   * Create the table and its `expire_date` index when they are missing, with Django's exact schema, as
   * the store opens the database. If a Django project will later run `migrate` on the same file, run it
   * with `--fake-initial` (or let Django migrate first), because Django refuses to create a table that
   * already exists.
   * @default true
   */
  readonly createTable?: boolean;
  /**
   * How long a write waits for another connection's write to finish before failing, in milliseconds.
   * Ignored with `database`.
   * @default 5000
   */
  readonly busyTimeoutMs?: number;
  /**
   * SQLite's `synchronous` setting for file databases in WAL mode. `'NORMAL'` never corrupts the file
   * and survives a crash of the process, but a power loss may drop the last commits; `'FULL'` syncs every
   * commit to disk, at a cost in throughput. Ignored with `database` and `':memory:'`.
   * @default 'NORMAL'
   */
  readonly synchronous?: 'NORMAL' | 'FULL';
  /**
   * The clock that decides which sessions have expired, in milliseconds since the epoch; for tests.
   * @default Date.now
   */
  readonly now?: () => number;
}

interface SessionStatements {
  readonly load: BetterSqlite3.Statement<[string, string], { session_data: string; expire_date: string }>;
  readonly exists: BetterSqlite3.Statement<[string], number>;
  readonly insert: BetterSqlite3.Statement<[string, string, string]>;
  readonly update: BetterSqlite3.Statement<[string, string, string]>;
  readonly updateIfUnchanged: BetterSqlite3.Statement<[string, string, string, string]>;
  readonly delete: BetterSqlite3.Statement<[string]>;
  readonly deleteExpiredBatch: BetterSqlite3.Statement<[string, number]>;
  readonly countExpired: BetterSqlite3.Statement<[string], number>;
  readonly listPage: BetterSqlite3.Statement<[string, string, number], ListedRow>;
}

interface ListedRow {
  readonly key: string;
  readonly expireDate: string;
  readonly size: number;
}

const LIST_PAGE_SIZE = 500;

/** The SQLite session store. */
export class SqliteStore implements SessionStore {
  readonly name = 'sqlite';
  /** The session table in use. */
  readonly table: string;
  readonly #db: SqliteDatabase;
  readonly #ownsDatabase: boolean;
  readonly #sql: SessionStatements;
  readonly #locks: SqliteLocks;
  readonly #now: () => number;
  // The table was missing when the store opened the database, and it created it: migrate() says so once.
  #createdOnOpen: boolean;
  #closed = false;

  constructor(options: SqliteStoreOptions) {
    if (options === null || typeof options !== 'object') {
      throw new SessionConfigError("sqliteStore(options) needs an options object, e.g. sqliteStore({ path: 'db.sqlite3' }).");
    }
    const table = options.table ?? DJANGO_SESSION_TABLE;
    if (!isValidTableName(table)) {
      throw new SessionConfigError(`sqliteStore: \`table\` ${JSON.stringify(table)} is not a plain table name; use letters, digits and underscores (at most 63), e.g. 'django_session'.`);
    }
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new SessionConfigError(`sqliteStore: \`busyTimeoutMs\` must be a whole number of milliseconds ≥ 0, not ${String(busyTimeoutMs)}.`);
    }
    const synchronous = options.synchronous ?? 'NORMAL';
    if (synchronous !== 'NORMAL' && synchronous !== 'FULL') {
      throw new SessionConfigError(`sqliteStore: \`synchronous\` must be 'NORMAL' or 'FULL', not ${JSON.stringify(synchronous)}.`);
    }
    const { db, owned } = openDatabase({ path: options.path, database: options.database, busyTimeoutMs, synchronous });
    try {
      this.#createdOnOpen = (options.createTable ?? true) && createSessionTableIfMissing(db, table) === 'created';
      this.#sql = prepareStatements(db, table);
    } catch (error) {
      if (owned) db.close();
      if (error instanceof SessionConfigError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new SessionConfigError(
        `sqliteStore: the session table "${table}" cannot be used (${reason}). Create it with Django's \`migrate\` (or \`sessionkit migrate\`), or leave \`createTable\` on so sessionkit creates it.`,
      );
    }
    this.table = table;
    this.#db = db;
    this.#ownsDatabase = owned;
    this.#locks = new SqliteLocks(db, table);
    this.#now = options.now ?? Date.now;
  }

  #nowText(): string {
    return formatDjangoDatetime(this.#now());
  }

  async load(key: string): Promise<StoredSession | null> {
    if (!isValidSessionKey(key)) return null;
    const row = this.#sql.load.get(key, this.#nowText());
    if (row === undefined) return null;
    const expireDate = parseDjangoDatetime(row.expire_date);
    // The data is its own version: a compare-and-set on it is exact, as a signed token changes with every write.
    return expireDate === null ? { data: row.session_data, version: row.session_data } : { data: row.session_data, version: row.session_data, expireDate };
  }

  async exists(key: string): Promise<boolean> {
    if (!isValidSessionKey(key)) return false;
    return this.#sql.exists.get(key) !== undefined;
  }

  async create(key: string, data: string, expireDate: Date): Promise<boolean> {
    requireSessionKey(key, 'sqliteStore');
    try {
      this.#sql.insert.run(key, data, formatDjangoDatetime(expireDate));
      return true;
    } catch (error) {
      // As Django's CreateError: the key is taken, expired row or not.
      if ((error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return false;
      throw error;
    }
  }

  async update(key: string, data: string, expireDate: Date, expected?: unknown): Promise<UpdateOutcome> {
    if (!isValidSessionKey(key)) return 'missing';
    const expires = formatDjangoDatetime(expireDate);
    if (expected === undefined) {
      return this.#sql.update.run(data, expires, key).changes > 0 ? 'updated' : 'missing';
    }
    if (typeof expected === 'string' && this.#sql.updateIfUnchanged.run(data, expires, key, expected).changes > 0) {
      return 'updated';
    }
    return this.#sql.exists.get(key) === undefined ? 'missing' : 'conflict';
  }

  async delete(key: string): Promise<void> {
    if (!isValidSessionKey(key)) return;
    this.#sql.delete.run(key);
  }

  /** Deletes expired sessions (`expire_date < now`), in batches of 5000 rows; resolves how many were removed. */
  clearExpired(): Promise<number> {
    return this.clearExpiredInBatches({});
  }

  /**
   * {@link SqliteStore.clearExpired} with a chosen batch size and a progress callback, for the command
   * line. Each batch is one short write transaction, and the event loop (and with it other requests of
   * this process) gets a turn between batches, as other processes get the write lock. Also removes the
   * locks whose holders died.
   */
  async clearExpiredInBatches(options: ClearExpiredOptions = {}): Promise<number> {
    const now = this.#nowText();
    const removed = await deleteInBatches(async (limit) => {
      const batch = this.#sql.deleteExpiredBatch.run(now, limit).changes;
      await nextTurn();
      return { removed: batch, more: batch === limit };
    }, options);
    this.#locks.purgeExpired();
    return removed;
  }

  /** How many rows have expired (`expire_date < now`) and wait for {@link SqliteStore.clearExpired}. */
  async countExpired(): Promise<number> {
    return this.#sql.countExpired.get(this.#nowText()) ?? 0;
  }

  lock(key: string, options: LockOptions): Promise<HeldLock> {
    return this.#locks.acquire(key, options);
  }

  /** Live sessions in key order, read a page at a time so other queries can run in between. */
  async *list(): AsyncIterable<ListedSession> {
    const now = this.#nowText();
    const rows = inKeyOrder((after, limit) => this.#sql.listPage.all(now, after, limit), (row) => row.key, LIST_PAGE_SIZE);
    for await (const row of rows) yield { key: row.key, expireDate: parseDjangoDatetime(row.expireDate), size: row.size };
  }

  /**
   * Creates the table and its index with Django's statements when the table is missing, whatever
   * `createTable` says. Resolves `'created'` also when the store created the table as it opened the
   * database (the first time it is asked), so the answer says what this store found.
   */
  async migrate(): Promise<MigrateOutcome> {
    const outcome = createSessionTableIfMissing(this.#db, this.table);
    if (!this.#createdOnOpen) return outcome;
    this.#createdOnOpen = false;
    return 'created';
  }

  /** Closes the database when the store opened it; a `database` passed in stays open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsDatabase) this.#db.close();
  }
}

function prepareStatements(db: SqliteDatabase, table: string): SessionStatements {
  const t = quoteIdentifier(table);
  return {
    load: db.prepare<[string, string], { session_data: string; expire_date: string }>(`SELECT "session_data", "expire_date" FROM ${t} WHERE "session_key" = ? AND "expire_date" > ?`),
    exists: db.prepare<[string], number>(`SELECT 1 FROM ${t} WHERE "session_key" = ?`).pluck(),
    insert: db.prepare(`INSERT INTO ${t} ("session_key", "session_data", "expire_date") VALUES (?, ?, ?)`),
    update: db.prepare(`UPDATE ${t} SET "session_data" = ?, "expire_date" = ? WHERE "session_key" = ?`),
    updateIfUnchanged: db.prepare(`UPDATE ${t} SET "session_data" = ?, "expire_date" = ? WHERE "session_key" = ? AND "session_data" = ?`),
    delete: db.prepare(`DELETE FROM ${t} WHERE "session_key" = ?`),
    // By rowid through the expire_date index: SQLite's DELETE takes no LIMIT unless built to.
    deleteExpiredBatch: db.prepare(`DELETE FROM ${t} WHERE rowid IN (SELECT rowid FROM ${t} WHERE "expire_date" < ? LIMIT ?)`),
    countExpired: db.prepare<[string], number>(`SELECT count(*) FROM ${t} WHERE "expire_date" < ?`).pluck(),
    listPage: db.prepare<[string, string, number], ListedRow>(
      `SELECT "session_key" AS "key", "expire_date" AS "expireDate", length(CAST("session_data" AS BLOB)) AS "size" FROM ${t} WHERE "expire_date" > ? AND "session_key" > ? ORDER BY "session_key" LIMIT ?`,
    ),
  };
}

/**
 * Django's `django.contrib.sessions.backends.db` engine on SQLite.
 *
 * @example
 * const sessions = createSessions({ secret: process.env.SECRET_KEY!, store: sqliteStore({ path: 'db.sqlite3' }) });
 */
export function sqliteStore(options: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(options);
}
