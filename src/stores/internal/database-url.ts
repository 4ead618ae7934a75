/**
 * Database URLs in the form Django projects configure with dj-database-url
 * (`postgres://user:password@host:5432/name?sslmode=require`), so one `DATABASE_URL` serves the Django
 * app and the Node app alike.
 *
 * As dj-database-url does: user, password, host and name are percent-decoded; a host that decodes to a
 * path (`%2Fvar%2Frun%2Fpostgresql`) names a Unix socket; query parameters become driver options, with
 * empty values dropped.
 */
import { readFileSync } from 'node:fs';
import { SessionConfigError } from '../../errors.js';

/** The parts of a database URL. */
export interface DatabaseUrl {
  /** The scheme without `://`, e.g. `postgresql`. */
  readonly scheme: string;
  /** Host name, IP address (IPv6 without brackets), a socket path, or `''` for the driver's default. */
  readonly host: string;
  /** Port, when the URL gives one. */
  readonly port: number | undefined;
  readonly user: string;
  readonly password: string;
  /** Database name, `''` when the URL has none. */
  readonly database: string;
  /** Query parameters (Django's `OPTIONS`), percent-decoded. */
  readonly options: ReadonlyMap<string, string>;
}

/** What a store accepts, for parsing and for the error messages. */
export interface DatabaseUrlRules {
  /** The store's factory, named in error messages, e.g. `postgresStore`. */
  readonly storeName: string;
  /** Accepted schemes, the first being the one suggested. */
  readonly schemes: readonly string[];
  /** An example URL shown when the given one is unusable. */
  readonly example: string;
}

/**
 * Parses `url`, throwing {@link SessionConfigError} when it is not a usable URL for the store. The
 * message never repeats the password.
 */
export function parseDatabaseUrl(url: string, rules: DatabaseUrlRules): DatabaseUrl {
  const fail = (problem: string): never => {
    throw new SessionConfigError(`${rules.storeName}: ${problem}. Expected a URL such as ${rules.example}.`);
  };
  if (typeof url !== 'string' || url.trim() === '') fail('the `url` option is empty');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not echoed: an unparsable URL may well contain an unescaped password.
    return fail('the `url` option is not a valid URL (percent-encode special characters such as @ : / # in the password)');
  }
  const scheme = parsed.protocol.replace(/:$/, '').toLowerCase();
  if (!rules.schemes.includes(scheme)) {
    fail(`URL scheme "${scheme}://" is not supported (use one of ${rules.schemes.map((s) => `${s}://`).join(', ')})`);
  }
  if (parsed.hash !== '') fail('the URL has a #fragment; percent-encode "#" in the password as %23');
  const decode = (part: string, what: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      return fail(`the ${what} in the URL has a malformed %-escape`);
    }
  };
  const host = decode(parsed.hostname.replace(/^\[(.*)\]$/, '$1'), 'host');
  return {
    scheme,
    // Host names are case-insensitive (dj-database-url lower-cases them); socket paths are not.
    host: host.startsWith('/') ? host : host.toLowerCase(),
    port: parsed.port === '' ? undefined : Number(parsed.port),
    user: decode(parsed.username, 'user name'),
    password: decode(parsed.password, 'password'),
    database: decode(parsed.pathname.replace(/^\//, ''), 'database name'),
    options: queryOptions(parsed.searchParams, fail),
  };
}

function queryOptions(params: URLSearchParams, fail: (problem: string) => never): ReadonlyMap<string, string> {
  const options = new Map<string, string>();
  for (const [name, value] of params) {
    if (value === '') continue;
    if (options.has(name)) fail(`the URL option "${name}" is given twice`);
    options.set(name, value);
  }
  return options;
}

/**
 * Checks that every URL option is one the store understands, so a typo is reported instead of ignored.
 */
export function rejectUnknownOptions(url: DatabaseUrl, known: readonly string[], storeName: string): void {
  for (const name of url.options.keys()) {
    if (!known.includes(name)) {
      throw new SessionConfigError(
        `${storeName}: the URL option "${name}" is not supported (supported: ${known.join(', ')}). ` +
          'For other driver settings, create the pool yourself and pass it as the `pool` option.',
      );
    }
  }
}

/** A whole-number URL option, or `undefined` when absent. */
export function integerOption(url: DatabaseUrl, name: string, storeName: string): number | undefined {
  const raw = url.options.get(name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new SessionConfigError(`${storeName}: the URL option "${name}" must be a whole number, not "${raw}".`);
  return Number(raw);
}

/** The contents of the file named by a URL option (a certificate), or `undefined` when absent. */
export function fileOption(url: DatabaseUrl, name: string, storeName: string): string | undefined {
  const path = url.options.get(name);
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SessionConfigError(`${storeName}: cannot read the ${name} file "${path}" given in the URL (${reason}).`);
  }
}

/**
 * Parses the URL of a server store: as {@link parseDatabaseUrl}, refusing options not in `known` and a
 * URL that names no database (drivers would quietly connect to another one, e.g. PostgreSQL's database
 * named after the user).
 * @throws SessionConfigError naming the store, with an example of a URL it takes.
 */
export function parseStoreUrl(url: string, rules: DatabaseUrlRules, known: readonly string[]): DatabaseUrl {
  const parsed = parseDatabaseUrl(url, rules);
  rejectUnknownOptions(parsed, known, rules.storeName);
  if (parsed.database === '') {
    throw new SessionConfigError(`${rules.storeName}: the URL names no database; add it as the path, e.g. ${rules.example}.`);
  }
  return parsed;
}
