/**
 * Cache keys as Django builds them for its `cache` and `cached_db` session engines: the default
 * `KEY_FUNCTION` gives `"<KEY_PREFIX>:<VERSION>:<key>"`, and the session engine's key is its
 * `cache_key_prefix` followed by the session key with no separator, e.g.
 * `:1:django.contrib.sessions.cache3x8…`.
 */

import { isValidSessionKey } from '../../core/session-key.js';
import { SessionConfigError } from '../../errors.js';

/** `cache_key_prefix` of Django's `cache` session engine. */
export const CACHE_ENGINE_PREFIX = 'django.contrib.sessions.cache';
/** `cache_key_prefix` of Django's `cached_db` session engine. */
export const CACHED_DB_ENGINE_PREFIX = 'django.contrib.sessions.cached_db';

/** Where a cache store's keys live: the parts of Django's cache key. */
export interface CacheKeyOptions {
  /**
   * Django's `CACHES[alias]['KEY_PREFIX']`.
   * @default ''
   */
  readonly keyPrefix?: string | undefined;
  /**
   * Django's `CACHES[alias]['VERSION']`: a non-negative integer.
   * @default 1
   */
  readonly version?: number | undefined;
  /**
   * The session engine's `cache_key_prefix`: `django.contrib.sessions.cache` for the `cache` engine,
   * `django.contrib.sessions.cached_db` for the cache half of `cached_db`.
   * @default 'django.contrib.sessions.cache'
   */
  readonly cachePrefix?: string | undefined;
}

// The lock of a session lives next to its data. ':' never occurs in a session key, so no lock key can
// be the data key of another session.
const LOCK_SUFFIX = ':lock';
// Longest key the core ever hands a store (see isValidSessionKey).
const LONGEST_SESSION_KEY = 40;
/** memcached's key limit, in bytes. Django warns (and its memcached backends refuse) beyond it. */
export const MEMCACHED_MAX_KEY_BYTES = 250;

/** Builds the keys of one store's namespace. */
export class CacheKeys {
  /** Everything before the session key: `<keyPrefix>:<version>:<cachePrefix>`. */
  readonly namespace: string;

  constructor(namespace: string) {
    this.namespace = namespace;
  }

  /** The cache key of a session's data (the engine has checked `sessionKey`). */
  dataKey(sessionKey: string): string {
    return this.namespace + sessionKey;
  }

  /** The cache key of a session's lock. */
  lockKey(sessionKey: string): string {
    return this.dataKey(sessionKey) + LOCK_SUFFIX;
  }

  /** The session key inside a data key of this namespace; `null` for lock keys and foreign keys. */
  sessionKeyOf(cacheKey: string): string | null {
    if (!cacheKey.startsWith(this.namespace)) return null;
    const sessionKey = cacheKey.slice(this.namespace.length);
    return isValidSessionKey(sessionKey) ? sessionKey : null;
  }
}

/**
 * Resolves and checks the key options of a cache store. With `memcachedSafe`, also applies memcached's
 * rules to the longest key the store can make (≤ 250 bytes, no spaces or control characters), so a bad
 * prefix is refused at construction rather than failing every request.
 */
export function resolveCacheKeys(storeName: string, options: CacheKeyOptions, memcachedSafe: boolean): CacheKeys {
  const keyPrefix = options.keyPrefix ?? '';
  const version = options.version ?? 1;
  const cachePrefix = options.cachePrefix ?? CACHE_ENGINE_PREFIX;
  if (typeof keyPrefix !== 'string') {
    throw new SessionConfigError(`${storeName}: \`keyPrefix\` must be a string (Django's KEY_PREFIX, '' by default).`);
  }
  if (typeof cachePrefix !== 'string') {
    throw new SessionConfigError(`${storeName}: \`cachePrefix\` must be a string such as '${CACHE_ENGINE_PREFIX}'.`);
  }
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new SessionConfigError(`${storeName}: \`version\` must be a non-negative integer (Django's cache VERSION, 1 by default); got ${String(version)}.`);
  }
  const keys = new CacheKeys(`${keyPrefix}:${version}:${cachePrefix}`);
  if (memcachedSafe) {
    const room = MEMCACHED_MAX_KEY_BYTES - Buffer.byteLength(`:${version}:`) - LONGEST_SESSION_KEY - LOCK_SUFFIX.length;
    if (Buffer.byteLength(keyPrefix + cachePrefix) > room) {
      throw new SessionConfigError(
        `${storeName}: keys would exceed memcached's ${MEMCACHED_MAX_KEY_BYTES}-byte limit; shorten \`keyPrefix\` and \`cachePrefix\` to at most ${room} bytes together.`,
      );
    }
    // Django's memcache_key_warnings rule: no character below 33 (space and control) and no DEL.
    if (/[\u0000-\u0020\u007f]/.test(keys.namespace)) {
      throw new SessionConfigError(
        `${storeName}: \`keyPrefix\` and \`cachePrefix\` must not contain spaces or control characters (memcached refuses such keys).`,
      );
    }
  }
  return keys;
}
