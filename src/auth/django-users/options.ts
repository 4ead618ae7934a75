/**
 * The options of {@link djangoUsers}, checked once.
 * @module
 */
import { SessionConfigError } from '../../errors.js';
import { exactlyOneSource } from '../../stores/internal/store-options.js';
import type { SqlStore } from '../../stores/sql/store.js';
import type { Argon2DriverName, BcryptDriverName } from '../passwords/drivers.js';
import { iterationsOption } from '../passwords/iterations-option.js';
import { type DjangoUserColumns, resolveColumns } from './columns.js';
import { DJANGO_USER_TABLE } from './statements.js';

/** Options of {@link djangoUsers}. Give `store` or `url`. */
export interface DjangoUsersOptions {
  /**
   * A SQL session store (`sqliteStore`, `postgresStore`, `mysqlStore`) on the database that holds the users:
   * its connection is used, and stays the store's to close.
   */
  readonly store?: SqlStore | undefined;
  /**
   * The database as a `DATABASE_URL` (`sqlite:///db.sqlite3`, `postgres://…`, `mysql://…`, as the `db`
   * engine reads it), for users in another database than the sessions, or sessions in another engine. The
   * user source opens its own connection, closed by `close()`. A SQLite file must exist.
   */
  readonly url?: string | undefined;
  /**
   * The user table (`db_table` of `AUTH_USER_MODEL`), `schema.table` on PostgreSQL.
   * @default 'auth_user'
   */
  readonly table?: string | undefined;
  /**
   * The columns of a custom `AUTH_USER_MODEL`, by field: a name where it differs from Django's `User`, `null`
   * for a field the model lacks, e.g. `{ username: 'email', firstName: null, lastName: null }` for a model
   * whose `USERNAME_FIELD` is `email`. `id`, `username` and `password` cannot be `null`.
   * @default Django's User: id, username, password, last_login, is_active, is_staff, is_superuser, email, first_name, last_name, date_joined
   */
  readonly columns?: Partial<Record<keyof DjangoUserColumns, string | null>> | undefined;
  /**
   * The PBKDF2 iteration count of the Django project's `PBKDF2PasswordHasher` (260,000 on Django 3.2, 600,000
   * on 4.2, 1,000,000 on 5.2). New hashes get it; at login a hash with another count is rehashed to it, as
   * Django does. Give the Django project's count, or the two sides rehash each other's logins.
   * @default 1_000_000 (Django 5.2's)
   */
  readonly iterations?: number | undefined;
  /**
   * Rehash a correct password at login when Django would (Django's `check_password` setter): a hash that
   * is not `pbkdf2_sha256` at `iterations` (another count, `pbkdf2_sha1`, `argon2`, `bcrypt_sha256`) or
   * whose salt is shorter than 128 bits. The new hash ends the user's other sessions, as in Django. Turn it
   * off when the Django project's `PASSWORD_HASHERS` starts with another hasher than PBKDF2 (Argon2, say):
   * Node would otherwise turn its hashes back into PBKDF2 ones.
   * @default true
   */
  readonly upgradePasswords?: boolean | undefined;
  /**
   * Whether the primary key is a whole number (Django's `AutoField`): a session holding anything else as
   * the user id is anonymous without a query. Set `false` for a `UUIDField` or `CharField` key.
   * @default true
   */
  readonly integerIds?: boolean | undefined;
  /**
   * The package verifying `argon2` hashes.
   * @default the first installed of argon2, \@node-rs/argon2, hash-wasm
   */
  readonly argon2?: Argon2DriverName | undefined;
  /**
   * The package verifying `bcrypt_sha256` hashes.
   * @default the first installed of bcrypt, bcryptjs, hash-wasm
   */
  readonly bcrypt?: BcryptDriverName | undefined;
  /**
   * The clock for `last_login` and `date_joined`, in milliseconds since the epoch; for tests.
   * @default Date.now
   */
  readonly now?: (() => number) | undefined;
}

/** {@link DjangoUsersOptions} checked, with defaults applied (without where the users are). */
export interface ResolvedDjangoUsersOptions {
  readonly table: string;
  readonly columns: DjangoUserColumns;
  readonly iterations: number;
  readonly upgradePasswords: boolean;
  readonly integerIds: boolean;
  readonly argon2: Argon2DriverName | undefined;
  readonly bcrypt: BcryptDriverName | undefined;
  readonly now: () => number;
}

function booleanOption(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new SessionConfigError(`djangoUsers: \`${name}\` must be true or false, not ${JSON.stringify(value)}.`);
  return value;
}

/**
 * Checks `options`, besides `store` and `url` (see {@link requireOneSource}).
 * @throws SessionConfigError saying what to fix.
 */
export function resolveDjangoUsersOptions(options: DjangoUsersOptions): ResolvedDjangoUsersOptions {
  const { table = DJANGO_USER_TABLE, now = Date.now } = options;
  if (typeof table !== 'string') throw new SessionConfigError(`djangoUsers: \`table\` must be a table name such as 'auth_user'.`);
  if (typeof now !== 'function') throw new SessionConfigError('djangoUsers: `now` must be a function returning milliseconds since the epoch.');
  let iterations: number;
  try {
    iterations = iterationsOption(options.iterations);
  } catch (error) {
    throw new SessionConfigError(`djangoUsers: ${(error as Error).message.replace(/^sessionkit: /, '')}`);
  }
  return {
    table,
    columns: resolveColumns(options.columns),
    iterations,
    upgradePasswords: booleanOption(options.upgradePasswords, 'upgradePasswords', true),
    integerIds: booleanOption(options.integerIds, 'integerIds', true),
    argon2: options.argon2,
    bcrypt: options.bcrypt,
    now,
  };
}

/**
 * Checks that `options` is an object naming exactly one of `store` and `url`.
 * @throws SessionConfigError saying what to fix.
 */
export function requireOneSource(options: DjangoUsersOptions): 'store' | 'url' {
  if (options === null || typeof options !== 'object') {
    throw new SessionConfigError("djangoUsers(options) needs an options object with `store` (a SQL session store) or `url` (e.g. 'sqlite:///db.sqlite3').");
  }
  return exactlyOneSource(
    options,
    [
      { name: 'store', shown: "`store` (the SQL session store on the users' database)" },
      { name: 'url', shown: "`url` (e.g. 'postgres://user:password@127.0.0.1:5432/dbname')" },
    ],
    'djangoUsers',
  ) as 'store' | 'url';
}
