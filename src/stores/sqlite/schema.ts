/**
 * The session table exactly as Django's `migrate` creates it on SQLite (`sqlmigrate sessions 0001`), and
 * sessionkit's own lock table next to it.
 */
import type { MigrateOutcome } from '../../core/store-contract.js';
import { djangoIndexName } from '../sql/django-index-name.js';
import type { SqliteDatabase } from './open.js';

/** sessionkit's table of cross-process session locks (Django never reads it). */
export const LOCK_TABLE = 'sessionkit_lock';

// Plain identifiers only: the name is spliced into SQL (quoted), and must also fit Django's index-name
// rule without truncation.
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
// What Django's schema editor allows an index name on SQLite, whose backend sets no limit of its own.
const MAX_INDEX_NAME_LENGTH = 200;

/** Whether `name` is an acceptable table name (letters, digits, underscores; at most 63 characters). */
export function isValidTableName(name: unknown): name is string {
  return typeof name === 'string' && TABLE_NAME.test(name);
}

/** `name` as a double-quoted SQL identifier (Django quotes every name this way on SQLite). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The statements that create the session table and its index, byte for byte as Django emits them. With
 * `ifNotExists` they gain `IF NOT EXISTS`, which SQLite leaves out of the schema text it stores, so the
 * stored schema is Django's either way.
 */
export function sessionTableDdl(table: string, ifNotExists = false): { table: string; index: string } {
  const t = quoteIdentifier(table);
  const guard = ifNotExists ? 'IF NOT EXISTS ' : '';
  return {
    table: `CREATE TABLE ${guard}${t} ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" datetime NOT NULL)`,
    index: `CREATE INDEX ${guard}${quoteIdentifier(djangoIndexName(table, ['expire_date'], '', MAX_INDEX_NAME_LENGTH))} ON ${t} ("expire_date")`,
  };
}

/**
 * Creates the session table `table` and its index, with Django's statements, unless the table exists
 * (an existing table is left as it is, and its index is added when missing); resolves which. Runs under
 * the database's write lock, so of several processes doing it at once exactly one says `'created'`.
 */
export function createSessionTableIfMissing(db: SqliteDatabase, table: string): MigrateOutcome {
  const ddl = sessionTableDdl(table, true);
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE").pluck();
  return db
    .transaction((): MigrateOutcome => {
      const outcome = exists.get(table) === undefined ? 'created' : 'exists';
      db.exec(ddl.table);
      db.exec(ddl.index);
      return outcome;
    })
    .immediate();
}

/**
 * The lock table: one row per held lock, named by session table and key, with the holder's random token
 * and the instant (ms since the epoch) after which anyone may take the lock over.
 */
export const LOCK_TABLE_DDL = `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(LOCK_TABLE)} ("session_table" text NOT NULL, "session_key" text NOT NULL, "owner" text NOT NULL, "expires_at" integer NOT NULL, PRIMARY KEY ("session_table", "session_key")) WITHOUT ROWID`;
