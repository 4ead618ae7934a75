/**
 * Where the demo's users live: Django's `auth_user` table in the database `DATABASE_URL` names (Django's
 * default `sqlite:///db.sqlite3`), whatever the session engine. On the `db` engine the session store's
 * connection is used; otherwise the demo opens its own. A SQLite file or a table that does not exist yet is
 * not an error at start-up: the pages say how to create them, and the demo finds them once they are there.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { type DjangoUsers, djangoUsers, pbkdf2IterationsFromEnv } from '../../../src/auth/index.js';
import { DEFAULT_DATABASE_URL, sqlitePathFromUrl } from '../../../src/config/database-url.js';
import { type Env, readString } from '../../../src/config/values.js';
import type { SessionStore } from '../../../src/core/store-contract.js';
import type { SignedCookies } from '../../../src/stores/signed-cookies.js';
import { SqlStore } from '../../../src/stores/sql/store.js';

/** Django's users, or why there are none yet. */
export type UsersState = { readonly ok: true; readonly users: DjangoUsers } | { readonly ok: false; readonly reason: string };

/** The demo's user database. */
export interface DemoUserDatabase {
  /** Django's users once their table exists; otherwise what is missing, in a sentence. */
  ready(): Promise<UsersState>;
  /**
   * Forgets that the table was found: call it when a query says the table is gone (`UserTableError`), so
   * that the pages explain it again.
   */
  forget(): void;
  /** Closes the connection the demo opened; a session store's stays the store's to close. */
  close(): Promise<void>;
}

/** Options of {@link demoUserDatabase}, for programs that start the demo themselves (tests). */
export interface DemoUserOptions {
  /**
   * The PBKDF2 iteration count of new hashes; a password hashed with another count is rehashed at login,
   * as Django does (see `djangoUsers`).
   * @default `PBKDF2_ITERATIONS` of `env`, else 1_000_000 (Django 5.2's)
   */
  readonly iterations?: number;
}

/**
 * Users whose table is looked for until it is found, then trusted until {@link DemoUserDatabase.forget}.
 * `open` gives the users, or says what is missing for them. The reasons are shown to visitors, so they name
 * the setting, never the database's host or file.
 */
function checkedUsers(open: () => DjangoUsers | string): DemoUserDatabase {
  let users: DjangoUsers | undefined;
  let found = false;
  return {
    async ready() {
      if (users === undefined) {
        const opened = open();
        if (typeof opened === 'string') return { ok: false, reason: opened };
        users = opened;
      }
      found ||= await users.tableExists();
      return found ? { ok: true, users } : { ok: false, reason: `There is no ${users.table} table in the database DATABASE_URL names yet.` };
    },
    forget() {
      found = false;
    },
    close: async () => users?.close(),
  };
}

/**
 * The users of the database `DATABASE_URL` names in `env`. Give the session `store` the demo runs on: when
 * it is the `db` engine's SQL store (which reads `DATABASE_URL` too), the users are read through its
 * connection.
 *
 * @throws SessionConfigError for a `DATABASE_URL` that cannot be used.
 */
export function demoUserDatabase(
  env: Env,
  store: SessionStore | SignedCookies,
  { iterations = pbkdf2IterationsFromEnv(env) }: DemoUserOptions = {},
): DemoUserDatabase {
  const url = readString(env, 'DATABASE_URL') ?? DEFAULT_DATABASE_URL;
  const file = /^sqlite:/i.test(url) ? sqliteFile(url) : undefined;
  if (store instanceof SqlStore) {
    const users = djangoUsers({ store, iterations });
    return checkedUsers(() => users);
  }
  if (file === undefined) {
    // A pool that connects on its first query: nothing is reached yet.
    const users = djangoUsers({ url, iterations });
    return checkedUsers(() => users);
  }
  // The file is opened once it exists: `sessionkit migrate --auth` creates it.
  return checkedUsers(() =>
    file === ':memory:' || existsSync(file) ? djangoUsers({ url, iterations }) : 'There is no SQLite file at the path DATABASE_URL names yet.',
  );
}

/** The SQLite file a `sqlite:` URL names, absolute. */
function sqliteFile(url: string): string {
  const path = sqlitePathFromUrl(url);
  return path === ':memory:' || isAbsolute(path) ? path : resolve(path);
}

/** The users of a demo started without a user database. */
export function noUserDatabase(): DemoUserDatabase {
  const state: UsersState = { ok: false, reason: 'The demo was started without a user database (createDemoServer was given no `users`).' };
  return { ready: async () => state, forget: () => undefined, close: async () => undefined };
}
