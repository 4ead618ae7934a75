/**
 * Django's users for the demo's account tests: one SQLite database made once per test file — Django's
 * `auth_user` table made by `djangoUsers.migrate()`, users made by `djangoUsers.createUser` and one by the
 * real `sessionkit createsuperuser --noinput` — copied afresh for each demo, so that no test sees another's
 * logins, password changes or `last_login`.
 *
 * New hashes use a low PBKDF2 count ({@link FAST_ITERATIONS}), given to the demo too, so that a login costs
 * milliseconds; the count has nothing to do with what the routes do. The superuser's hash has another count,
 * {@link SUPERUSER_ITERATIONS}, standing for the 1,000,000 `npx sessionkit createsuperuser` writes by default:
 * the demo rehashes it at its first login.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect } from 'vitest';
import { type DjangoUsers, djangoUsers } from '../../src/auth/index.js';
import { removeCompiledCli, runCli } from '../cli/run-cli.js';
import { FAST_ITERATIONS, pbkdf2Env } from '../helpers/password-count.js';
import { TEST_SECRET } from '../helpers/secrets.js';

/**
 * The PBKDF2 count `sessionkit createsuperuser` hashes the superuser's password at (through `PBKDF2_ITERATIONS`):
 * another count than the demo's, as the command's default 1,000,000 is, so that the demo rehashes it at the
 * first login; low, so that the rehash costs milliseconds. (test/cli/auth-commands.test.ts checks the default.)
 */
export const SUPERUSER_ITERATIONS = 2 * FAST_ITERATIONS;

/** The users every copy holds, by username, with their passwords. */
export const PASSWORDS = {
  alice: 'alice-pw 😀',
  bob: 'bob-pw',
  /** Staff (`is_staff`), not a superuser. */
  staff: 'staff-pw',
  inactive: 'inactive-pw',
  /** Made by `sessionkit createsuperuser --noinput`, at {@link SUPERUSER_ITERATIONS}. */
  root: 'root-pw',
} as const;

/** The user whose password is unusable (`!…`). */
export const NO_PASSWORD_USER = 'nopassword';

/** A fresh copy of the users' database. */
export interface UsersCopy {
  /** The SQLite file. */
  readonly file: string;
  /** Its `DATABASE_URL`. */
  readonly url: string;
  /** Django's users in it, at {@link FAST_ITERATIONS} (closed after the file's tests). */
  users(): DjangoUsers;
}

/** What {@link usersDatabase} gives a test file. */
export interface UsersDatabase {
  /** A new copy of the users' database. */
  copy(): UsersCopy;
  /** A new SQLite file without any table. */
  empty(): string;
  /** A scratch directory, removed after the file's tests. */
  readonly scratch: string;
}

/** Makes the users' database before the file's tests; removes every copy after them. */
export function usersDatabase(): UsersDatabase {
  const scratch = mkdtempSync(join(tmpdir(), 'sessionkit-demo-accounts-'));
  const template = join(scratch, 'template.sqlite3');
  const opened: DjangoUsers[] = [];
  let copies = 0;
  beforeAll(async () => {
    new Database(template).close();
    const url = `sqlite:///${template}`;
    const users = djangoUsers({ url, iterations: FAST_ITERATIONS });
    try {
      await users.migrate();
      await users.createUser({ username: 'alice', password: PASSWORDS.alice, email: 'alice@example.com' });
      await users.createUser({ username: 'bob', password: PASSWORDS.bob });
      await users.createUser({ username: 'staff', password: PASSWORDS.staff, isStaff: true });
      await users.createUser({ username: 'inactive', password: PASSWORDS.inactive, isActive: false });
      await users.createUser({ username: NO_PASSWORD_USER, password: null });
    } finally {
      await users.close();
    }
    const made = await runCli(['createsuperuser', '--noinput', '--username', 'root', '--email', 'root@example.com'], {
      DATABASE_URL: url,
      SECRET_KEY: TEST_SECRET,
      DJANGO_SUPERUSER_PASSWORD: PASSWORDS.root,
      ...pbkdf2Env(SUPERUSER_ITERATIONS),
    });
    expect(made).toMatchObject({ status: 0, stdout: 'Superuser created successfully.\n', stderr: '' });
  });
  afterAll(async () => {
    await Promise.all(opened.map((users) => users.close()));
    rmSync(scratch, { recursive: true, force: true });
    removeCompiledCli();
  });
  return {
    scratch,
    copy() {
      const file = join(scratch, `users-${++copies}.sqlite3`);
      copyFileSync(template, file);
      const url = `sqlite:///${file}`;
      return {
        file,
        url,
        users() {
          const users = djangoUsers({ url, iterations: FAST_ITERATIONS });
          opened.push(users);
          return users;
        },
      };
    },
    empty() {
      const file = join(scratch, `empty-${++copies}.sqlite3`);
      new Database(file).close();
      return file;
    },
  };
}
