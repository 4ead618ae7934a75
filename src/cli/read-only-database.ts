/**
 * The database `DATABASE_URL` names, opened for commands that only read (`list`, `show`): unlike the
 * app's opening, it creates neither the SQLite file nor the session table. A database without them has
 * no sessions to read, and the command says so instead of leaving an empty file or table behind.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { DATABASE_BACKENDS, DEFAULT_DATABASE_URL, type OpenedDatabaseStore, openDatabaseUrl, sqlitePathFromUrl } from '../config/database-url.js';
import { openMysql, openPostgres } from '../config/sql-databases.js';
import type { SessionStore } from '../core/store-contract.js';
import { SessionConfigError } from '../errors.js';
import { mysqlStore } from '../stores/mysql.js';
import { postgresStore } from '../stores/postgres.js';
import { sqliteStore } from '../stores/sqlite.js';
import { CommandFailure, CREATE_TABLE_FIX } from './failures.js';

// The server stores that would create their table on first use, and how to make one that does not.
const WITHOUT_TABLE_CREATION = new Map<unknown, (url: string) => SessionStore>([
  [openPostgres, (url) => postgresStore({ url, createTable: false })],
  [openMysql, (url) => mysqlStore({ url, createTable: false })],
]);

/** Opens the database `url` names (Django's default SQLite file when unset) without creating anything. */
export function openDatabaseToRead(url: string = DEFAULT_DATABASE_URL): OpenedDatabaseStore {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'sqlite') return openSqliteToRead(url);
  const opener = scheme !== undefined && Object.hasOwn(DATABASE_BACKENDS, scheme) ? DATABASE_BACKENDS[scheme] : undefined;
  const withoutCreation = WITHOUT_TABLE_CREATION.get(opener);
  // An unknown scheme: the app's opening explains what is supported.
  if (opener === undefined || withoutCreation === undefined) return openDatabaseUrl(url);
  // The app's opening checks the URL and describes it; its store is dropped unused (stores connect on first use).
  const opened = opener(url);
  void opened.store.close?.().catch(() => undefined);
  return { store: withoutCreation(url), description: opened.description };
}

function openSqliteToRead(url: string): OpenedDatabaseStore {
  const path = sqlitePathFromUrl(url);
  if (path === ':memory:') {
    throw new CommandFailure(`DATABASE_URL=${url} is an in-memory SQLite database, which lives inside each app process: there are no sessions here to read.`);
  }
  const file = isAbsolute(path) ? path : resolve(path);
  if (!existsSync(file)) {
    throw new CommandFailure(
      `the SQLite database ${file} does not exist, so it holds no sessions (nothing was created). Point DATABASE_URL to the app's database (sqlite:///name is relative to the working directory), or create it: ${CREATE_TABLE_FIX}.`,
    );
  }
  try {
    return { store: sqliteStore({ path, createTable: false }), description: `SQLite ${file}` };
  } catch (error) {
    // Without `createTable` the store refuses a database that lacks the table, in words meant for code.
    if (!(error instanceof SessionConfigError) || !/\bno such table\b/.test(error.message)) throw error;
    throw new CommandFailure(`the SQLite database ${file} has no session table, so it holds no sessions (nothing was created): ${CREATE_TABLE_FIX}.`);
  }
}
