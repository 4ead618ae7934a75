/**
 * The `table` option of the PostgreSQL and MySQL stores: validated once, so it can be spliced into SQL as
 * a quoted identifier without any risk of injection; and the error that explains a missing table.
 */
import { SessionConfigError } from '../../errors.js';

// Plain identifiers only; anything needing escapes is a misconfiguration, not a name worth supporting.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** A validated table name, optionally qualified by a schema (PostgreSQL) or database (MySQL). */
export interface SqlTableName {
  /** The schema or database part, when given as `schema.table`. */
  readonly schema: string | undefined;
  /** The table itself. */
  readonly table: string;
}

/**
 * Validates `name` (`table` or `schema.table`), each part at most `maxLength` characters.
 * @throws SessionConfigError naming the fix.
 */
export function parseTableName(name: string, maxLength: number, storeName: string): SqlTableName {
  const parts = typeof name === 'string' ? name.split('.') : [];
  const valid = parts.length >= 1 && parts.length <= 2 && parts.every((part) => IDENTIFIER.test(part) && part.length <= maxLength);
  if (!valid) {
    throw new SessionConfigError(
      `${storeName}: the table name ${JSON.stringify(name)} is not usable. Use letters, digits and underscores ` +
        `(at most ${maxLength} characters), optionally qualified as "schema.table"; Django's is "django_session".`,
    );
  }
  return parts.length === 2 ? { schema: parts[0], table: parts[1]! } : { schema: undefined, table: parts[0]! };
}

/** The table name quoted for SQL with `quote` (`"` for PostgreSQL, `` ` `` for MySQL). */
export function quoteTableName(name: SqlTableName, quote: '"' | '`'): string {
  const quoted = `${quote}${name.table}${quote}`;
  return name.schema === undefined ? quoted : `${quote}${name.schema}${quote}.${quoted}`;
}

/** Django's session table. */
export const DJANGO_SESSION_TABLE = 'django_session';

/** The table options of the PostgreSQL and MySQL stores. */
export interface SqlTableOptions {
  /**
   * The session table (Django's `db_table`), optionally qualified by its schema on PostgreSQL or its
   * database on MySQL (`name.table`).
   * @default 'django_session'
   */
  readonly table?: string | undefined;
  /**
   * Create the table with Django's columns and indexes on first use when it is missing. Turn off when the
   * database user may not create tables (run Django's `migrate`, or `sessionkit migrate`, instead).
   * @default true
   */
  readonly createTable?: boolean | undefined;
}

/** A store's session table: its validated name, and that name quoted for SQL. */
export interface SessionTable {
  readonly name: SqlTableName;
  readonly quoted: string;
}

/**
 * The `table` option (Django's table when `undefined`), validated with {@link parseTableName} and quoted
 * with `quote`.
 */
export function sessionTable(option: string | undefined, quote: '"' | '`', maxLength: number, storeName: string): SessionTable {
  const name = parseTableName(option ?? DJANGO_SESSION_TABLE, maxLength, storeName);
  return { name, quoted: quoteTableName(name, quote) };
}

/** The error for a query on a session table that does not exist, saying how to create it. */
export function missingTableError(factory: string, quotedTable: string, cause: unknown): Error {
  return new Error(
    `${factory}: table ${quotedTable} does not exist: run Django's "manage.py migrate sessions" or "sessionkit migrate", or let the store create it (createTable: true)`,
    { cause },
  );
}
