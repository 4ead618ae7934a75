/**
 * Django's `db` session engine on SQLite, through better-sqlite3: the `django_session` table exactly as
 * Django's `migrate` creates it, `expire_date` written as Django writes it, so a Django app and a
 * sessionkit app pointed at the same file share their sessions.
 *
 * better-sqlite3 is synchronous: each call runs to completion inside SQLite, with statements prepared
 * once. Writers on the same file wait for each other up to `busyTimeoutMs`, and that wait blocks the event
 * loop, which is why file databases run in WAL mode (writes are short appends and never wait for readers).
 * The store is the SQL store ({@link SqlStore}) with the SQLite dialect; the database is opened, and the
 * table checked (or created), at construction, so a misconfiguration fails at startup.
 */
import { SessionConfigError } from '../errors.js';
import { DJANGO_SESSION_TABLE } from './internal/sql-table-name.js';
import { SqliteDialect } from './sql/sqlite.js';
import { SqlStore, type SqlTableSetup } from './sql/store.js';
import { openDatabase, type SqliteDatabase } from './sqlite/open.js';
import { createSessionTableIfMissing, isValidTableName } from './sqlite/schema.js';

export type { SqliteDatabase } from './sqlite/open.js';

/** Options of {@link sqliteStore}. Give either `path` or `database`. */
export interface SqliteStoreOptions {
  /**
   * The database file (Django's `DATABASES['default']['NAME']`), created when missing; its directory must
   * exist and be writable. `':memory:'` gives a private in-memory database (tests, one process).
   */
  readonly path?: string | undefined;
  /**
   * An open better-sqlite3 connection to use instead of `path`. The store leaves its settings (journal
   * mode, busy timeout) as they are and does not close it.
   */
  readonly database?: SqliteDatabase | undefined;
  /**
   * The session table (Django's `db_table`); letters, digits and underscores.
   * @default 'django_session'
   */
  readonly table?: string | undefined;
  /**
   * Create the table and its `expire_date` index when they are missing, with Django's exact schema, as
   * the store opens the database. If a Django project will later run `migrate` on the same file, run it
   * with `--fake-initial` (or let Django migrate first), because Django refuses to create a table that
   * already exists.
   * @default true
   */
  readonly createTable?: boolean | undefined;
  /**
   * How long a write waits for another connection's write to finish before failing, in milliseconds.
   * Ignored with `database`.
   * @default 5000
   */
  readonly busyTimeoutMs?: number | undefined;
  /**
   * SQLite's `synchronous` setting for file databases in WAL mode. `'NORMAL'` never corrupts the file
   * and survives a crash of the process, but a power loss may drop the last commits; `'FULL'` syncs every
   * commit to disk, at a cost in throughput. Ignored with `database` and `':memory:'`.
   * @default 'NORMAL'
   */
  readonly synchronous?: 'NORMAL' | 'FULL' | undefined;
  /**
   * The clock that decides which sessions have expired, in milliseconds since the epoch; for tests.
   * @default Date.now
   */
  readonly now?: (() => number) | undefined;
}

/** The SQLite session store. */
class SqliteStore extends SqlStore {
  /** The session table in use. */
  readonly table: string;

  constructor(options: SqliteStoreOptions) {
    const opened = openStore(options);
    super(opened.dialect, opened.setup);
    this.table = opened.table;
  }
}

function openStore(options: SqliteStoreOptions): { dialect: SqliteDialect; setup: SqlTableSetup; table: string } {
  if (options === null || typeof options !== 'object') {
    throw new SessionConfigError("sqliteStore(options) needs an options object, e.g. sqliteStore({ path: 'db.sqlite3' }).");
  }
  const table = options.table ?? DJANGO_SESSION_TABLE;
  if (!isValidTableName(table)) {
    throw new SessionConfigError(
      `sqliteStore: \`table\` ${JSON.stringify(table)} is not a plain table name; use letters, digits and underscores (at most 63), e.g. 'django_session'.`,
    );
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
    // The table was missing and the store created it: migrate() says so once.
    const createdOnOpen = (options.createTable ?? true) && createSessionTableIfMissing(db, table) === 'created';
    return {
      dialect: new SqliteDialect(db, owned, table),
      setup: { createOnFirstUse: false, createdOnOpen, now: options.now },
      table,
    };
  } catch (error) {
    if (owned) db.close();
    if (error instanceof SessionConfigError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new SessionConfigError(
      `sqliteStore: the session table "${table}" cannot be used (${reason}). Create it with Django's \`migrate\` (or \`sessionkit migrate\`), or leave \`createTable\` on so sessionkit creates it.`,
    );
  }
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

export type { SqliteStore };
