/**
 * Everything `sessionkit check` verifies, in order: the settings (secrets, values, cookie protections),
 * then the store the settings select — read-only: no database file, table or directory is created.
 */

import { SESSIONKIT_CACHED_DB_PREFIX } from '../../config/cache-engines.js';
import { cacheKeysFromEnv, DEFAULT_CACHE_URL, openCacheUrl } from '../../config/cache-url.js';
import { DEFAULT_DATABASE_URL, openDatabaseUrl, sqlitePathFromUrl } from '../../config/database-url.js';
import { openFileEngine } from '../../config/file-engine.js';
import { type Env, readCookieAge, readString } from '../../config/values.js';
import { configErrorReason } from '../../config/variable-errors.js';
import { type StoreOption, serverStore } from '../../core/engine.js';
import { SessionConfigError } from '../../errors.js';
import { DEFAULTS } from '../../options.js';
import { CACHE_ENGINE_PREFIX } from '../../stores/internal/cache-keys.js';
import { MYSQL_URL_RULES } from '../../stores/internal/mysql-url.js';
import { POSTGRES_URL_RULES } from '../../stores/internal/postgres-url.js';
import { reasonOf } from '../failures.js';
import { checkCacheRoundTrip, checkMemcachedServers, checkRedisServer } from './caches.js';
import { directoryProblems } from './file-directory.js';
import { checkMysql } from './mysql.js';
import { checkPostgres } from './postgres.js';
import { CHECK_IDS, type Problem, type StoreCheck } from './problem.js';
import { badSetting, type CheckSettingsOptions, checkSettings } from './settings.js';
import { checkSqlite } from './sqlite.js';

/** What `sessionkit check` found. */
export interface CheckReport {
  readonly problems: readonly Problem[];
  /** The stores checked, as messages name them. */
  readonly checked: readonly string[];
  /** What could not be judged, for stderr. */
  readonly notes: readonly string[];
}

const QUIET = { warn: () => undefined, error: () => undefined };

/** Runs every check on the settings `env` holds and the store they select. */
export async function runChecks(env: Env, options: CheckSettingsOptions = {}): Promise<CheckReport> {
  const settings = checkSettings(env, options);
  const notes: string[] = [];
  if (settings.httpsBecause === undefined) {
    notes.push(
      'the site was not said to be served over HTTPS (--https, SITE_URL=https://…, SECURE_SSL_REDIRECT=True), so SESSION_COOKIE_SECURE was not required.',
    );
  }
  const stores: StoreCheck[] = [];
  switch (settings.engine) {
    case 'db':
      stores.push(await guarded('the database', () => checkDatabase(env, notes)));
      break;
    case 'cached_db':
      stores.push(await guarded('the database', () => checkDatabase(env, notes)));
      stores.push(await guarded('the cache', () => checkCache(env, SESSIONKIT_CACHED_DB_PREFIX, notes)));
      break;
    case 'cache':
      stores.push(await guarded('the cache', () => checkCache(env, CACHE_ENGINE_PREFIX, notes)));
      break;
    case 'file':
      stores.push(await guarded('the session directory', () => checkFileDirectory(env)));
      break;
    default:
      // signed_cookies keep nothing on the server; an unknown engine is a settings problem already.
      break;
  }
  return {
    problems: [...settings.problems, ...stores.flatMap((store) => store.problems)],
    checked: stores.map((store) => store.where),
    notes,
  };
}

/** Runs one store's check; a failure that is not a finding (a lost connection, a timeout) becomes one. */
async function guarded(what: string, check: () => Promise<StoreCheck>): Promise<StoreCheck> {
  try {
    return await check();
  } catch (error) {
    if (error instanceof SessionConfigError) return { where: what, problems: [badSetting(error)] };
    return {
      where: what,
      problems: [{ id: CHECK_IDS.unreachable, message: `checking ${what} failed: ${reasonOf(error)}.` }],
    };
  }
}

async function checkDatabase(env: Env, notes: string[]): Promise<StoreCheck> {
  const url = readString(env, 'DATABASE_URL') ?? DEFAULT_DATABASE_URL;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase() ?? '';
  if (scheme === 'sqlite') {
    // Not through the store, which would create the file and its table.
    const path = sqlitePathFromUrl(url);
    if (path === ':memory:') {
      notes.push('DATABASE_URL names an in-memory SQLite database, which lives inside each app process: there is nothing to check from here.');
      return { where: 'SQLite :memory:', problems: [] };
    }
    return checkSqlite(path);
  }
  // The settings' own checks first (user, database, options); the servers' stores connect lazily.
  await closeQuietly(openDatabaseUrl(url).store);
  if (POSTGRES_URL_RULES.schemes.includes(scheme)) return checkPostgres(url);
  if (MYSQL_URL_RULES.schemes.includes(scheme)) return checkMysql(url);
  return { where: url, problems: [] };
}

async function checkCache(env: Env, cachePrefix: string, notes: string[]): Promise<StoreCheck> {
  const url = readString(env, 'CACHE_URL') ?? DEFAULT_CACHE_URL;
  const { store, description } = openCacheUrl(url, cacheKeysFromEnv(env, cachePrefix));
  try {
    if (store.name === 'memory') {
      notes.push(`the cache is ${description}: there is nothing to check from here.`);
      return { where: description, problems: [] };
    }
    const serverProblems = store.name === 'redis' ? await checkRedisServer(url) : await checkMemcachedServers(url);
    if (serverProblems.length > 0) return { where: description, problems: serverProblems };
    const roundTrip = await checkCacheRoundTrip(store, description, cookieAgeOf(env));
    return { where: description, problems: roundTrip === undefined ? [] : [roundTrip] };
  } finally {
    await closeQuietly(store);
  }
}

/** `SESSION_COOKIE_AGE`, or Django's default when unset or malformed (a malformed one is reported apart). */
function cookieAgeOf(env: Env): number {
  try {
    return readCookieAge(env) ?? DEFAULTS.cookieAge;
  } catch {
    return DEFAULTS.cookieAge;
  }
}

async function checkFileDirectory(env: Env): Promise<StoreCheck> {
  let opened: ReturnType<typeof openFileEngine>;
  try {
    // The cookie settings are judged on their own; here only the directory may fail.
    opened = openFileEngine({
      env: { ...env, SESSION_COOKIE_NAME: '', SESSION_COOKIE_AGE: '' },
      logger: QUIET,
      openDatabase: () => {
        throw new Error('the file engine opens no database');
      },
    });
  } catch (error) {
    if (!(error instanceof SessionConfigError)) throw error;
    return {
      where: 'the session directory',
      problems: [{ id: CHECK_IDS.badDirectory, message: configErrorReason(error) }],
    };
  }
  const where = opened.description;
  try {
    return { where, problems: directoryProblems(opened.store) };
  } finally {
    await closeQuietly(opened.store);
  }
}

async function closeQuietly(store: StoreOption): Promise<void> {
  await serverStore(store)
    ?.close?.()
    .catch(() => undefined);
}
