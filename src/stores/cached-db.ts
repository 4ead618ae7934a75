/**
 * Django's `cached_db` engine, as a composition of two stores: a database store (authoritative) and a
 * cache store in front of it (a write-through copy).
 *
 * - load: the cache first; a cache error counts as a miss and is logged. On a miss the database answers,
 *   and the cache is filled for the record's remaining lifetime.
 * - writes: the database first (its errors propagate: it is the truth), then the cache, whose errors are
 *   logged and tolerated, as Django 5.1+ does.
 * - compare-and-set: decided by the database, on the database's version.
 * - a key whose cache write or delete failed is not read from the cache again by this process until the
 *   cache has been repaired for it, so a stale copy is never served after an update or a delete made
 *   through this store.
 *
 * Sharing with a Django app. Django's `cached_db` caches a *pickled dict*; this store caches the same
 * signed string the database holds, so the two cannot share cache entries. What they share is the
 * database. Give sessionkit's cache a namespace of its own (e.g. `redisStore({ cachePrefix:
 * 'sessionkit.cached_db' })`), and pass {@link CachedDbStoreOptions.djangoCache} pointed at Django's
 * entries so that every write and delete made here drops Django's copy and Django re-reads the row.
 * The other direction cannot be fixed from here: after a Django app writes or deletes a row, this store
 * may serve its cached copy until that entry expires (updates still merge correctly, because the
 * compare-and-set goes to the database).
 */

import type { SessionStore, StoreContext, StoredSession, StoreLogger, UpdateOutcome } from '../core/store-contract.js';
import { SessionConfigError } from '../errors.js';
import { CacheCopy } from './cached-db/cache-copy.js';
import { KeyedMutex } from './internal/keyed-mutex.js';

/** Options of {@link cachedDbStore}. */
export interface CachedDbStoreOptions {
  /**
   * The cache in front: e.g. `redisStore({ url, cachePrefix: 'sessionkit.cached_db' })` or `memoryStore()`.
   * Do not give it the key namespace of a Django app's cache (see the module documentation).
   */
  readonly cache: SessionStore;
  /** The database, authoritative: e.g. `sqliteStore({ path })` or `postgresStore(...)`. */
  readonly db: SessionStore;
  /**
   * A store addressing the cache entries of a Django app's `cached_db` engine that shares `db`, e.g.
   * `redisStore({ url, cachePrefix: 'django.contrib.sessions.cached_db' })` with Django's `KEY_PREFIX` and
   * `VERSION`. Only its `delete` is called, after every update and delete made here, so Django never
   * serves its stale copy of a session this store changed. Its errors are logged and tolerated.
   * @default undefined (no Django cache to keep fresh)
   */
  readonly djangoCache?: SessionStore | undefined;
  /**
   * Where tolerated cache errors are reported (Django logs them on `django.contrib.sessions`).
   * @default console (the `logger` of `createSessions` when attached)
   */
  readonly logger?: StoreLogger | undefined;
}

/** The version handed out by {@link CachedDbStore.load}: where the data came from, and the database's version when known. */
class LoadedVersion {
  constructor(
    readonly data: string,
    readonly fromDb: boolean,
    readonly dbVersion: unknown,
  ) {}
}

/** Django's `cached_db` engine. */
class CachedDbStore implements SessionStore {
  readonly name = 'cached_db';
  /** Takes the database's per-session lock (or the cache's, when the database has none). */
  readonly lock?: NonNullable<SessionStore['lock']>;
  /** Lists the database's live sessions (when the database can). */
  readonly list?: NonNullable<SessionStore['list']>;
  /**
   * The database's batched `clearExpired` (when it has one), then a sweep of the cache as
   * {@link CachedDbStore.clearExpired} does; resolves the database's count.
   */
  readonly clearExpiredInBatches?: NonNullable<SessionStore['clearExpiredInBatches']>;
  /** How many of the database's rows have expired (when the database can count them). */
  readonly countExpired?: NonNullable<SessionStore['countExpired']>;
  /** Creates the database's session table when it is missing (when the database can). */
  readonly migrate?: NonNullable<SessionStore['migrate']>;
  readonly #db: SessionStore;
  readonly #cache: SessionStore;
  readonly #copy: CacheCopy;
  readonly #stores: readonly SessionStore[];
  readonly #mutex = new KeyedMutex();

  constructor(options: CachedDbStoreOptions) {
    if (options === null || typeof options !== 'object') {
      throw new SessionConfigError('cachedDbStore(options) needs `{ cache, db }`, e.g. `{ cache: memoryStore(), db: sqliteStore({ path }) }`.');
    }
    const { cache, db, djangoCache } = options;
    if (!isStore(db)) {
      throw new SessionConfigError('cachedDbStore: `db` must be a database store such as `sqliteStore({ path })` or `postgresStore(...)`.');
    }
    if (!isStore(cache)) {
      throw new SessionConfigError(
        'cachedDbStore: `cache` must be a cache store such as `memoryStore()` or `redisStore({ url, cachePrefix: "sessionkit.cached_db" })`.',
      );
    }
    if (cache === db) throw new SessionConfigError('cachedDbStore: `cache` and `db` must be two different stores.');
    if (djangoCache !== undefined && !isStore(djangoCache)) {
      throw new SessionConfigError("cachedDbStore: `djangoCache` must be a store addressing Django's cached_db cache entries, or left out.");
    }
    this.#db = db;
    this.#cache = cache;
    this.#copy = new CacheCopy(cache, djangoCache, options.logger);
    this.#stores = djangoCache === undefined ? [cache, db] : [cache, db, djangoCache];
    const locker = typeof db.lock === 'function' ? db : typeof cache.lock === 'function' ? cache : undefined;
    if (locker) this.lock = (key, lockOptions) => locker.lock!(key, lockOptions);
    if (typeof db.list === 'function') this.list = () => db.list!();
    if (typeof db.clearExpiredInBatches === 'function') {
      this.clearExpiredInBatches = async (clearOptions) => {
        const removed = await db.clearExpiredInBatches!(clearOptions);
        await this.#copy.sweep();
        return removed;
      };
    }
    if (typeof db.countExpired === 'function') this.countExpired = () => db.countExpired!();
    if (typeof db.migrate === 'function') this.migrate = () => db.migrate!();
  }

  /**
   * Takes the configuration's clock and logger (unless given its own `logger`), and attaches the cache and
   * the database to it too.
   */
  attach(context: StoreContext): void {
    this.#copy.attach(context);
    this.#cache.attach?.(context);
    this.#db.attach?.(context);
  }

  async load(key: string): Promise<StoredSession | null> {
    const cached = await this.#copy.load(key);
    if (cached) return { data: cached.data, version: new LoadedVersion(cached.data, false, undefined) };
    return this.#mutex.run(key, async () => {
      const record = await this.#db.load(key);
      if (record === null) return null;
      await this.#copy.fill(key, record);
      return { data: record.data, version: new LoadedVersion(record.data, true, record.version) };
    });
  }

  async exists(key: string): Promise<boolean> {
    return (await this.#copy.exists(key)) || this.#db.exists(key);
  }

  create(key: string, data: string, expireDate: Date): Promise<boolean> {
    return this.#mutex.run(key, async () => {
      if (!(await this.#db.create(key, data, expireDate))) return false;
      await this.#copy.put(key, data, expireDate);
      return true;
    });
  }

  update(key: string, data: string, expireDate: Date, expected?: unknown): Promise<UpdateOutcome> {
    return this.#mutex.run(key, async () => {
      let dbExpected = expected;
      if (expected instanceof LoadedVersion) {
        if (expected.fromDb) {
          dbExpected = expected.dbVersion;
        } else {
          // Loaded from the cache: the database's version is found by checking it still holds that data.
          const current = await this.#db.load(key);
          if (current === null || current.data !== expected.data) {
            await this.#copy.drop(key);
            return current === null ? 'missing' : 'conflict';
          }
          dbExpected = current.version;
        }
      }
      const outcome = await this.#db.update(key, data, expireDate, dbExpected);
      if (outcome === 'updated') {
        await this.#copy.put(key, data, expireDate);
        await this.#copy.dropFromDjangoCache(key);
      } else {
        // The cached copy is what made this write stale, or it outlived its row.
        await this.#copy.drop(key);
      }
      return outcome;
    });
  }

  async delete(key: string): Promise<void> {
    await this.#mutex.run(key, async () => {
      await this.#db.delete(key);
      await this.#copy.drop(key);
      await this.#copy.dropFromDjangoCache(key);
    });
  }

  /** Deletes the database's expired rows, then sweeps the cache; resolves the database's count. */
  async clearExpired(): Promise<number> {
    const removed = await this.#db.clearExpired();
    await this.#copy.sweep();
    return removed;
  }

  async close(): Promise<void> {
    const results = await Promise.allSettled(this.#stores.map((store) => store.close?.()));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
  }
}

/** Django's `cached_db` engine: `db` is authoritative, `cache` a write-through copy in front of it. */
export function cachedDbStore(options: CachedDbStoreOptions): CachedDbStore {
  return new CachedDbStore(options);
}

function isStore(value: unknown): value is SessionStore {
  return (
    value !== null &&
    typeof value === 'object' &&
    ['load', 'exists', 'create', 'update', 'delete', 'clearExpired'].every((method) => typeof (value as Record<string, unknown>)[method] === 'function')
  );
}

export type { CachedDbStore };
