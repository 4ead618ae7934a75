/**
 * Session settings from environment variables with Django's exact names, for the demo app and the
 * command line. Everything is read and checked at once: a malformed value is a `SessionConfigError`
 * naming the variable, before any store is opened.
 *
 * | Variable                        | option               | accepted values                          |
 * | ------------------------------- | -------------------- | ---------------------------------------- |
 * | SECRET_KEY                      | secret               | any string (required in production, and not the development secret) |
 * | SECRET_KEY_FALLBACKS            | secretFallbacks      | comma-separated secrets                  |
 * | SESSION_ENGINE                  | store                | db, cached_db, cache, file, signed_cookies (or dotted) |
 * | DATABASE_URL                    | store (db, cached_db) | sqlite:///db.sqlite3 (default), postgres://…, mysql://… |
 * | CACHE_URL                       | store (cache, cached_db) | locmem:// (default), redis://…, memcached://h:p[,h:p…] |
 * | CACHE_KEY_PREFIX, CACHE_VERSION | cache keys           | Django's CACHES KEY_PREFIX ('') and VERSION (1) |
 * | SESSION_FILE_PATH               | store (file)         | a directory (default: the temporary directory) |
 * | SESSION_COOKIE_NAME             | cookieName           | a cookie name                            |
 * | SESSION_COOKIE_AGE              | cookieAge            | seconds                                  |
 * | SESSION_COOKIE_DOMAIN           | cookieDomain         | a domain, or None                        |
 * | SESSION_COOKIE_PATH             | cookiePath           | a path                                   |
 * | SESSION_COOKIE_SECURE           | cookieSecure         | True/False/1/0, or auto                  |
 * | SECURE_PROXY_SSL_HEADER         | secureProxySslHeader | HTTP_X_FORWARDED_PROTO,https             |
 * | SESSION_COOKIE_PARTITIONED      | cookiePartitioned    | True/False/1/0                           |
 * | SESSION_COOKIE_PRIORITY         | cookiePriority       | Low, Medium, High                        |
 * | SESSION_COOKIE_HTTPONLY         | cookieHttpOnly       | True/False/1/0                           |
 * | SESSION_COOKIE_SAMESITE         | cookieSameSite       | Lax, Strict, None, False                 |
 * | SESSION_EXPIRE_AT_BROWSER_CLOSE | expireAtBrowserClose | True/False/1/0                           |
 * | SESSION_SAVE_EVERY_REQUEST      | saveEveryRequest     | True/False/1/0                           |
 * | SESSION_LOCKING                 | locking              | True/False/1/0                           |
 * | SESSION_LOCK_WAIT_MS            | locking.waitMs       | milliseconds (default 5000)              |
 * | SESSION_MAX_DATA_BYTES          | maxDataBytes         | bytes (default 1048576)                  |
 * | DEBUG                           | debug                | True/False/1/0 (stack traces in the log) |
 *
 * An unset or blank variable takes Django's default.
 */

import { type StoreOption, serverStore } from '../core/engine.js';
import { SessionConfigError } from '../errors.js';
import type { SessionLogger, SessionOptions } from '../options.js';
import { readCookiePriority, readCookieSecure, readProxySslHeader } from './browser-values.js';
import { engineName, openEngine } from './engines.js';
import { type Env, readBoolean, readCookieAge, readList, readOptionalString, readPositiveInteger, readSameSite, readString } from './values.js';

export type { Env } from './values.js';

/**
 * The secret used when `SECRET_KEY` is unset outside production. It is public, so sessions signed with
 * it can be forged by anyone: development only. Its `django-insecure-` prefix is Django's marker for that.
 */
export const DEVELOPMENT_SECRET_KEY = 'django-insecure-sessionkit-development-key-not-for-production-use';

/** A shell command that prints a new random secret of 64 characters, for messages. */
export const NEW_SECRET_KEY_COMMAND = `node -e "console.log(require('crypto').randomBytes(48).toString('base64url'))"`;

/** The settings of {@link SessionOptions} besides the secrets, the store and the hooks. */
export type SessionSettings = Pick<
  SessionOptions,
  | 'cookieName'
  | 'cookieAge'
  | 'cookieDomain'
  | 'cookiePath'
  | 'cookieSecure'
  | 'secureProxySslHeader'
  | 'cookiePartitioned'
  | 'cookiePriority'
  | 'cookieHttpOnly'
  | 'cookieSameSite'
  | 'expireAtBrowserClose'
  | 'saveEveryRequest'
  | 'locking'
  | 'maxDataBytes'
  | 'debug'
>;

/** The result of {@link optionsFromEnv}. */
export interface EnvSettings {
  /** Ready for `createSessions(options)`. */
  readonly options: SessionOptions;
  /** The engine's short Django name: `db`, `cached_db`, `cache`, `file` or `signed_cookies`. */
  readonly engine: string;
  /** One line for start-up messages, e.g. `db — SQLite /srv/app/db.sqlite3`. */
  readonly description: string;
}

/** Options of {@link optionsFromEnv}. */
export interface OptionsFromEnvOptions {
  /**
   * Receives the warning about a missing `SECRET_KEY`, and becomes the sessions' logger.
   * @default console
   */
  readonly logger?: SessionLogger | undefined;
}

/**
 * Reads the session settings from environment variables named as Django names its settings, and opens
 * the store they select.
 *
 * @param env - The variables. @default process.env
 * @throws SessionConfigError when a value is malformed, the engine or database is unknown or unusable,
 *   or, while `NODE_ENV=production`, `SECRET_KEY` is missing or it or a fallback is {@link DEVELOPMENT_SECRET_KEY}.
 *
 * @example
 * const { options, description } = optionsFromEnv();
 * const sessions = createSessions(options);
 * console.log(`sessions: ${description}`);
 */
export function optionsFromEnv(env: Env = process.env, { logger = console }: OptionsFromEnvOptions = {}): EnvSettings {
  const settings: Omit<SessionOptions, 'store'> = {
    secret: readSecret(env, logger),
    secretFallbacks: readSecretFallbacks(env),
    ...sessionSettingsFromEnv(env),
    logger,
  };
  // The store is opened last: nothing touches the disk or network while a value is still malformed.
  const engine = engineName(env);
  const opened = openEngine(engine, env, logger);
  if (settings.locking && typeof serverStore(opened.store)?.lock !== 'function') {
    void closeQuietly(opened.store);
    throw lockingUnsupported(engine);
  }
  return {
    options: { ...settings, store: opened.store },
    engine,
    description: `${engine} — ${opened.description}`,
  };
}

async function closeQuietly(store: StoreOption): Promise<void> {
  await serverStore(store)
    ?.close?.()
    .catch(() => undefined);
}

/**
 * The settings besides the secrets and the store, each checked: cookie attributes, expiry, saving and
 * locking. An unset variable stays `undefined`, so `createSessions` applies Django's default in one place.
 * @throws SessionConfigError naming the variable whose value is malformed.
 */
export function sessionSettingsFromEnv(env: Env): SessionSettings {
  return {
    cookieName: readString(env, 'SESSION_COOKIE_NAME'),
    cookieAge: readCookieAge(env),
    cookieDomain: readOptionalString(env, 'SESSION_COOKIE_DOMAIN'),
    cookiePath: readString(env, 'SESSION_COOKIE_PATH'),
    cookieSecure: readCookieSecure(env),
    secureProxySslHeader: readProxySslHeader(env),
    cookiePartitioned: readBoolean(env, 'SESSION_COOKIE_PARTITIONED'),
    cookiePriority: readCookiePriority(env),
    cookieHttpOnly: readBoolean(env, 'SESSION_COOKIE_HTTPONLY'),
    cookieSameSite: readSameSite(env, 'SESSION_COOKIE_SAMESITE'),
    expireAtBrowserClose: readBoolean(env, 'SESSION_EXPIRE_AT_BROWSER_CLOSE'),
    saveEveryRequest: readBoolean(env, 'SESSION_SAVE_EVERY_REQUEST'),
    locking: readLocking(env),
    maxDataBytes: readPositiveInteger(env, 'SESSION_MAX_DATA_BYTES', 'bytes'),
    debug: readBoolean(env, 'DEBUG'),
  };
}

/** `SESSION_LOCKING`, with `SESSION_LOCK_WAIT_MS` for how long a request waits for its session's lock. */
function readLocking(env: Env): SessionOptions['locking'] {
  const on = readBoolean(env, 'SESSION_LOCKING');
  const waitMs = readPositiveInteger(env, 'SESSION_LOCK_WAIT_MS', 'milliseconds');
  if (!on) return on;
  return waitMs === undefined ? true : { waitMs };
}

/** The error for `SESSION_LOCKING=True` on an engine that has no locks (signed cookies). */
export function lockingUnsupported(engine: string): SessionConfigError {
  return new SessionConfigError(
    `SESSION_LOCKING=True needs an engine that can lock, and ${engine} cannot. Remove SESSION_LOCKING or pick another SESSION_ENGINE.`,
  );
}

/** Whether `NODE_ENV=production`, where the public development secret is refused. */
export function isProduction(env: Env): boolean {
  return readString(env, 'NODE_ENV') === 'production';
}

function readSecret(env: Env, logger: SessionLogger): string {
  const secret = readString(env, 'SECRET_KEY');
  const production = isProduction(env);
  if (secret !== undefined) {
    if (production && secret === DEVELOPMENT_SECRET_KEY) {
      throw new SessionConfigError(
        `SECRET_KEY is sessionkit's public development secret, which anyone can use to forge sessions, so NODE_ENV=production refuses it. Generate a secret of your own with \`${NEW_SECRET_KEY_COMMAND}\` and set SECRET_KEY to it.`,
      );
    }
    return secret;
  }
  if (production) {
    throw new SessionConfigError(
      `SECRET_KEY is not set, and NODE_ENV=production refuses the development secret. Generate one with \`${NEW_SECRET_KEY_COMMAND}\` and set SECRET_KEY to it.`,
    );
  }
  logger.warn(
    'sessionkit: WARNING — SECRET_KEY is not set, so a PUBLIC development secret signs the sessions: anyone can forge them. Never run like this in production (NODE_ENV=production refuses to start); set SECRET_KEY to a long random string.',
  );
  return DEVELOPMENT_SECRET_KEY;
}

// A fallback verifies sessions as the secret does, so the public one would let anyone forge them too.
function readSecretFallbacks(env: Env): string[] {
  const fallbacks = readList(env, 'SECRET_KEY_FALLBACKS');
  if (isProduction(env) && fallbacks.includes(DEVELOPMENT_SECRET_KEY)) {
    throw new SessionConfigError(
      "SECRET_KEY_FALLBACKS holds sessionkit's public development secret, which anyone can use to forge sessions that would still be accepted, so NODE_ENV=production refuses it. Remove it from SECRET_KEY_FALLBACKS.",
    );
  }
  return fallbacks;
}
