/**
 * `djangoUsers`: Django's user table (`auth_user`, or a custom `AUTH_USER_MODEL`'s) on SQLite, PostgreSQL
 * and MySQL as a user source, with Django's `ModelBackend.authenticate`, `check_password` (and its rehash),
 * `set_password`, `create_user` and the `last_login` update of its `user_logged_in` signal.
 * @module
 */
import type { MigrateOutcome } from '../../core/store-contract.js';
import { SessionConfigError } from '../../errors.js';
import { makePassword } from '../passwords/make-password.js';
import { mustUpdatePassword } from '../passwords/must-update.js';
import { type VerifyPasswordOptions, verifyPassword } from '../passwords/verify-password.js';
import type { UserSource } from '../user.js';
import { isDjangoUserTable } from './columns.js';
import { djangoUserTableDdl } from './ddl.js';
import type { DjangoUser, NewDjangoUser } from './django-user.js';
import { UsernameTakenError, UserTableError } from './errors.js';
import { type DjangoUsersOptions, type ResolvedDjangoUsersOptions, requireOneSource, resolveDjangoUsersOptions } from './options.js';
import { booleanValue, type Dialect, dialectOf, type UserStatements, userFromRow, userStatements } from './statements.js';
import { openUserDatabase, storeDatabase, type UserDatabase } from './user-database.js';
import { normalizeEmail, normalizeUsername } from './user-fields.js';

// What each database answers when the table, or one of its columns, is missing, and for a taken unique key.
const MISSING_TABLE: Record<Dialect, (code: unknown, message: string) => boolean> = {
  sqlite: (_code, message) => /^no such table\b/.test(message),
  postgres: (code) => code === '42P01',
  mysql: (code) => code === 1146,
};
const MISSING_COLUMN: Record<Dialect, (code: unknown, message: string) => boolean> = {
  sqlite: (_code, message) => /^no such column\b|\bhas no column named\b/.test(message),
  postgres: (code) => code === '42703',
  mysql: (code) => code === 1054,
};
const DUPLICATE_KEY: Record<Dialect, unknown> = { sqlite: 'SQLITE_CONSTRAINT_UNIQUE', postgres: '23505', mysql: 1062 };

// A whole-number primary key as a session can hold it (Django writes str(pk)).
const INTEGER_ID = /^[0-9]{1,19}$/;

/**
 * Django's users in a SQL database: a {@link UserSource} for `createAuth`, and the password checks and
 * changes Django's `ModelBackend` and `User` make.
 */
export class DjangoUsers implements UserSource<DjangoUser> {
  readonly #database: UserDatabase;
  readonly #statements: UserStatements;
  readonly #options: ResolvedDjangoUsersOptions;
  readonly #verifyOptions: VerifyPasswordOptions;

  /** Use {@link djangoUsers}. */
  constructor(database: UserDatabase, options: ResolvedDjangoUsersOptions) {
    this.#statements = userStatements(dialectOf(database), options.table, options.columns);
    this.#database = database;
    this.#options = options;
    this.#verifyOptions = { iterations: options.iterations, argon2: options.argon2, bcrypt: options.bcrypt };
  }

  /** The user table, e.g. `auth_user`. */
  get table(): string {
    return this.#statements.tableName;
  }

  /** The database, for messages (never a password), e.g. `SQLite /srv/app/db.sqlite3`. */
  get database(): string {
    return this.#database.description;
  }

  /** The user table and its database, for messages, e.g. `auth_user in SQLite /srv/app/db.sqlite3`. */
  get description(): string {
    return `${this.table} in ${this.database}`;
  }

  /**
   * Django's `ModelBackend.get_user`: the user with this primary key (as the session holds it), or `null`.
   * Inactive users are returned too; `createAuth`'s `getUser` treats them as anonymous.
   */
  async getUser(id: string): Promise<DjangoUser | null> {
    if (typeof id !== 'string' || id === '' || id.length > 255) return null;
    if (this.#options.integerIds && !INTEGER_ID.test(id)) return null;
    const key = this.#options.integerIds && Number.isSafeInteger(Number(id)) ? Number(id) : id;
    const [row] = await this.#rows(this.#statements.byId, [key]);
    return row === undefined ? null : this.#user(row);
  }

  /**
   * Django's `get_by_natural_key`: the user whose `USERNAME_FIELD` equals `username` (as the database
   * compares: MySQL's usual collations ignore case), or `null`.
   */
  async getByUsername(username: string): Promise<DjangoUser | null> {
    // NUL cannot be in a username, and PostgreSQL refuses it in a query.
    if (typeof username !== 'string' || username.includes('\0')) return null;
    const rows = await this.#rows(this.#statements.byUsername, [username]);
    // Two rows: a case-folding collation matched two users; Django's get() would fail too.
    return rows.length === 1 ? this.#user(rows[0]!) : null;
  }

  /**
   * Django's `ModelBackend.authenticate(username, password)`: the user when the password is right and the
   * user is active, else `null`.
   *
   * - An unknown username costs one password hash, as a known one does (Django's defence against telling
   *   them apart by timing); a wrong password takes as long as a right one.
   * - A right password whose hash Django would upgrade (see `upgradePasswords`) is rehashed and saved: the
   *   returned user carries the new hash, and the user's other sessions end, as in Django.
   * - An inactive user is refused, after the password check (whose rehash still happens), as in Django.
   * - A `username` or `password` that is not a string is refused at once (Django's `None`).
   *
   * It does not log in: give the user to `login`, which records `last_login`.
   */
  async authenticate(username: string, password: string): Promise<DjangoUser | null> {
    if (typeof username !== 'string' || typeof password !== 'string') return null;
    const user = await this.getByUsername(username);
    if (user === null) {
      // Django's ModelBackend: "Run the default password hasher once" for a user that does not exist.
      await makePassword(password, { iterations: this.#options.iterations });
      return null;
    }
    const checked = await this.checkPassword(user, password);
    return checked?.isActive ? checked : null;
  }

  /**
   * Django's `user.check_password(password)`: `user` when the password is right (rehashed and saved first
   * when Django would, see `upgradePasswords`), `null` when it is wrong or the password is unusable.
   */
  async checkPassword(user: DjangoUser, password: string): Promise<DjangoUser | null> {
    if (!(await verifyPassword(password, user.passwordHash, this.#verifyOptions))) return null;
    if (this.#options.upgradePasswords && mustUpdatePassword(user.passwordHash, this.#options.iterations)) return this.setPassword(user, password);
    return user;
  }

  /**
   * Django's `set_password` and `save`: stores `makePassword(password)` (at `iterations`) as the user's hash;
   * `null` stores an unusable password. Every session of the user ends; pass the returned user to
   * `updateSessionAuthHash` to keep the current one.
   *
   * @returns The user with the new `passwordHash`.
   * @throws Error when no user has this id any more.
   */
  async setPassword(user: DjangoUser, password: string | null): Promise<DjangoUser> {
    const passwordHash = await makePassword(password, { iterations: this.#options.iterations });
    const changed = await this.#changes(this.#statements.setPassword, [passwordHash, user.id]);
    if (changed === 0) throw new Error(`no user has the id ${String(user.id)} in ${this.description}, so no password was saved`);
    return { ...user, passwordHash };
  }

  /**
   * Django's `UserManager.create_user` (`create_superuser` with `isStaff` and `isSuperuser`): the username
   * normalised (NFKC), the email's domain lower-cased, the password hashed, `date_joined` now.
   *
   * @throws UsernameTakenError when another user has the username.
   * @throws TypeError when `username` is empty or `password` neither a string nor `null`.
   */
  async createUser(fields: NewDjangoUser): Promise<DjangoUser> {
    if (typeof fields?.username !== 'string' || fields.username === '')
      throw new TypeError('createUser needs a username (Django: "The given username must be set").');
    if (fields.password !== null && typeof fields.password !== 'string')
      throw new TypeError('createUser needs `password`: a string, or null for an unusable password.');
    const username = normalizeUsername(fields.username);
    const dialect = this.#statements.dialect;
    const values: Record<string, unknown> = {
      password: await makePassword(fields.password, { iterations: this.#options.iterations }),
      lastLogin: null,
      isSuperuser: booleanValue(dialect, fields.isSuperuser ?? false),
      username,
      firstName: fields.firstName ?? '',
      lastName: fields.lastName ?? '',
      email: normalizeEmail(fields.email),
      isStaff: booleanValue(dialect, fields.isStaff ?? false),
      isActive: booleanValue(dialect, fields.isActive ?? true),
      dateJoined: this.#database.writeDate(new Date(this.#options.now())),
    };
    try {
      await this.#changes(
        this.#statements.insert,
        this.#statements.insertedFields.map((field) => values[field]),
      );
    } catch (error) {
      if (this.#database.errorCode(error) === DUPLICATE_KEY[dialect]) throw new UsernameTakenError(username, { cause: error });
      throw error;
    }
    const created = await this.getByUsername(username);
    if (created === null) throw new Error(`the user ${JSON.stringify(username)} was inserted into ${this.description} but cannot be read back`);
    return created;
  }

  /**
   * Django's `update_last_login`, which its `user_logged_in` signal runs: sets `last_login` to now.
   * `createAuth`'s `login` calls it; nothing happens for a model without `last_login`.
   */
  async userLoggedIn(user: DjangoUser): Promise<void> {
    const statement = this.#statements.setLastLogin;
    if (statement === null) return;
    await this.#changes(statement, [this.#database.writeDate(new Date(this.#options.now())), user.id]);
  }

  /** Whether the user table exists. */
  async tableExists(): Promise<boolean> {
    const ddl = djangoUserTableDdl(this.#statements);
    return (await this.#database.rows(ddl.exists, ddl.existsValues)).length > 0;
  }

  /**
   * Creates Django's `auth_user` table, exactly as Django 3.2's `migrate` leaves it, when it is missing;
   * resolves whether it did. Only for a database no Django project migrates: Django's own `migrate` would
   * then stop at a table that already exists.
   *
   * @throws SessionConfigError with custom `columns`: a custom user model's table is its migration's to make.
   */
  async migrate(): Promise<MigrateOutcome> {
    if (!isDjangoUserTable(this.#options.columns)) {
      throw new SessionConfigError(
        `djangoUsers: migrate() creates Django's own User table; create a custom user model's table with Django's "manage.py migrate".`,
      );
    }
    if (await this.tableExists()) return 'exists';
    for (const statement of djangoUserTableDdl(this.#statements).create) await this.#database.changes(statement, []);
    return 'created';
  }

  /** Closes the connection opened for `url`; a store's connection stays open (the store closes it). */
  close(): Promise<void> {
    return this.#database.close();
  }

  #user(row: Readonly<Record<string, unknown>>): DjangoUser {
    return userFromRow(row, this.#options.columns, this.#database);
  }

  async #rows(sql: string, values: readonly unknown[]): Promise<ReadonlyArray<Record<string, unknown>>> {
    try {
      return await this.#database.rows<Record<string, unknown>>(sql, values);
    } catch (error) {
      throw this.#explain(error);
    }
  }

  async #changes(sql: string, values: readonly unknown[]): Promise<number> {
    try {
      return await this.#database.changes(sql, values);
    } catch (error) {
      throw this.#explain(error);
    }
  }

  #explain(error: unknown): unknown {
    const dialect = this.#statements.dialect;
    const code = this.#database.errorCode(error);
    const message = error instanceof Error ? error.message : '';
    const table = this.#statements.tableName;
    if (MISSING_TABLE[dialect](code, message)) {
      return new UserTableError(
        `the table ${table} does not exist in ${this.#database.description}: create it with Django's "manage.py migrate" (or "sessionkit migrate --auth" on a database no Django project migrates), or give \`table\` the user model's table.`,
        { cause: error },
      );
    }
    if (MISSING_COLUMN[dialect](code, message)) {
      return new UserTableError(
        `the table ${table} in ${this.#database.description} lacks a column the user source uses (${message}): give \`columns\` the user model's column names.`,
        {
          cause: error,
        },
      );
    }
    return error;
  }
}

/**
 * Django's users as a user source: `auth_user` (or a custom user model's table) in the database of a SQL
 * session store, or of a `DATABASE_URL`.
 *
 * @example
 * ```ts
 * const store = postgresStore({ url: process.env.DATABASE_URL! });
 * const users = djangoUsers({ store, iterations: 260_000 }); // the Django project's PBKDF2 count
 * const auth = createAuth({ secret: process.env.SECRET_KEY!, users });
 * const user = await users.authenticate(username, password); // null: wrong password, unknown or inactive
 * if (user) await auth.login(req.session, user);             // also sets last_login
 * ```
 * @throws SessionConfigError when the options cannot work, saying what to fix.
 */
export function djangoUsers(options: DjangoUsersOptions): DjangoUsers {
  const source = requireOneSource(options);
  if (source === 'url' && typeof options.url !== 'string') {
    throw new SessionConfigError(
      "djangoUsers: `url` must be a database URL such as 'sqlite:///db.sqlite3' or 'postgres://user:password@127.0.0.1:5432/dbname'.",
    );
  }
  const resolved = resolveDjangoUsersOptions(options);
  const database = source === 'store' ? storeDatabase(options.store!) : openUserDatabase(options.url);
  return djangoUsersOn(database, resolved);
}

/** A user source on an opened database (closed again when the options do not fit it). */
export function djangoUsersOn(database: UserDatabase, options: ResolvedDjangoUsersOptions): DjangoUsers {
  try {
    return new DjangoUsers(database, options);
  } catch (error) {
    void database.close().catch(() => undefined);
    throw error;
  }
}
