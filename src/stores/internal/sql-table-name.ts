/**
 * The `table` option of the SQL stores: validated once, so it can be spliced into SQL as a quoted
 * identifier without any risk of injection.
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
