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
import { SessionConfigError } from '../errors.js';
import type { ClearExpiredOptions, HeldLock, ListedSession, LockOptions, MigrateOutcome, SessionStore, StoreContext, StoreLogger, StoredSession, UpdateOutcome } from '../core/store-contract.js';
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
  readonly djangoCache?: SessionStore;
  /**
   * Where tolerated cache errors are reported (Django logs them on `django.contrib.sessions`).
   * @default console (the `logger` of `createSessions` when attached)
   */
  readonly logger?: StoreLogger;
}

/** The version handed out by {@link CachedDbStore.load}: where the data came from, and the database's version when known. */
class LoadedVersion {
  constructor(
    readonly data: string,
    readonly fromDb: boolean,
    readonly dbVersion: unknown,
  ) {}
}

// Keys whose cache entry may be stale are remembered up to this many; beyond it the oldest are forgotten.
const MAX_DISTRUSTED_KEYS = 10_000;

/** Django's `cached_db` engine. */
export class CachedDbStore implements SessionStore {
  readonly name = 'cached_db';
  /** Takes the database's per-session lock (or the cache's, when the database has none). */
  readonly lock?: (key: string, options: LockOptions) => Promise<HeldLock>;
  /** Lists the database's live sessions (when the database can). */
  readonly list?: () => AsyncIterable<ListedSession>;
  /**
   * The database's batched `clearExpired` (when it has one), then a sweep of the cache as
   * {@link CachedDbStore.clearExpired} does; resolves the database's count.
   */
  readonly clearExpiredInBatches?: (options?: ClearExpiredOptions) => Promise<number>;
  /** How many of the database's rows have expired (when the database can count them). */
  readonly countExpired?: () => Promise<number>;
  /** Creates the database's session table when it is missing (when the database can). */
  readonly migrate?: () => Promise<MigrateOutcome>;
  readonly #cache: SessionStore;
  readonly #db: SessionStore;
  readonly #djangoCache: SessionStore | undefined;
  readonly #ownLogger: boolean;
  #logger: StoreLogger;
  #now: () => number = Date.now;
  readonly #mutex = new KeyedMutex();
  // Keys whose cache entry could not be written or deleted: read from the database until repaired.
  readonly #distrusted = new Set<string>();

  constructor(options: CachedDbStoreOptions) {
    if (options === null || typeof options !== 'object') {
      throw new SessionConfigError('cachedDbStore(options) needs `{ cache, db }`, e.g. `{ cache: memoryStore(), db: sqliteStore({ path }) }`.');
    }
    const { cache, db, djangoCache } = options;
    if (!isStore(db)) {
      throw new SessionConfigError('cachedDbStore: `db` must be a database store such as `sqliteStore({ path })` or `postgresStore(...)`.');
    }
    if (!isStore(cache)) {
      throw new SessionConfigError('cachedDbStore: `cache` must be a cache store such as `memoryStore()` or `redisStore({ url, cachePrefix: "sessionkit.cached_db" })`.');
    }
    if (cache === db) throw new SessionConfigError('cachedDbStore: `cache` and `db` must be two different stores.');
    if (djangoCache !== undefined && !isStore(djangoCache)) {
      throw new SessionConfigError("cachedDbStore: `djangoCache` must be a store addressing Django's cached_db cache entries, or left out.");
    }
    this.#cache = cache;
    this.#db = db;
    this.#djangoCache = djangoCache;
    this.#ownLogger = options.logger !== undefined;
    this.#logger = options.logger ?? console;
    const locker = typeof db.lock === 'function' ? db : typeof cache.lock === 'function' ? cache : undefined;
    if (locker) this.lock = (key, lockOptions) => locker.lock!(key, lockOptions);
    if (typeof db.list === 'function') this.list = () => db.list!();
    if (typeof db.clearExpiredInBatches === 'function') {
      this.clearExpiredInBatches = async (clearOptions) => this.#sweepCacheAfter(await db.clearExpiredInBatches!(clearOptions));
    }
    if (typeof db.countExpired === 'function') this.countExpired = () => db.countExpired!();
    if (typeof db.migrate === 'function') this.migrate = () => db.migrate!();
  }

  /**
   * Takes the configuration's clock and logger (unless given its own `logger`), and attaches the cache and
   * the database to it too.
   */
  attach(context: StoreContext): void {
    this.#now = context.now;
    if (!this.#ownLogger) this.#logger = context.logger;
    this.#cache.attach?.(context);
    this.#db.attach?.(context);
  }

  async load(key: string): Promise<StoredSession | null> {
    if (!this.#distrusted.has(key)) {
      const cached = await this.#tryCache('reading from', () => this.#cache.load(key));
      if (cached) return { data: cached.data, version: new LoadedVersion(cached.data, false, undefined) };
    }
    return this.#mutex.run(key, async () => {
      const record = await this.#db.load(key);
      if (record === null) return null;
      await this.#fill(key, record);
      return { data: record.data, version: new LoadedVersion(record.data, true, record.version) };
    });
  }

  async exists(key: string): Promise<boolean> {
    if (!this.#distrusted.has(key) && (await this.#tryCache('reading from', () => this.#cache.exists(key)))) return true;
    return this.#db.exists(key);
  }

  create(key: string, data: string, expireDate: Date): Promise<boolean> {
    return this.#mutex.run(key, async () => {
      if (!(await this.#db.create(key, data, expireDate))) return false;
      await this.#putInCache(key, data, expireDate);
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
            await this.#dropFromCache(key);
            return current === null ? 'missing' : 'conflict';
          }
          dbExpected = current.version;
        }
      }
      const outcome = await this.#db.update(key, data, expireDate, dbExpected);
      if (outcome === 'updated') {
        await this.#putInCache(key, data, expireDate);
        await this.#dropFromDjangoCache(key);
      } else {
        // The cached copy is what made this write stale, or it outlived its row.
        await this.#dropFromCache(key);
      }
      return outcome;
    });
  }

  async delete(key: string): Promise<void> {
    await this.#mutex.run(key, async () => {
      await this.#db.delete(key);
      await this.#dropFromCache(key);
      await this.#dropFromDjangoCache(key);
    });
  }

  /** Deletes the database's expired rows, then sweeps the cache; resolves the database's count. */
  async clearExpired(): Promise<number> {
    return this.#sweepCacheAfter(await this.#db.clearExpired());
  }

  async close(): Promise<void> {
    const results = await Promise.allSettled([this.#cache, this.#db, this.#djangoCache].map((store) => store?.close?.()));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
  }

  /** Sweeps the cache after the database was cleared, and passes on the database's count. */
  async #sweepCacheAfter(removedFromDb: number): Promise<number> {
    // A cache that does not expire entries by itself (the memory store) is swept too; its count is not Django's.
    await this.#tryCache('sweeping', () => this.#cache.clearExpired());
    return removedFromDb;
  }

  /** After a database load: repairs a distrusted entry, then fills the cache for the record's remaining life. */
  async #fill(key: string, record: StoredSession): Promise<void> {
    if (this.#distrusted.has(key)) {
      const repaired = await this.#tryCache('deleting from', async () => {
        await this.#cache.delete(key);
        return true;
      });
      if (!repaired) return;
      this.#distrusted.delete(key);
    }
    // Without the row's expiry nothing is cached here, since a guessed lifetime could outlive the row.
    const expireDate = record.expireDate;
    if (!(expireDate instanceof Date) || !(expireDate.getTime() > this.#now())) return;
    // Add, never overwrite: another process may have cached a newer write since the row was read.
    await this.#tryCache('filling', () => this.#cache.create(key, record.data, expireDate));
  }

  async #putInCache(key: string, data: string, expireDate: Date): Promise<void> {
    const written = await this.#tryCache('saving to', async () => {
      const outcome = await this.#cache.update(key, data, expireDate);
      if (outcome !== 'missing') return true;
      // Something appeared between update and create (another process): drop it rather than guess.
      if (!(await this.#cache.create(key, data, expireDate))) await this.#cache.delete(key);
      return true;
    });
    this.#trust(key, written !== undefined);
  }

  async #dropFromCache(key: string): Promise<void> {
    const dropped = await this.#tryCache('deleting from', async () => {
      await this.#cache.delete(key);
      return true;
    });
    this.#trust(key, dropped !== undefined);
  }

  async #dropFromDjangoCache(key: string): Promise<void> {
    const djangoCache = this.#djangoCache;
    if (!djangoCache) return;
    try {
      await djangoCache.delete(key);
    } catch (error) {
      this.#logger.error(`sessionkit cached_db: error deleting a session from Django's cache (${djangoCache.name}); Django may serve its stale copy until it expires`, error);
    }
  }

  #trust(key: string, trusted: boolean): void {
    if (trusted) {
      this.#distrusted.delete(key);
      return;
    }
    this.#distrusted.delete(key); // re-insert as the newest
    this.#distrusted.add(key);
    if (this.#distrusted.size > MAX_DISTRUSTED_KEYS) {
      const oldest = this.#distrusted.values().next().value;
      if (oldest !== undefined) this.#distrusted.delete(oldest);
    }
  }

  /** Runs a cache operation; an error is logged (Django: "Error saving to cache") and gives `undefined`. */
  async #tryCache<R>(action: string, operation: () => Promise<R>): Promise<R | undefined> {
    try {
      return await operation();
    } catch (error) {
      this.#logger.error(`sessionkit cached_db: error ${action} cache (${this.#cache.name}); the database answers instead`, error);
      return undefined;
    }
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
