/**
 * Settings, with Django's names and defaults in TypeScript idiom, resolved and validated once.
 *
 * | Django setting                   | option                 | default        |
 * | -------------------------------- | ---------------------- | -------------- |
 * | SECRET_KEY                       | secret                 | (required)     |
 * | SECRET_KEY_FALLBACKS             | secretFallbacks        | []             |
 * | SESSION_COOKIE_NAME              | cookieName             | 'sessionid'    |
 * | SESSION_COOKIE_AGE               | cookieAge              | 1209600        |
 * | SESSION_COOKIE_DOMAIN            | cookieDomain           | null           |
 * | SESSION_COOKIE_PATH              | cookiePath             | '/'            |
 * | SESSION_COOKIE_SECURE            | cookieSecure           | false          |
 * | SESSION_COOKIE_HTTPONLY          | cookieHttpOnly         | true           |
 * | SESSION_COOKIE_SAMESITE          | cookieSameSite         | 'Lax'          |
 * | SESSION_EXPIRE_AT_BROWSER_CLOSE  | expireAtBrowserClose   | false          |
 * | SESSION_SAVE_EVERY_REQUEST       | saveEveryRequest       | false          |
 * | SESSION_ENGINE                   | store                  | (required)     |
 * | SESSION_SERIALIZER               | serializer             | JSON           |
 */
import { type CookiePriority, type ProxySslHeader, resolveBrowserAttributes } from './cookies/browser-attributes.js';
import { isSessionSchema, type SessionSchema } from './core/data-schema.js';
import { serverStore } from './core/engine.js';
import type { LockOptions, SessionStore } from './core/store-contract.js';
import { SessionConfigError } from './errors.js';
import { jsonSerializer, type Serializer } from './signing/index.js';
import type { SignedCookies } from './stores/signed-cookies.js';

/** `SESSION_COOKIE_SAMESITE`: `false` omits the attribute. */
export type SameSite = 'Lax' | 'Strict' | 'None' | false;

/** A security-relevant event that was handled quietly (never thrown). */
export interface SecurityEvent {
  /**
   * - `bad-signature`: stored data or a signed cookie failed its signature check (wrong secret, tampering);
   * - `bad-payload`: a valid signature over undecodable data;
   * - `expired-cookie`: a signed cookie older than `cookieAge`;
   * - `bad-shape`: validly signed session data that a session cannot hold (a value nested too deeply, a
   *   number JSON cannot write, an unusable `_session_expiry`), written by another app sharing the store or
   *   by someone holding the secret. Bad values give a fresh session; a bad expiry alone is ignored;
   * - `invalid-data`: session data that the `schema` option refused (or a schema that threw): a fresh session.
   */
  readonly type: 'bad-signature' | 'bad-payload' | 'expired-cookie' | 'bad-shape' | 'invalid-data';
  /** The engine that saw it. */
  readonly engine: string;
  readonly message: string;
}

/** Where sessionkit reports what it handled quietly. Compatible with `console`. */
export interface SessionLogger {
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Opt-in per-session locking (see the README on its trade-off). */
export interface LockingOptions {
  /**
   * How long a request waits for the lock before failing with a 503, in milliseconds.
   * @default 5000
   */
  readonly waitMs?: number | undefined;
  /**
   * How long a lock survives a crashed holder, in milliseconds.
   * @default 30000
   */
  readonly ttlMs?: number | undefined;
}

/** Options of `createSessions`. */
export interface SessionOptions {
  /** `SECRET_KEY`: signs session data and signed cookies. At least 50 characters is recommended. */
  readonly secret: string;
  /**
   * `SECRET_KEY_FALLBACKS`: older secrets still accepted when verifying, tried in order. Signing always
   * uses `secret`.
   * @default []
   */
  readonly secretFallbacks?: readonly string[] | undefined;
  /**
   * `SESSION_ENGINE`: where sessions live — a store such as `sqliteStore(...)` or `memoryStore()`, or
   * `signedCookies()` to keep the data in the cookie.
   */
  readonly store: SessionStore | SignedCookies;
  /**
   * `SESSION_COOKIE_NAME`.
   * @default 'sessionid'
   */
  readonly cookieName?: string | undefined;
  /**
   * `SESSION_COOKIE_AGE`: session lifetime in seconds, at most {@link MAX_COOKIE_AGE} (10,000,000,000,
   * about 317 years), so that every expiry date stays one that JavaScript and Django (years 1 to 9999)
   * can represent.
   * @default 1209600
   */
  readonly cookieAge?: number | undefined;
  /**
   * `SESSION_COOKIE_DOMAIN`: `null` makes a host-only cookie.
   * @default null
   */
  readonly cookieDomain?: string | null | undefined;
  /**
   * `SESSION_COOKIE_PATH`.
   * @default '/'
   */
  readonly cookiePath?: string | undefined;
  /**
   * `SESSION_COOKIE_SECURE`: send the cookie over HTTPS only. `'auto'` sets `Secure` on responses to
   * requests that arrived over HTTPS: the server's own TLS, or a proxy trusted with `secureProxySslHeader`.
   * @default false
   */
  readonly cookieSecure?: boolean | 'auto' | undefined;
  /**
   * Django's `SECURE_PROXY_SSL_HEADER`: the header and value with which a proxy in front of the app marks
   * requests it received over HTTPS, e.g. `['X-Forwarded-Proto', 'https']`. Only for `cookieSecure: 'auto'`;
   * set it only when every request passes through that proxy, which must overwrite the header.
   * @default null (no proxy is trusted)
   */
  readonly secureProxySslHeader?: ProxySslHeader | null | undefined;
  /**
   * `Partitioned` (CHIPS): a cookie kept per top-level site, for apps embedded in other sites' pages. Needs
   * a Secure cookie.
   * @default false
   */
  readonly cookiePartitioned?: boolean | undefined;
  /**
   * `Priority` (Chromium): `'High'` keeps the session cookie when the browser evicts cookies of the site.
   * @default null (no attribute)
   */
  readonly cookiePriority?: CookiePriority | null | undefined;
  /**
   * `SESSION_COOKIE_HTTPONLY`: hide the cookie from scripts.
   * @default true
   */
  readonly cookieHttpOnly?: boolean | undefined;
  /**
   * `SESSION_COOKIE_SAMESITE`: `'Lax'`, `'Strict'`, `'None'` (any case), or `false` to omit it.
   * @default 'Lax'
   */
  readonly cookieSameSite?: SameSite | 'lax' | 'strict' | 'none' | undefined;
  /**
   * `SESSION_EXPIRE_AT_BROWSER_CLOSE`: a cookie without Max-Age/expires.
   * @default false
   */
  readonly expireAtBrowserClose?: boolean | undefined;
  /**
   * `SESSION_SAVE_EVERY_REQUEST`: save and re-send the cookie on every request (a sliding expiry).
   * @default false
   */
  readonly saveEveryRequest?: boolean | undefined;
  /**
   * `SESSION_SERIALIZER`.
   * @default the JSON serializer, byte-compatible with Django's
   */
  readonly serializer?: Serializer | undefined;
  /**
   * Salt of stored session data: `'django.contrib.sessions.' + <store class name>`. Django's stock engines
   * all use `SessionStore`; change it only to match a custom Django store class.
   * @default 'django.contrib.sessions.SessionStore'
   */
  readonly dataSalt?: string | undefined;
  /**
   * Keep changes of concurrent requests to different keys of one session (compare-and-set on save).
   * `false` restores Django's last-write-wins.
   * @default true
   */
  readonly mergeConcurrentUpdates?: boolean | undefined;
  /**
   * How many compare-and-set rounds a save tries before answering 503.
   * @default 100
   */
  readonly maxMergeAttempts?: number | undefined;
  /**
   * Opt-in per-session locking: a request that reads its session holds the session's lock until its
   * response is committed, so read-modify-write of the same key is serialised. `true` uses the defaults.
   * @default false
   */
  readonly locking?: boolean | LockingOptions | undefined;
  /**
   * The largest session, in bytes of serialized data (before compression), for loading and saving alike:
   * a save of more throws `SessionDataTooLarge` (413) and leaves the stored session as it was, and a load
   * of more (or of compressed data inflating past it: a zlib bomb) gives a fresh session.
   * @default 1048576
   */
  readonly maxDataBytes?: number | undefined;
  /**
   * A Standard Schema validator (zod 3.24+, valibot 1, arktype 2, …) for the application's keys: loaded
   * data it refuses gives a fresh session and an `invalid-data` security event, never an error; data it
   * accepts is replaced by its output. The reserved keys (`_session_expiry`, `testcookie`, `_auth_user_*`,
   * `_messages`) are kept out of it. Its output type types the session: `createSessions({ schema })`.
   * Every key of a session may be missing, so make every field optional.
   * @default null (data is not checked)
   */
  // Any output here: `createSessions` reads the schema's own type, and options without one can still be
  // given a data type (`createSessions<{ visit: number }>(options)`).
  // biome-ignore lint/suspicious/noExplicitAny: any output type; `createSessions` narrows it to `T`.
  readonly schema?: SessionSchema<any> | null | undefined;
  /**
   * Called for each quietly handled security event. By default Django's behaviour: a warning
   * "Session data corrupted" through `logger` for bad signatures of stored data.
   */
  readonly onSecurityEvent?: ((event: SecurityEvent) => void) | undefined;
  /**
   * Where warnings and store errors go.
   * @default console
   */
  readonly logger?: SessionLogger | undefined;
  /**
   * Django's `DEBUG` for logging: pass the error (with its stack) to `logger.error` next to each message.
   * Off, a store outage logs one line when it starts and one when it ends, and nothing per request.
   * @default false
   */
  readonly debug?: boolean | undefined;
  /**
   * Clock in milliseconds since the epoch; for tests.
   * @default Date.now
   */
  readonly now?: (() => number) | undefined;
}

/** {@link SessionOptions} with every default applied and every value checked. */
export interface ResolvedOptions {
  readonly secret: string;
  readonly secretFallbacks: readonly string[];
  readonly store: SessionStore | SignedCookies;
  readonly cookieName: string;
  readonly cookieAge: number;
  readonly cookieDomain: string | null;
  readonly cookiePath: string;
  readonly cookieSecure: boolean | 'auto';
  readonly secureProxySslHeader: ProxySslHeader | null;
  readonly cookiePartitioned: boolean;
  readonly cookiePriority: CookiePriority | null;
  readonly cookieHttpOnly: boolean;
  readonly cookieSameSite: SameSite;
  readonly expireAtBrowserClose: boolean;
  readonly saveEveryRequest: boolean;
  readonly serializer: Serializer;
  readonly dataSalt: string;
  readonly mergeConcurrentUpdates: boolean;
  readonly maxMergeAttempts: number;
  readonly locking: LockOptions | null;
  readonly maxDataBytes: number;
  readonly schema: SessionSchema | null;
  readonly onSecurityEvent: (event: SecurityEvent) => void;
  readonly logger: SessionLogger;
  readonly debug: boolean;
  readonly now: () => number;
}

/** Django's defaults (§6.1 of the spec). */
export const DEFAULTS = {
  cookieName: 'sessionid',
  cookieAge: 1209600,
  cookieDomain: null,
  cookiePath: '/',
  cookieSecure: false,
  cookieHttpOnly: true,
  cookieSameSite: 'Lax',
  expireAtBrowserClose: false,
  saveEveryRequest: false,
  dataSalt: 'django.contrib.sessions.SessionStore',
  mergeConcurrentUpdates: true,
  maxMergeAttempts: 100,
  lockWaitMs: 5000,
  lockTtlMs: 30000,
  maxDataBytes: 1024 * 1024,
} as const;

/**
 * The longest `cookieAge` accepted, in seconds: 10,000,000,000 (about 317 years). Longer ages give expiry
 * dates that JavaScript cannot write in a cookie (`Invalid Date`) or that Django's datetime (years 1 to
 * 9999) and the SQL columns cannot store, so every save would fail.
 */
export const MAX_COOKIE_AGE = 10_000_000_000;

// RFC 6265 token characters: what a cookie name may contain.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Attribute values must not break out of the Set-Cookie header.
const COOKIE_ATTRIBUTE = /^[\x21-\x3a\x3c-\x7e]*$/;

/**
 * Whether a secret is what Django's deployment check (security.W009) calls weak: fewer than 50
 * characters, fewer than 5 distinct characters, or Django's insecure development prefix.
 */
export function isWeakSecret(secret: string): boolean {
  return secret.length < 50 || new Set(secret).size < 5 || secret.startsWith('django-insecure-');
}

/** Applies defaults and validates; throws {@link SessionConfigError} with the fix in the message. */
export function resolveOptions(options: SessionOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new SessionConfigError('createSessions(options) needs an options object with at least `secret` and `store`.');
  }
  const secret = options.secret;
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new SessionConfigError(
      "createSessions: the `secret` option (SECRET_KEY) is missing or empty. Generate one with `node -e \"console.log(require('crypto').randomBytes(48).toString('base64url'))\"` and pass it, e.g. from process.env.SECRET_KEY.",
    );
  }
  const secretFallbacks = options.secretFallbacks ?? [];
  if (!Array.isArray(secretFallbacks) || secretFallbacks.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw new SessionConfigError('createSessions: `secretFallbacks` (SECRET_KEY_FALLBACKS) must be an array of non-empty strings.');
  }
  const store = options.store;
  if (!store || typeof store !== 'object' || (serverStore(store) !== null && typeof (store as SessionStore).load !== 'function')) {
    throw new SessionConfigError(
      'createSessions: the `store` option (SESSION_ENGINE) is missing. Pick one: `sqliteStore({ path })` from "sessionkit/stores/sqlite", `memoryStore()` from "sessionkit/stores/memory", or `signedCookies()` from "sessionkit/stores/signed-cookies".',
    );
  }

  const cookieName = options.cookieName ?? DEFAULTS.cookieName;
  if (typeof cookieName !== 'string' || !COOKIE_NAME.test(cookieName)) {
    throw new SessionConfigError(
      `createSessions: \`cookieName\` (SESSION_COOKIE_NAME) ${JSON.stringify(cookieName)} is not a valid cookie name; use letters, digits and !#$%&'*+-.^_\`|~.`,
    );
  }
  const cookieAge = options.cookieAge ?? DEFAULTS.cookieAge;
  if (!Number.isInteger(cookieAge) || cookieAge <= 0 || cookieAge > MAX_COOKIE_AGE) {
    throw new SessionConfigError(
      `createSessions: \`cookieAge\` (SESSION_COOKIE_AGE) must be a positive whole number of seconds, at most ${MAX_COOKIE_AGE} (about 317 years), not ${String(cookieAge)}; Django's default is 1209600 (two weeks).`,
    );
  }
  const cookieDomain = options.cookieDomain ?? DEFAULTS.cookieDomain;
  if (cookieDomain !== null && (typeof cookieDomain !== 'string' || !COOKIE_ATTRIBUTE.test(cookieDomain))) {
    throw new SessionConfigError(
      'createSessions: `cookieDomain` (SESSION_COOKIE_DOMAIN) must be a domain such as ".example.com", or null for a host-only cookie.',
    );
  }
  const cookiePath = options.cookiePath ?? DEFAULTS.cookiePath;
  if (typeof cookiePath !== 'string' || !cookiePath.startsWith('/') || !COOKIE_ATTRIBUTE.test(cookiePath)) {
    throw new SessionConfigError('createSessions: `cookiePath` (SESSION_COOKIE_PATH) must start with "/" and contain no spaces or semicolons.');
  }
  const cookieSameSite = resolveSameSite(options.cookieSameSite);
  const cookieSecure = options.cookieSecure ?? DEFAULTS.cookieSecure;
  const browser = resolveBrowserAttributes({ ...options, cookieName, cookieSecure, cookiePath, cookieDomain });
  if (cookieSameSite === 'None' && cookieSecure !== true) {
    // Browsers reject SameSite=None without Secure; Django allows it, so this only warns.
    (options.logger ?? console).warn(
      'sessionkit: cookieSameSite "None" without cookieSecure: browsers will drop the session cookie. Set cookieSecure: true (SESSION_COOKIE_SECURE=True).',
    );
  }

  const lockingOption = options.locking ?? false;
  let locking: LockOptions | null = null;
  if (lockingOption) {
    const given = lockingOption === true ? {} : lockingOption;
    locking = { waitMs: given.waitMs ?? DEFAULTS.lockWaitMs, ttlMs: given.ttlMs ?? DEFAULTS.lockTtlMs };
    if (!(locking.waitMs >= 0) || !(locking.ttlMs > 0)) {
      throw new SessionConfigError('createSessions: `locking.waitMs` must be ≥ 0 and `locking.ttlMs` > 0 (milliseconds).');
    }
    const server = serverStore(store);
    if (server === null) {
      throw new SessionConfigError(
        'createSessions: `locking` needs a server-side store; signed-cookie sessions have nothing to lock. Remove `locking` or pick another store.',
      );
    }
    if (typeof server.lock !== 'function') {
      throw new SessionConfigError(
        `createSessions: \`locking\` is on but the "${server.name}" store cannot lock. Remove \`locking\` or pick a store that supports it.`,
      );
    }
  }

  const maxDataBytes = options.maxDataBytes ?? DEFAULTS.maxDataBytes;
  if (!Number.isSafeInteger(maxDataBytes) || maxDataBytes < 1) {
    throw new SessionConfigError(
      `createSessions: \`maxDataBytes\` (SESSION_MAX_DATA_BYTES) must be a positive whole number of bytes, such as 1048576 (1 MiB), not ${String(maxDataBytes)}.`,
    );
  }

  const schema = options.schema ?? null;
  if (schema !== null && !isSessionSchema(schema)) {
    throw new SessionConfigError(
      'createSessions: `schema` must be a Standard Schema validator — a zod (3.24 or later), valibot (1 or later) or arktype (2 or later) schema, or an object with `~standard: { version: 1, vendor, validate }` — or null.',
    );
  }

  const logger = options.logger ?? console;
  const resolved: ResolvedOptions = {
    secret,
    secretFallbacks: [...secretFallbacks],
    store,
    cookieName,
    cookieAge,
    cookieDomain,
    cookiePath,
    cookieSecure,
    ...browser,
    cookieHttpOnly: options.cookieHttpOnly ?? DEFAULTS.cookieHttpOnly,
    cookieSameSite,
    expireAtBrowserClose: options.expireAtBrowserClose ?? DEFAULTS.expireAtBrowserClose,
    saveEveryRequest: options.saveEveryRequest ?? DEFAULTS.saveEveryRequest,
    serializer: options.serializer ?? jsonSerializer,
    dataSalt: options.dataSalt || DEFAULTS.dataSalt,
    mergeConcurrentUpdates: options.mergeConcurrentUpdates ?? DEFAULTS.mergeConcurrentUpdates,
    maxMergeAttempts: options.maxMergeAttempts ?? DEFAULTS.maxMergeAttempts,
    locking,
    maxDataBytes,
    schema,
    onSecurityEvent: options.onSecurityEvent ?? defaultSecurityEventHandler(logger),
    logger,
    debug: options.debug ?? false,
    now: options.now ?? Date.now,
  };
  if (isWeakSecret(secret)) {
    logger.warn(
      'sessionkit: WARNING — the secret (SECRET_KEY) is weak: it has fewer than 50 characters or fewer than 5 distinct ones (or is a development key). Anyone who guesses it can forge sessions. Use a long random secret in production.',
    );
  }
  return resolved;
}

const SAME_SITE_SPELLINGS: ReadonlyMap<string, SameSite> = new Map([
  ['lax', 'Lax'],
  ['strict', 'Strict'],
  ['none', 'None'],
]);

function resolveSameSite(value: SessionOptions['cookieSameSite']): SameSite {
  if (value === undefined) return DEFAULTS.cookieSameSite;
  if (value === false) return false;
  const canonical = typeof value === 'string' ? SAME_SITE_SPELLINGS.get(value.toLowerCase()) : undefined;
  if (!canonical) {
    throw new SessionConfigError(
      `createSessions: \`cookieSameSite\` (SESSION_COOKIE_SAMESITE) must be "Lax", "Strict", "None" or false, not ${JSON.stringify(value)}.`,
    );
  }
  return canonical;
}

function defaultSecurityEventHandler(logger: SessionLogger): (event: SecurityEvent) => void {
  return (event) => {
    // Django logs only corrupted stored data (django.security.SuspiciousSession); cookies stay quiet.
    if (event.engine === 'signed_cookies') return;
    if (event.type === 'bad-signature') logger.warn('Session data corrupted');
    else if (event.type === 'bad-shape' || event.type === 'invalid-data')
      logger.warn(`sessionkit: stored session data ignored (${event.engine}): ${event.message}`);
  };
}
