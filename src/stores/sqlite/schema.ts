/**
 * The session table exactly as Django's `migrate` creates it on SQLite (`sqlmigrate sessions 0001`), and
 * sessionkit's own lock table next to it.
 */
import { createHash } from 'node:crypto';

/** Django's default session table. */
export const DJANGO_SESSION_TABLE = 'django_session';

/** sessionkit's table of cross-process session locks (Django never reads it). */
export const LOCK_TABLE = 'sessionkit_lock';

// Plain identifiers only: the name is spliced into SQL (quoted), and must also fit Django's index-name
// rule without truncation (200 characters for the whole index name).
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Whether `name` is an acceptable table name (letters, digits, underscores; at most 63 characters). */
export function isValidTableName(name: unknown): name is string {
  return typeof name === 'string' && TABLE_NAME.test(name);
}

/** `name` as a double-quoted SQL identifier (Django quotes every name this way on SQLite). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The name Django gives the `expire_date` index of `table`: `<table>_expire_date_<md5 prefix>`, the
 * prefix being the first 8 hex digits of md5(table ‖ column). For `django_session` this is
 * `django_session_expire_date_a5c62663`.
 */
export function expireDateIndexName(table: string): string {
  const digest = createHash('md5').update(table).update('expire_date').digest('hex').slice(0, 8);
  return `${table}_expire_date_${digest}`;
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
    index: `CREATE INDEX ${guard}${quoteIdentifier(expireDateIndexName(table))} ON ${t} ("expire_date")`,
  };
}

/**
 * The lock table: one row per held lock, named by session table and key, with the holder's random token
 * and the instant (ms since the epoch) after which anyone may take the lock over.
 */
export const LOCK_TABLE_DDL = `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(LOCK_TABLE)} ("session_table" text NOT NULL, "session_key" text NOT NULL, "owner" text NOT NULL, "expires_at" integer NOT NULL, PRIMARY KEY ("session_table", "session_key")) WITHOUT ROWID`;
