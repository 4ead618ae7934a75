/**
 * The SQLite dialect of the SQL store, through better-sqlite3: `expire_date` as Django writes it on
 * SQLite (naive UTC text, compared as text), statements prepared once, and lock rows in a table of their
 * own for the per-session locks.
 *
 * better-sqlite3 is synchronous: each statement runs to completion inside SQLite. The table must exist
 * when the dialect is made (preparing the statements checks it); creating it is the caller's choice.
 */
import type { HeldLock, LockOptions, MigrateOutcome } from '../../core/store-contract.js';
import { SqliteLocks } from '../sqlite/locks.js';
import type { SqliteDatabase } from '../sqlite/open.js';
import { createSessionTableIfMissing, quoteIdentifier } from '../sqlite/schema.js';
import { SqliteStatementRunner } from '../sqlite/statement-runner.js';
import type { SqlDialect, SqlStatements } from './dialect.js';

function sqliteStatements(table: string): SqlStatements {
  const t = quoteIdentifier(table);
  return {
    load: `SELECT "session_data", "expire_date" FROM ${t} WHERE "session_key" = ? AND "expire_date" > ?`,
    exists: `SELECT 1 FROM ${t} WHERE "session_key" = ?`,
    insert: `INSERT INTO ${t} ("session_key", "session_data", "expire_date") VALUES (?, ?, ?)`,
    update: `UPDATE ${t} SET "session_data" = ?, "expire_date" = ? WHERE "session_key" = ?`,
    updateIfUnchanged: `UPDATE ${t} SET "session_data" = ?, "expire_date" = ? WHERE "session_key" = ? AND "session_data" = ?`,
    delete: `DELETE FROM ${t} WHERE "session_key" = ?`,
    countExpired: `SELECT count(*) AS "expired" FROM ${t} WHERE "expire_date" < ?`,
    listPage:
      `SELECT "session_key", "expire_date", length(CAST("session_data" AS BLOB)) AS "size" FROM ${t} ` +
      `WHERE "expire_date" > ? AND "session_key" > ? ORDER BY "session_key" LIMIT ?`,
    // By rowid through the expire_date index: SQLite's DELETE takes no LIMIT unless built to.
    clearExpired: {
      deleteUpTo: `DELETE FROM ${t} WHERE rowid IN (SELECT rowid FROM ${t} WHERE "expire_date" < ? LIMIT ?)`,
    },
  };
}

/** SQLite, on one open connection. */
export class SqliteDialect extends SqliteStatementRunner implements SqlDialect {
  readonly name = 'sqlite';
  readonly factory = 'sqliteStore';
  readonly quotedTable: string;
  readonly statements: SqlStatements;
  // As Django's CreateError; SQLite has no code of its own for a missing table, and the table was checked on opening.
  readonly errorCodes = { duplicateKey: 'SQLITE_CONSTRAINT_PRIMARYKEY', missingTable: undefined };
  readonly #db: SqliteDatabase;
  readonly #ownsDatabase: boolean;
  readonly #table: string;
  readonly #locks: SqliteLocks;

  /**
   * @param owned - The store opened `db` and closes it on `close()`.
   * @throws when the session table `table` is missing or unusable.
   */
  constructor(db: SqliteDatabase, owned: boolean, table: string) {
    super(db);
    this.#db = db;
    this.#ownsDatabase = owned;
    this.#table = table;
    this.quotedTable = quoteIdentifier(table);
    this.statements = sqliteStatements(table);
    const { clearExpired, ...plain } = this.statements;
    for (const sql of [...Object.values(plain), ...Object.values(clearExpired)]) this.prepare(sql);
    this.#locks = new SqliteLocks(db, table);
  }

  /** Runs Django's DDL under the database's write lock; an existing table gets its index when that alone is missing. */
  async createTableIfMissing(): Promise<MigrateOutcome> {
    return createSessionTableIfMissing(this.#db, this.#table);
  }

  lock(key: string, options: LockOptions): Promise<HeldLock> {
    return this.#locks.acquire(key, options);
  }

  purgeExpiredLocks(): void {
    this.#locks.purgeExpired();
  }

  async close(): Promise<void> {
    if (this.#ownsDatabase) this.#db.close();
  }
}
