/**
 * A `postgres://` URL (dj-database-url form) turned into `pg` connection settings, with libpq's URL
 * options that matter for a session store: `sslmode`, `sslrootcert`, `sslcert`, `sslkey`,
 * `application_name`, `options`, `currentSchema` (dj-database-url's shorthand for a search path) and
 * `connect_timeout` (seconds).
 */
import type { ConnectionOptions } from 'node:tls';
import type { ClientConfig } from 'pg';
import { SessionConfigError } from '../../errors.js';
import type { DatabaseUrl, DatabaseUrlRules } from './database-url.js';
import { fileOption, integerOption, parseStoreUrl } from './database-url.js';

const STORE = 'postgresStore';
const KNOWN_OPTIONS = ['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'application_name', 'options', 'currentSchema', 'connect_timeout'];

/** The URL forms the store reads, and the example its messages show. */
export const POSTGRES_URL_RULES: DatabaseUrlRules = {
  storeName: STORE,
  schemes: ['postgres', 'postgresql', 'pgsql', 'postgis'],
  example: 'postgres://user:password@127.0.0.1:5432/dbname',
};

/** Connection settings read from a PostgreSQL URL. */
export interface PostgresUrlSettings {
  /** Host, port, credentials, database, TLS and session options for `pg`. */
  readonly connection: ClientConfig;
  /** The URL's `connect_timeout`, converted to milliseconds. */
  readonly connectTimeoutMs: number | undefined;
  /** `host:port/database`, for messages (never the password). */
  readonly description: string;
}

/**
 * Reads `url`.
 * @throws SessionConfigError when the URL names no database, or it or one of its options is unusable.
 */
export function postgresSettingsFromUrl(url: string): PostgresUrlSettings {
  const parsed = parseStoreUrl(url, POSTGRES_URL_RULES, KNOWN_OPTIONS);
  const sessionOptions = [parsed.options.get('options'), searchPath(parsed.options.get('currentSchema'))].filter(Boolean).join(' ');
  const connectTimeout = integerOption(parsed, 'connect_timeout', STORE);
  const connection: ClientConfig = {
    host: parsed.host || undefined,
    port: parsed.port,
    user: parsed.user || undefined,
    password: parsed.password || undefined,
    database: parsed.database,
    ssl: tlsSettings(parsed),
    application_name: parsed.options.get('application_name'),
    options: sessionOptions || undefined,
  };
  return {
    connection,
    // libpq treats 0 as "wait forever"; we keep our bounded default instead.
    connectTimeoutMs: connectTimeout ? connectTimeout * 1000 : undefined,
    description: `${parsed.host || 'localhost'}:${parsed.port ?? 5432}/${parsed.database}`,
  };
}

function searchPath(schema: string | undefined): string | undefined {
  return schema === undefined ? undefined : `-c search_path=${schema}`;
}

/** libpq's `sslmode` as Node TLS settings. */
function tlsSettings(url: DatabaseUrl): ConnectionOptions | false {
  const mode = url.options.get('sslmode') ?? 'prefer';
  const ca = fileOption(url, 'sslrootcert', STORE);
  const cert = fileOption(url, 'sslcert', STORE);
  const key = fileOption(url, 'sslkey', STORE);
  const files = { ...(ca && { ca }), ...(cert && { cert }), ...(key && { key }) };
  switch (mode) {
    // pg cannot fall back from TLS to plain text, so the modes that allow plain text connect without it.
    case 'disable':
    case 'allow':
    case 'prefer':
      return false;
    // As libpq: `require` verifies the server only when a root certificate is given.
    case 'require':
      return { ...files, rejectUnauthorized: ca !== undefined, ...(ca && { checkServerIdentity: () => undefined }) };
    case 'verify-ca':
      return { ...files, rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { ...files, rejectUnauthorized: true };
    default:
      throw new SessionConfigError(`${STORE}: sslmode "${mode}" is unknown (use disable, allow, prefer, require, verify-ca or verify-full).`);
  }
}
