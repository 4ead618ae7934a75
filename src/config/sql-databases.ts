/**
 * PostgreSQL and MySQL/MariaDB `DATABASE_URL`s, opened as the `db` engine's store. The stores read the
 * URL themselves (dj-database-url's forms and options); this file only opens them, describes the
 * database for start-up messages, and names `DATABASE_URL` in their configuration errors.
 *
 * A `DATABASE_URL` must name its user and its database. The drivers would otherwise fall back on the
 * process's user name (`PGUSER`, `USER`) and a database named after it, and the app would only find out
 * at its first request, from the server. (The stores themselves, given a URL in code, still let `pg`
 * take the user from the environment, as libpq does.)
 */
import { SessionConfigError } from '../errors.js';
import { type DatabaseUrlRules, parseDatabaseUrl } from '../stores/internal/database-url.js';
import { MYSQL_URL_RULES, mysqlSettingsFromUrl } from '../stores/internal/mysql-url.js';
import { POSTGRES_URL_RULES, postgresSettingsFromUrl } from '../stores/internal/postgres-url.js';
import { mysqlStore } from '../stores/mysql.js';
import { postgresStore } from '../stores/postgres.js';
import type { OpenedDatabaseStore } from './database-url.js';
import { openFor, shownVariable } from './variable-errors.js';

/** Opens a `postgres://` (`postgresql://`, `pgsql://`, `postgis://`) URL with `postgresStore`. */
export function openPostgres(url: string): OpenedDatabaseStore {
  return openFor(`${shownVariable('DATABASE_URL', url)} cannot be used`, () => {
    const { description } = postgresSettingsFromUrl(url);
    requireUser(url, POSTGRES_URL_RULES, 5432);
    return { store: postgresStore({ url }), description: `PostgreSQL ${description}` };
  });
}

/** Opens a `mysql://` (`mysql2://`, `mariadb://`, …) URL with `mysqlStore`. */
export function openMysql(url: string): OpenedDatabaseStore {
  return openFor(`${shownVariable('DATABASE_URL', url)} cannot be used`, () => {
    const { connection } = mysqlSettingsFromUrl(url);
    requireUser(url, MYSQL_URL_RULES, 3306);
    return { store: mysqlStore({ url }), description: `${mysqlProduct(url)} ${mysqlLocation(connection)}` };
  });
}

/** `MariaDB` for a `mariadb://` URL, `MySQL` for the others. */
export function mysqlProduct(url: string): string {
  return /^mariadb:/i.test(url) ? 'MariaDB' : 'MySQL';
}

/** `host:port/database` (or `socket/database`) of MySQL connection settings, for messages. */
export function mysqlLocation(connection: {
  socketPath?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  database?: string | undefined;
}): string {
  return `${connection.socketPath ?? `${connection.host}:${connection.port}`}/${connection.database}`;
}

/**
 * Checks that `url` names its user (the stores check that it names a database); the message shows the
 * URL's own host and database in the example.
 * @throws SessionConfigError
 */
export function requireUser(url: string, rules: DatabaseUrlRules, defaultPort: number): void {
  const parsed = parseDatabaseUrl(url, rules);
  if (parsed.user !== '') return;
  const host =
    parsed.host === ''
      ? '127.0.0.1'
      : parsed.host.startsWith('/')
        ? encodeURIComponent(parsed.host)
        : parsed.host.includes(':')
          ? `[${parsed.host}]`
          : parsed.host;
  const example = `${parsed.scheme}://USER@${host}:${parsed.port ?? defaultPort}/${encodeURIComponent(parsed.database)}`;
  throw new SessionConfigError(`the URL names no user; add one, e.g. ${example} (USER:PASSWORD@ when the server asks for a password).`);
}
