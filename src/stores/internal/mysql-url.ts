/**
 * A `mysql://` URL (dj-database-url form; `mariadb://` for MariaDB, which speaks MySQL's protocol) turned
 * into `mysql2` connection settings, with the options a Django project's URL may carry: `ssl-ca` (a CA file, which dj-database-url turns into `ssl.ca`),
 * `ssl_mode` (mysqlclient's), `charset` and `connect_timeout` (seconds). As Django does, a host that is a
 * path is a Unix socket.
 */
import type { ConnectionOptions } from 'mysql2';
import { SessionConfigError } from '../../errors.js';
import type { DatabaseUrl, DatabaseUrlRules } from './database-url.js';
import { fileOption, integerOption, parseStoreUrl } from './database-url.js';

const STORE = 'mysqlStore';
const KNOWN_OPTIONS = ['ssl-ca', 'ssl_mode', 'charset', 'connect_timeout'];

/** The URL forms the store reads, and the example its messages show. */
export const MYSQL_URL_RULES: DatabaseUrlRules = {
  storeName: STORE,
  schemes: ['mysql', 'mysql2', 'mysqlgis', 'mysql-connector', 'mariadb'],
  example: 'mysql://user:password@127.0.0.1:3306/dbname',
};

/** Connection settings read from a MySQL URL. */
export interface MysqlUrlSettings {
  /** Host or socket, port, credentials, database, TLS and charset for `mysql2`. */
  readonly connection: ConnectionOptions;
  /** The URL's `connect_timeout`, converted to milliseconds. */
  readonly connectTimeoutMs: number | undefined;
}

/**
 * Reads `url`.
 * @throws SessionConfigError when the URL or one of its options is unusable.
 */
export function mysqlSettingsFromUrl(url: string): MysqlUrlSettings {
  const parsed = parseStoreUrl(url, MYSQL_URL_RULES, KNOWN_OPTIONS);
  const socket = parsed.host.startsWith('/');
  const connectTimeout = integerOption(parsed, 'connect_timeout', STORE);
  const charset = parsed.options.get('charset');
  const connection: ConnectionOptions = {
    ...(socket ? { socketPath: parsed.host } : { host: parsed.host || 'localhost', port: parsed.port ?? 3306 }),
    ...(parsed.user && { user: parsed.user }),
    ...(parsed.password && { password: parsed.password }),
    database: parsed.database,
    ...(charset !== undefined && { charset }),
    ...tlsSettings(parsed),
  };
  return { connection, connectTimeoutMs: connectTimeout ? connectTimeout * 1000 : undefined };
}

/** `ssl_mode` and `ssl-ca` as mysql2's `ssl` setting (none: plain text). */
function tlsSettings(url: DatabaseUrl): { ssl?: { ca?: string; rejectUnauthorized: boolean } } {
  const ca = fileOption(url, 'ssl-ca', STORE);
  // A CA file alone means "verify the server with it", as mysqlclient treats it.
  const mode = (url.options.get('ssl_mode') ?? (ca === undefined ? 'PREFERRED' : 'VERIFY_CA')).toUpperCase();
  switch (mode) {
    // mysql2 cannot fall back from TLS to plain text, so PREFERRED connects without it.
    case 'DISABLED':
    case 'PREFERRED':
      return {};
    case 'REQUIRED':
      return { ssl: { ...(ca && { ca }), rejectUnauthorized: ca !== undefined } };
    case 'VERIFY_CA':
    case 'VERIFY_IDENTITY':
      return { ssl: { ...(ca && { ca }), rejectUnauthorized: true } };
    default:
      throw new SessionConfigError(`${STORE}: ssl_mode "${mode}" is unknown (use DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY).`);
  }
}
