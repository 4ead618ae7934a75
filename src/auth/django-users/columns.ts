/**
 * The columns of Django's user table, and the `columns` option that renames them (or says a custom
 * `AUTH_USER_MODEL` lacks one).
 * @module
 */
import { SessionConfigError } from '../../errors.js';

/** The fields of Django's `User` that the user source reads and writes, by their column. */
export interface DjangoUserColumns {
  /** The primary key. @default 'id' */
  readonly id: string;
  /** `USERNAME_FIELD`: what `authenticate` looks users up by. @default 'username' */
  readonly username: string;
  /** The password hash. @default 'password' */
  readonly password: string;
  /** @default 'last_login' */
  readonly lastLogin: string | null;
  /** @default 'is_active' */
  readonly isActive: string | null;
  /** @default 'is_staff' */
  readonly isStaff: string | null;
  /** @default 'is_superuser' */
  readonly isSuperuser: string | null;
  /** @default 'email' */
  readonly email: string | null;
  /** @default 'first_name' */
  readonly firstName: string | null;
  /** @default 'last_name' */
  readonly lastName: string | null;
  /** @default 'date_joined' */
  readonly dateJoined: string | null;
}

/** The columns of `django.contrib.auth.models.User`, in Django's order. */
export const DJANGO_USER_COLUMNS: DjangoUserColumns = {
  id: 'id',
  password: 'password',
  lastLogin: 'last_login',
  isSuperuser: 'is_superuser',
  username: 'username',
  firstName: 'first_name',
  lastName: 'last_name',
  email: 'email',
  isStaff: 'is_staff',
  isActive: 'is_active',
  dateJoined: 'date_joined',
};

const REQUIRED: ReadonlySet<string> = new Set(['id', 'username', 'password']);
// Plain identifiers only: column names are spliced into SQL, quoted.
const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Django's columns with `overrides` applied: a name renames a column, `null` says the model has no such
 * field.
 *
 * @throws SessionConfigError for an unknown field, a required field set to `null`, or a name that is not a
 *   plain identifier.
 */
export function resolveColumns(overrides: Partial<Record<keyof DjangoUserColumns, string | null>> | undefined): DjangoUserColumns {
  if (overrides === undefined) return DJANGO_USER_COLUMNS;
  if (overrides === null || typeof overrides !== 'object') {
    throw new SessionConfigError("djangoUsers: `columns` must be an object such as { username: 'email', firstName: null }.");
  }
  const resolved: Record<string, string | null> = { ...DJANGO_USER_COLUMNS };
  for (const [field, column] of Object.entries(overrides)) {
    if (!Object.hasOwn(DJANGO_USER_COLUMNS, field)) {
      throw new SessionConfigError(
        `djangoUsers: \`columns\` has no field ${JSON.stringify(field)}; the fields are ${Object.keys(DJANGO_USER_COLUMNS).join(', ')}.`,
      );
    }
    if (column === null && REQUIRED.has(field)) {
      throw new SessionConfigError(`djangoUsers: \`columns.${field}\` cannot be null: every user model has it. Give its column name.`);
    }
    if (column !== null && (typeof column !== 'string' || !COLUMN_NAME.test(column))) {
      throw new SessionConfigError(
        `djangoUsers: \`columns.${field}\` must be a column name (letters, digits and underscores) or null, not ${JSON.stringify(column)}.`,
      );
    }
    resolved[field] = column ?? null;
  }
  return resolved as unknown as DjangoUserColumns;
}

/** Whether `columns` are Django's own (only then does `migrate` know the table's DDL). */
export function isDjangoUserTable(columns: DjangoUserColumns): boolean {
  return (Object.keys(DJANGO_USER_COLUMNS) as Array<keyof DjangoUserColumns>).every((field) => columns[field] === DJANGO_USER_COLUMNS[field]);
}
