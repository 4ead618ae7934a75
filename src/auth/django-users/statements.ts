/**
 * The user source's SQL for one table and column mapping, in the dialect of one database, and the mapping
 * of its rows to {@link DjangoUser}s.
 * @module
 */
import { SessionConfigError } from '../../errors.js';
import { parseTableName, quoteTableName, type SqlTableName } from '../../stores/internal/sql-table-name.js';
import type { DjangoUserColumns } from './columns.js';
import type { DjangoUser } from './django-user.js';
import type { UserDatabase } from './user-database.js';

/** Django's user table. */
export const DJANGO_USER_TABLE = 'auth_user';

/** The databases the user source speaks to, by the name their {@link UserDatabase} gives. */
export type Dialect = 'sqlite' | 'postgres' | 'mysql';

type Field = keyof DjangoUserColumns;

const DATE_FIELDS: ReadonlySet<Field> = new Set(['lastLogin', 'dateJoined']);
// The fields createUser writes, in Django's column order.
const INSERTED_FIELDS: readonly Field[] = [
  'password',
  'lastLogin',
  'isSuperuser',
  'username',
  'firstName',
  'lastName',
  'email',
  'isStaff',
  'isActive',
  'dateJoined',
];
// MySQL's datetime(6) as naive-UTC text, whatever the connection's time zone.
const MYSQL_DATE_TEXT = "'%Y-%m-%d %H:%i:%s.%f'";

/** The statements, each with `?` placeholders numbered for PostgreSQL. */
export interface UserStatements {
  readonly dialect: Dialect;
  /** The table as messages name it. */
  readonly tableName: string;
  /** The table's validated name. */
  readonly table: SqlTableName;
  /** The table, quoted for SQL. */
  readonly quotedTable: string;
  /** `[id]` → the user row. */
  readonly byId: string;
  /** `[username]` → at most two user rows (two mean a collation that folds case found both). */
  readonly byUsername: string;
  /** `[password, id]`. */
  readonly setPassword: string;
  /** `[lastLogin, id]`; `null` when the model has no `last_login`. */
  readonly setLastLogin: string | null;
  /** The insert of {@link UserStatements.insertedFields}' values, in that order. */
  readonly insert: string;
  readonly insertedFields: readonly Field[];
}

/** The dialect of `database`. */
export function dialectOf(database: UserDatabase): Dialect {
  const { name } = database;
  if (name === 'sqlite' || name === 'postgres' || name === 'mysql') return name;
  throw new SessionConfigError(`djangoUsers cannot read users from a ${name} database; use SQLite, PostgreSQL or MySQL.`);
}

function quote(dialect: Dialect, identifier: string): string {
  return dialect === 'mysql' ? `\`${identifier}\`` : `"${identifier}"`;
}

/** `sql` with each `?` turned into PostgreSQL's `$1`, `$2`, … (the text holds no other `?`). */
function placeholders(dialect: Dialect, sql: string): string {
  if (dialect !== 'postgres') return sql;
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * The table option, checked: `table`, or `schema.table` on PostgreSQL and `database.table` on MySQL.
 * @throws SessionConfigError naming the fix.
 */
export function userTable(dialect: Dialect, name: string): SqlTableName {
  const table = parseTableName(name, dialect === 'mysql' ? 64 : 63, 'djangoUsers');
  if (dialect === 'sqlite' && table.schema !== undefined) {
    throw new SessionConfigError(`djangoUsers: on SQLite the table is a plain name such as 'auth_user', not ${JSON.stringify(name)}.`);
  }
  return table;
}

/** The statements for `tableName` with `columns`, on `dialect`. */
export function userStatements(dialect: Dialect, tableName: string, columns: DjangoUserColumns): UserStatements {
  const table = userTable(dialect, tableName);
  const t = dialect === 'sqlite' ? quote(dialect, table.table) : quoteTableName(table, dialect === 'mysql' ? '`' : '"');
  const q = (identifier: string): string => quote(dialect, identifier);
  const selected = (Object.keys(columns) as Field[]).flatMap((field) => {
    const column = columns[field];
    if (column === null) return [];
    const value = dialect === 'mysql' && DATE_FIELDS.has(field) ? `DATE_FORMAT(${q(column)}, ${MYSQL_DATE_TEXT})` : q(column);
    return [`${value} AS ${q(field)}`];
  });
  const select = `SELECT ${selected.join(', ')} FROM ${t}`;
  const insertedFields = INSERTED_FIELDS.filter((field) => columns[field] !== null);
  const sql = (text: string): string => placeholders(dialect, text);
  return {
    dialect,
    tableName,
    table,
    quotedTable: t,
    byId: sql(`${select} WHERE ${q(columns.id)} = ?`),
    byUsername: sql(`${select} WHERE ${q(columns.username)} = ? LIMIT 2`),
    setPassword: sql(`UPDATE ${t} SET ${q(columns.password)} = ? WHERE ${q(columns.id)} = ?`),
    setLastLogin: columns.lastLogin === null ? null : sql(`UPDATE ${t} SET ${q(columns.lastLogin)} = ? WHERE ${q(columns.id)} = ?`),
    insert: sql(`INSERT INTO ${t} (${insertedFields.map((field) => q(columns[field]!)).join(', ')}) VALUES (${insertedFields.map(() => '?').join(', ')})`),
    insertedFields,
  };
}

/** A boolean as `dialect` stores it: PostgreSQL's `boolean`, 1 or 0 in SQLite and MySQL. */
export function booleanValue(dialect: Dialect, value: boolean): boolean | number {
  return dialect === 'postgres' ? value : value ? 1 : 0;
}

function readBoolean(value: unknown): boolean {
  return value === true || value === 1 || value === 1n || value === '1';
}

function readText(value: unknown): string {
  return typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
}

function readId(value: unknown): number | string {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  return String(value);
}

/** A row selected by {@link UserStatements} as a user; fields the model lacks take Django's defaults. */
export function userFromRow(row: Readonly<Record<string, unknown>>, columns: DjangoUserColumns, database: UserDatabase): DjangoUser {
  const date = (field: Field): Date | null => {
    const value = row[field];
    if (columns[field] === null || value === null || value === undefined) return null;
    return value instanceof Date ? value : database.readDate(value);
  };
  const flag = (field: Field, absent: boolean): boolean => (columns[field] === null ? absent : readBoolean(row[field]));
  return {
    id: readId(row['id']),
    username: readText(row['username']),
    passwordHash: readText(row['password']),
    isActive: flag('isActive', true),
    isStaff: flag('isStaff', false),
    isSuperuser: flag('isSuperuser', false),
    email: readText(row['email']),
    firstName: readText(row['firstName']),
    lastName: readText(row['lastName']),
    lastLogin: date('lastLogin'),
    dateJoined: date('dateJoined'),
  };
}
