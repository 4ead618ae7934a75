/**
 * `DATABASE_URL`, in dj-database-url's forms, opened as the store of the `db` engine.
 *
 * To add a database, write its opener and register its schemes in {@link DATABASE_BACKENDS}.
 */
import { isAbsolute, resolve } from 'node:path';
import type { SessionStore } from '../core/store-contract.js';
import { SessionConfigError } from '../errors.js';
import { sqliteStore } from '../stores/sqlite.js';
import { openMysql, openPostgres } from './sql-databases.js';
import { redactUrl } from './variable-errors.js';

/** What a database URL opened to. */
export interface OpenedDatabaseStore {
  readonly store: SessionStore;
  /** For start-up messages, e.g. `SQLite /srv/app/db.sqlite3`. No password. */
  readonly description: string;
}

/** Opens the store for one URL of a scheme it was registered for. */
export type DatabaseOpener = (url: string) => OpenedDatabaseStore;

/** Django's default database, as dj-database-url writes it: `db.sqlite3` in the working directory. */
export const DEFAULT_DATABASE_URL = 'sqlite:///db.sqlite3';

/**
 * The path of the SQLite file a `sqlite:` URL names, as dj-database-url reads it:
 * `sqlite:///relative.sqlite3` (three slashes: relative to the working directory),
 * `sqlite:////absolute/path.sqlite3` (four: absolute), `sqlite://:memory:` or `sqlite://` (in memory).
 * Percent-escapes are decoded; a query string (dj-database-url's OPTIONS) is ignored.
 */
export function sqlitePathFromUrl(url: string): string {
  const match = /^sqlite:\/\/([^/?#]*)(\/[^?#]*)?(?:[?#].*)?$/i.exec(url);
  if (!match)
    throw new SessionConfigError(
      `DATABASE_URL ${JSON.stringify(url)} is not a sqlite URL; write sqlite:///db.sqlite3 (relative) or sqlite:////absolute/path/db.sqlite3.`,
    );
  const [, host = '', rest = ''] = match;
  if (host === ':memory:' && rest === '') return ':memory:';
  if (host !== '') {
    // dj-database-url would silently ignore the host and open an in-memory database.
    throw new SessionConfigError(
      `DATABASE_URL ${JSON.stringify(url)} puts "${host}" where a host goes. A SQLite URL has no host: write sqlite:///${host}${rest} for a file relative to the working directory, or sqlite:////absolute/path.sqlite3.`,
    );
  }
  const path = safeDecode(url, rest.slice(1));
  return path === '' ? ':memory:' : path;
}

function safeDecode(url: string, text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new SessionConfigError(`DATABASE_URL ${JSON.stringify(url)} has a malformed %-escape in its path.`);
  }
}

function openSqlite(url: string): OpenedDatabaseStore {
  const path = sqlitePathFromUrl(url);
  const shown = path === ':memory:' || isAbsolute(path) ? path : resolve(path);
  try {
    return { store: sqliteStore({ path }), description: `SQLite ${shown}` };
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^sessionkit: /, '') : String(error);
    throw new SessionConfigError(`DATABASE_URL=${url} cannot be used: ${reason}`);
  }
}

/** The databases the `db` engine can use, by URL scheme (dj-database-url's names). */
export const DATABASE_BACKENDS: Readonly<Record<string, DatabaseOpener>> = {
  sqlite: openSqlite,
  postgres: openPostgres,
  postgresql: openPostgres,
  pgsql: openPostgres,
  postgis: openPostgres,
  mysql: openMysql,
  mysql2: openMysql,
  mysqlgis: openMysql,
  'mysql-connector': openMysql,
  mariadb: openMysql,
};

/** Opens the store a `DATABASE_URL` names; throws a `SessionConfigError` naming the supported schemes. */
export function openDatabaseUrl(url: string = DEFAULT_DATABASE_URL): OpenedDatabaseStore {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  const opener = scheme === undefined || !Object.hasOwn(DATABASE_BACKENDS, scheme) ? undefined : DATABASE_BACKENDS[scheme];
  if (!opener) {
    const known = Object.keys(DATABASE_BACKENDS)
      .map((s) => `${s}://`)
      .join(', ');
    const what = scheme === undefined ? 'has no scheme' : `uses "${scheme}://", which the db engine does not support yet`;
    throw new SessionConfigError(`DATABASE_URL ${JSON.stringify(redactUrl(url))} ${what}. Supported: ${known} (e.g. ${DEFAULT_DATABASE_URL}).`);
  }
  return opener(url);
}
