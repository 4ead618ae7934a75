/**
 * The `cache` and `cached_db` engines from the environment: `CACHE_URL` (with `CACHE_KEY_PREFIX` and
 * `CACHE_VERSION`) for the cache, `DATABASE_URL` for `cached_db`'s database.
 */
import { cachedDbStore } from '../stores/cached-db.js';
import type { SessionStore } from '../stores/contract.js';
import { CACHE_ENGINE_PREFIX, CACHED_DB_ENGINE_PREFIX } from '../stores/internal/cache-keys.js';
import { cacheKeysFromEnv, openCacheUrl } from './cache-url.js';
import type { EngineContext, OpenedEngine } from './engines.js';
import { readString } from './values.js';

/** Django's `cache` engine: sessions in the cache `CACHE_URL` names, under Django's keys. */
export function openCacheEngine(context: EngineContext): OpenedEngine {
  return openCacheUrl(readString(context.env, 'CACHE_URL'), cacheKeysFromEnv(context.env, CACHE_ENGINE_PREFIX));
}

/**
 * Django's `cached_db` engine: the database `DATABASE_URL` names, behind the cache `CACHE_URL` names.
 * The cache entries are keyed as Django's `cached_db` keys them (`<KEY_PREFIX>:<VERSION>:
 * django.contrib.sessions.cached_db<key>`) but hold sessionkit's signed data, not Django's pickles: next
 * to a Django app using the same cache, give sessionkit a `CACHE_KEY_PREFIX` of its own.
 */
export function openCachedDbEngine(context: EngineContext): OpenedEngine {
  // The cache first: opening it touches nothing, while opening a SQLite database creates its file.
  const cache = openCacheUrl(readString(context.env, 'CACHE_URL'), cacheKeysFromEnv(context.env, CACHED_DB_ENGINE_PREFIX));
  let db;
  try {
    db = context.openDatabase();
  } catch (error) {
    void closeQuietly(cache.store);
    throw error;
  }
  return {
    store: cachedDbStore({ cache: cache.store, db: db.store }),
    description: `${db.description}, cached in ${cache.description}`,
  };
}

async function closeQuietly(store: SessionStore): Promise<void> {
  await store.close?.().catch(() => undefined);
}
