/**
 * Opening the SQLite database of the sqlite store, turning every way it can be misconfigured (driver not
 * installed, a directory that does not exist or cannot be written, a file that is not a database) into a
 * `SessionConfigError` that says what to do, at construction rather than at the first request.
 */
import { accessSync, constants, type Stats, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { SessionConfigError } from '../../errors.js';
import { loadOptionalDriver } from '../internal/optional-driver.js';

/** A better-sqlite3 connection. */
export type SqliteDatabase = BetterSqlite3.Database;

/** An open connection and whether the store owns (and so closes) it. */
export interface OpenedDatabase {
  readonly db: SqliteDatabase;
  /** The store opened it from a path and closes it on `close()`. */
  readonly owned: boolean;
}

/** How to open: a path, or a connection the caller owns. */
export interface OpenRequest {
  readonly path?: string | undefined;
  readonly database?: SqliteDatabase | undefined;
  readonly busyTimeoutMs: number;
  readonly synchronous: 'NORMAL' | 'FULL';
}

const MEMORY = ':memory:';

/** Opens (or adopts) the database; throws {@link SessionConfigError} when it cannot work. */
export function openDatabase(request: OpenRequest): OpenedDatabase {
  const { path, database } = request;
  if (database !== undefined && path !== undefined) {
    throw new SessionConfigError('sqliteStore: pass either `path` or `database`, not both.');
  }
  if (database !== undefined) return { db: adopt(database), owned: false };
  if (typeof path !== 'string' || path.length === 0) {
    throw new SessionConfigError(
      "sqliteStore: the `path` option is missing. Pass the database file, e.g. sqliteStore({ path: 'db.sqlite3' }) (Django's DATABASES NAME), ':memory:' for a private in-memory database, or `database` with an open better-sqlite3 connection.",
    );
  }
  if (path !== MEMORY) checkFileLocation(path);
  const Database = loadOptionalDriver<DatabaseConstructor>('better-sqlite3', 'sqliteStore');
  let db: SqliteDatabase;
  try {
    db = new Database(path, { timeout: request.busyTimeoutMs });
  } catch (error) {
    throw new SessionConfigError(`sqliteStore: cannot open the SQLite database "${path}": ${reason(error)}. Check the path and its permissions.`);
  }
  try {
    if (path !== MEMORY) {
      // WAL: readers (Django's processes and ours) no longer wait for a writer and a writer no longer waits
      // for readers, and a commit appends to the log instead of rewriting a rollback journal, which keeps
      // the synchronous driver's time inside SQLite short. The mode is stored in the file and Django's
      // sqlite3 backend works with it unchanged. It needs every process on the same host (no network file
      // systems), which sharing a SQLite file needs anyway.
      db.pragma('journal_mode = WAL');
      // In WAL mode NORMAL stays consistent after any crash; only a power loss can drop the last commits.
      db.pragma(`synchronous = ${request.synchronous}`);
    }
    // Reading the schema fails here, not at the first request, when the file is not a database.
    db.prepare('SELECT count(*) FROM sqlite_master').pluck().get();
  } catch (error) {
    db.close();
    throw new SessionConfigError(
      `sqliteStore: "${path}" cannot be used as a SQLite database: ${reason(error)}. Point \`path\` to a SQLite file (or a new file name).`,
    );
  }
  return { db, owned: true };
}

function adopt(database: SqliteDatabase): SqliteDatabase {
  if (database === null || typeof database !== 'object' || typeof (database as { prepare?: unknown }).prepare !== 'function') {
    throw new SessionConfigError("sqliteStore: `database` must be a better-sqlite3 Database, e.g. new Database('db.sqlite3').");
  }
  if (!database.open) {
    throw new SessionConfigError('sqliteStore: the `database` connection is closed. Pass an open better-sqlite3 Database.');
  }
  if (database.readonly) {
    throw new SessionConfigError('sqliteStore: the `database` connection is read-only; sessions must be written. Open it without `readonly: true`.');
  }
  return database;
}

// SQLite reports a missing directory only as "unable to open database file", and a read-only location
// only at the first write; checking first gives a message that names the fix.
function checkFileLocation(path: string): void {
  const file = resolve(path);
  const directory = dirname(file);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(directory).isDirectory();
  } catch {
    throw new SessionConfigError(
      `sqliteStore: the directory "${directory}" of the database path "${path}" does not exist. Create it (mkdir -p "${directory}") or point \`path\` to a file in an existing directory.`,
    );
  }
  if (!isDirectory) {
    throw new SessionConfigError(
      `sqliteStore: "${directory}" in the database path "${path}" is not a directory. Point \`path\` to a file in an existing directory.`,
    );
  }
  try {
    accessSync(directory, constants.W_OK);
  } catch {
    throw new SessionConfigError(
      `sqliteStore: the directory "${directory}" is not writable by this process; SQLite must create its journal files there. Make it writable or choose another directory for \`path\`.`,
    );
  }
  let fileStats: Stats;
  try {
    fileStats = statSync(file);
  } catch {
    return; // A new database file: SQLite creates it.
  }
  if (fileStats.isDirectory()) {
    throw new SessionConfigError(`sqliteStore: the database path "${path}" is a directory. Point \`path\` to a file, e.g. "${path}/db.sqlite3".`);
  }
  try {
    accessSync(file, constants.R_OK | constants.W_OK);
  } catch {
    throw new SessionConfigError(
      `sqliteStore: the database file "${file}" is not readable and writable by this process. Fix its permissions or choose another file for \`path\`.`,
    );
  }
}

type DatabaseConstructor = new (path: string, options?: BetterSqlite3.Options) => SqliteDatabase;

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
