/**
 * PostgreSQL and MySQL/MariaDB `DATABASE_URL`s, opened as the `db` engine's store. The stores read the
 * URL themselves (dj-database-url's forms and options); this file only opens them, describes the
 * database for start-up messages, and names `DATABASE_URL` in their configuration errors.
 */
import { mysqlStore } from '../stores/mysql.js';
import { mysqlSettingsFromUrl } from '../stores/internal/mysql-url.js';
import { postgresSettingsFromUrl } from '../stores/internal/postgres-url.js';
import { postgresStore } from '../stores/postgres.js';
import type { OpenedDatabaseStore } from './database-url.js';
import { openFor, shownVariable } from './variable-errors.js';

/** Opens a `postgres://` (`postgresql://`, `pgsql://`, `postgis://`) URL with `postgresStore`. */
export function openPostgres(url: string): OpenedDatabaseStore {
  return openFor(`${shownVariable('DATABASE_URL', url)} cannot be used`, () => {
    const { description } = postgresSettingsFromUrl(url);
    return { store: postgresStore({ url }), description: `PostgreSQL ${description}` };
  });
}

/** Opens a `mysql://` (`mysql2://`, `mariadb://`, …) URL with `mysqlStore`. */
export function openMysql(url: string): OpenedDatabaseStore {
  const product = /^mariadb:/i.test(url) ? 'MariaDB' : 'MySQL';
  return openFor(`${shownVariable('DATABASE_URL', url)} cannot be used`, () => {
    const { connection } = mysqlSettingsFromUrl(url);
    const where = connection.socketPath ?? `${connection.host}:${connection.port}`;
    return { store: mysqlStore({ url }), description: `${product} ${where}/${connection.database}` };
  });
}
