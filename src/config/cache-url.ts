/**
 * `CACHE_URL`: the cache behind the `cache` engine and in front of the database of `cached_db`, with
 * Django's `CACHES` key settings `CACHE_KEY_PREFIX` (KEY_PREFIX) and `CACHE_VERSION` (VERSION).
 *
 * | CACHE_URL                                | store                                         |
 * | ---------------------------------------- | --------------------------------------------- |
 * | `redis://[user:password@]host:6379[/db]` | `redisStore` (`rediss://` for TLS)            |
 * | `memcached://host:11211[,host:port…]`    | `memcachedStore`                              |
 * | `locmem://`, or unset                    | `memoryStore()` (Django's default LocMemCache) |
 *
 * To add a cache, write its opener and register its scheme in {@link CACHE_BACKENDS}.
 */

import type { SessionStore } from '../core/store-contract.js';
import { SessionConfigError } from '../errors.js';
import type { CacheKeyOptions } from '../stores/internal/cache-keys.js';
import { memcachedStore } from '../stores/memcached.js';
import { memoryStore } from '../stores/memory.js';
import { writtenDatabaseIndex } from '../stores/redis/connection.js';
import { redisStore } from '../stores/redis.js';
import { type Env, readString } from './values.js';
import { openFor, redactUrl, shownVariable } from './variable-errors.js';

/** What a cache URL opened to. */
export interface OpenedCacheStore {
  readonly store: SessionStore;
  /** For start-up messages, e.g. `Redis redis://127.0.0.1:6379/0`. No password. */
  readonly description: string;
}

/** Opens the store for one URL of a scheme it was registered for, with Django's key settings. */
export type CacheOpener = (url: string, keys: CacheKeyOptions) => OpenedCacheStore;

/** Django's default cache: the process-local LocMemCache. */
export const DEFAULT_CACHE_URL = 'locmem://';

const LOCMEM_DESCRIPTION = 'in-process memory cache (lost on restart, not shared between processes)';

function openRedis(url: string, keys: CacheKeyOptions): OpenedCacheStore {
  redisDatabaseIndex(url);
  return { store: redisStore({ url, ...keys }), description: `Redis ${redactUrl(url)}` };
}

/**
 * The database index a Redis URL selects: its path (`redis://host:6379/2`), else its `db` option, else 0.
 * Whether the server has that many databases only the server can say: the store refuses to work without
 * it (every command fails, the reason in the log), and `sessionkit check` asks the server up front.
 * @throws SessionConfigError when the index is not a whole number ≥ 0, which no server has.
 */
export function redisDatabaseIndex(url: string): number {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 0; // Not a URL: the store's own check says so.
  }
  const written = writtenDatabaseIndex(parsed);
  const index = /^\d+$/.test(written) ? Number(written) : NaN;
  if (Number.isNaN(index)) {
    throw new SessionConfigError(
      `the Redis database index ${JSON.stringify(safeDecode(written))} is not a whole number ≥ 0; end the URL with the database's number, e.g. redis://${parsed.host || '127.0.0.1:6379'}/0 (a server has 16 databases, 0 to 15, unless its "databases" setting says otherwise).`,
    );
  }
  return index;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function openMemcached(url: string, keys: CacheKeyOptions): OpenedCacheStore {
  return { store: memcachedStore({ url, ...keys }), description: `memcached ${url}` };
}

function openLocmem(url: string): OpenedCacheStore {
  // Django's LOCATION names one of several local caches; here every opening is a cache of its own anyway.
  if (!/^locmem:\/\/[\w.-]*\/?$/i.test(url)) {
    throw new SessionConfigError(`${JSON.stringify(url)} is not a local-memory cache URL; write locmem:// (or leave CACHE_URL unset).`);
  }
  return { store: memoryStore(), description: LOCMEM_DESCRIPTION };
}

/** The caches `CACHE_URL` may name, by URL scheme. */
export const CACHE_BACKENDS: Readonly<Record<string, CacheOpener>> = {
  redis: openRedis,
  rediss: openRedis,
  memcached: openMemcached,
  locmem: openLocmem,
};

/**
 * Django's `KEY_PREFIX` and `VERSION` from `CACHE_KEY_PREFIX` (default `''`) and `CACHE_VERSION` (a whole
 * number ≥ 0, default 1), with the session engine's `cachePrefix`.
 * @throws SessionConfigError when `CACHE_VERSION` is not a whole number.
 */
export function cacheKeysFromEnv(env: Env, cachePrefix: string): CacheKeyOptions {
  const keyPrefix = readString(env, 'CACHE_KEY_PREFIX');
  const versionText = readString(env, 'CACHE_VERSION');
  let version: number | undefined;
  if (versionText !== undefined) {
    version = /^\d+$/.test(versionText) ? Number(versionText) : NaN;
    if (!Number.isSafeInteger(version)) {
      throw new SessionConfigError(
        `CACHE_VERSION=${JSON.stringify(versionText)} is not a whole number ≥ 0; write Django's CACHES VERSION, e.g. CACHE_VERSION=1.`,
      );
    }
  }
  return { cachePrefix, ...(keyPrefix !== undefined && { keyPrefix }), ...(version !== undefined && { version }) };
}

/**
 * Opens the cache a `CACHE_URL` names (Django's default local-memory cache when unset).
 * @throws SessionConfigError naming `CACHE_URL` and the supported schemes when it is unusable.
 */
export function openCacheUrl(url: string = DEFAULT_CACHE_URL, keys: CacheKeyOptions = {}): OpenedCacheStore {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  const opener = scheme === undefined || !Object.hasOwn(CACHE_BACKENDS, scheme) ? undefined : CACHE_BACKENDS[scheme];
  if (!opener) {
    const known = Object.keys(CACHE_BACKENDS)
      .map((s) => `${s}://`)
      .join(', ');
    const what = scheme === undefined ? 'is not a URL' : `uses "${scheme}://", which sessionkit has no cache for`;
    throw new SessionConfigError(
      `${shownVariable('CACHE_URL', url)} ${what}. Supported: ${known} (e.g. CACHE_URL=redis://127.0.0.1:6379/0, or leave it unset for an in-process cache).`,
    );
  }
  return openFor(`${shownVariable('CACHE_URL', url)} cannot be used`, () => opener(url, keys));
}
