/**
 * The database the user source reads: the connection of a SQL session store, or one opened from a
 * `DATABASE_URL`.
 * @module
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { DEFAULT_DATABASE_URL, openDatabaseUrl, sqlitePathFromUrl } from '../../config/database-url.js';
import { SessionConfigError } from '../../errors.js';
import { type SqlDatabase, SqlStore } from '../../stores/sql/store.js';
import { SqliteUserDatabase } from './sqlite-user-database.js';

/** A SQL database with what the user source needs besides running statements. */
export interface UserDatabase extends SqlDatabase {
  /** The database for messages (never a password), e.g. `SQLite /srv/app/db.sqlite3`. */
  readonly description: string;
  /** Closes what was opened for the user source; a session store's connection stays open. */
  close(): Promise<void>;
}

/** The connection of `store`, left open on `close()` (the store closes it). */
export function storeDatabase(store: SqlStore): UserDatabase {
  if (!(store instanceof SqlStore)) {
    throw new SessionConfigError(
      'djangoUsers: `store` must be a SQL session store (sqliteStore, postgresStore or mysqlStore) on the database that holds the users; for another engine give `url` (DATABASE_URL) instead.',
    );
  }
  return { ...store.database, description: `the database of the ${store.name} session store`, close: async () => {} };
}

/** Options of {@link openUserDatabase}. */
export interface OpenUserDatabaseOptions {
  /**
   * Create a SQLite file that does not exist (for creating the table); otherwise a missing file is an error.
   * @default false
   */
  readonly create?: boolean | undefined;
}

/**
 * Opens the database `url` names (Django's default `sqlite:///db.sqlite3` when undefined), in dj-database-url's
 * forms: `sqlite:`, `postgres:`, `mysql:` and their aliases. PostgreSQL and MySQL get a pool of their own
 * (that of a session store on the URL, which creates nothing until a session is stored); SQLite a connection.
 *
 * @throws SessionConfigError for a URL that cannot be used, and for a SQLite file that does not exist
 *   (unless `create`).
 */
export function openUserDatabase(url: string = DEFAULT_DATABASE_URL, { create = false }: OpenUserDatabaseOptions = {}): UserDatabase {
  if (/^sqlite:/i.test(url)) {
    const path = sqlitePathFromUrl(url);
    const file = path === ':memory:' || isAbsolute(path) ? path : resolve(path);
    if (!create && file !== ':memory:' && !existsSync(file)) {
      throw new SessionConfigError(
        `the SQLite database ${file} does not exist, so it holds no users. Point DATABASE_URL to the database of the Django project (sqlite:///name is relative to the working directory), or create the auth_user table with Django's "manage.py migrate" (or "sessionkit migrate --auth").`,
      );
    }
    return new SqliteUserDatabase(file, `SQLite ${file}`);
  }
  const { store, description } = openDatabaseUrl(url);
  // openDatabaseUrl opens a SQL store for every scheme but sqlite's.
  const sqlStore = store as SqlStore;
  return { ...sqlStore.database, description, close: () => sqlStore.close() };
}
