/**
 * The `cache` and `cached_db` engines from the environment: `CACHE_URL` (with `CACHE_KEY_PREFIX` and
 * `CACHE_VERSION`) for the cache, `DATABASE_URL` for `cached_db`'s database.
 */

import type { SessionStore } from '../core/store-contract.js';
import { cachedDbStore } from '../stores/cached-db.js';
import { CACHE_ENGINE_PREFIX, CACHED_DB_ENGINE_PREFIX } from '../stores/internal/cache-keys.js';
import { cacheKeysFromEnv, openCacheUrl } from './cache-url.js';
import type { OpenedDatabaseStore } from './database-url.js';
import type { EngineContext, OpenedEngine } from './engines.js';
import { readString } from './values.js';

/** Django's `cache` engine: sessions in the cache `CACHE_URL` names, under Django's keys. */
export function openCacheEngine(context: EngineContext): OpenedEngine {
  return openCacheUrl(readString(context.env, 'CACHE_URL'), cacheKeysFromEnv(context.env, CACHE_ENGINE_PREFIX));
}

/** `cache_key_prefix` of sessionkit's `cached_db` cache entries: apart from Django's pickled ones. */
export const SESSIONKIT_CACHED_DB_PREFIX = 'sessionkit.cached_db';

/**
 * Django's `cached_db` engine: the database `DATABASE_URL` names, behind the cache `CACHE_URL` names.
 *
 * The cache entries hold sessionkit's signed data under `<KEY_PREFIX>:<VERSION>:sessionkit.cached_db<key>`,
 * not under Django's `django.contrib.sessions.cached_db<key>`, whose values are Python pickles: sharing
 * those keys would make each side read the other's entries as corrupt and overwrite the session. So that a
 * Django app on the same database and cache never serves a stale copy after sessionkit writes, every write
 * also deletes Django's entry for that session. Django's own `cached_db` does not delete sessionkit's entry,
 * so its writes (a logout) reach sessionkit when that entry expires, unless the Django project uses the
 * engine the README's "Running beside Django" shows, which does.
 */
export function openCachedDbEngine(context: EngineContext): OpenedEngine {
  // The caches first: opening them touches nothing, while opening a SQLite database creates its file.
  const cacheUrl = readString(context.env, 'CACHE_URL');
  const cache = openCacheUrl(cacheUrl, cacheKeysFromEnv(context.env, SESSIONKIT_CACHED_DB_PREFIX));
  const djangoCache = cacheUrl === undefined ? undefined : openCacheUrl(cacheUrl, cacheKeysFromEnv(context.env, CACHED_DB_ENGINE_PREFIX));
  let db: OpenedDatabaseStore;
  try {
    db = context.openDatabase();
  } catch (error) {
    void closeQuietly(cache.store);
    if (djangoCache) void closeQuietly(djangoCache.store);
    throw error;
  }
  return {
    store: cachedDbStore({ cache: cache.store, db: db.store, logger: context.logger, ...(djangoCache && { djangoCache: djangoCache.store }) }),
    description: `${db.description}, cached in ${cache.description}`,
  };
}

async function closeQuietly(store: SessionStore): Promise<void> {
  await store.close?.().catch(() => undefined);
}
