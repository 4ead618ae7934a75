/**
 * User sources for the auth tests: an in-memory table, and Django's `auth_user` table in a SQLite file
 * (read and written directly, as the app's own table would be).
 */
import Database from 'better-sqlite3';
import type { UserSource } from '../../src/auth/index.js';

/** A user as the tests' sources return it. */
export interface TestUser {
  readonly id: number;
  readonly username: string;
  readonly passwordHash: string;
  readonly isActive: boolean;
}

/** An in-memory user table; `lookups` counts getUser calls. */
export class MemoryUsers implements UserSource<TestUser> {
  readonly #users = new Map<string, TestUser>();
  lookups = 0;

  constructor(users: readonly TestUser[] = []) {
    for (const user of users) this.put(user);
  }

  /** Adds or replaces a user. */
  put(user: TestUser): TestUser {
    this.#users.set(String(user.id), user);
    return user;
  }

  /** Replaces fields of the user with this id. */
  change(id: number, fields: Partial<Omit<TestUser, 'id'>>): TestUser {
    return this.put({ ...this.#users.get(String(id))!, ...fields });
  }

  async getUser(id: string): Promise<TestUser | null> {
    this.lookups++;
    return this.#users.get(id) ?? null;
  }
}

interface AuthUserRow {
  id: number;
  username: string;
  password: string;
  is_active: number;
}

const toUser = (row: AuthUserRow | undefined): TestUser | null =>
  row === undefined ? null : { id: row.id, username: row.username, passwordHash: row.password, isActive: row.is_active !== 0 };

/** Django's `auth_user` table in a SQLite file. */
export class SqliteAuthUsers implements UserSource<TestUser> {
  readonly #db: Database.Database;

  constructor(file: string) {
    this.#db = new Database(file);
  }

  async getUser(id: string): Promise<TestUser | null> {
    if (!/^[1-9][0-9]*$/.test(id)) return null;
    return toUser(this.#db.prepare('SELECT id, username, password, is_active FROM auth_user WHERE id = ?').get(Number(id)) as AuthUserRow | undefined);
  }

  /** The user named `username`; throws when there is none. */
  byUsername(username: string): TestUser {
    const user = toUser(
      this.#db.prepare('SELECT id, username, password, is_active FROM auth_user WHERE username = ?').get(username) as AuthUserRow | undefined,
    );
    if (user === null) throw new Error(`no user ${username}`);
    return user;
  }

  /** Stores a new password hash for `username`, as a Node-side password change does. */
  setPasswordHash(username: string, passwordHash: string): TestUser {
    this.#db.prepare('UPDATE auth_user SET password = ? WHERE username = ?').run(passwordHash, username);
    return this.byUsername(username);
  }

  close(): void {
    this.#db.close();
  }
}
