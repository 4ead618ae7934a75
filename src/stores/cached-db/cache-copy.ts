/**
 * The cache half of `cached_db`: a write-through copy of the database's records whose errors are logged
 * and tolerated, as Django 5.1+ does. A key whose cache write or delete failed is not read from the cache
 * again by this process until the cache has been repaired for it, so a stale copy is never served after
 * an update or a delete made through the store.
 */
import type { SessionStore, StoreContext, StoredSession, StoreLogger } from '../../core/store-contract.js';

// Keys whose cache entry may be stale are remembered up to this many; beyond it the oldest are forgotten.
const MAX_DISTRUSTED_KEYS = 10_000;

/** The cache in front of the database, and the Django cache kept fresh beside it. */
export class CacheCopy {
  readonly #cache: SessionStore;
  readonly #djangoCache: SessionStore | undefined;
  readonly #ownLogger: boolean;
  #logger: StoreLogger;
  #now: () => number = Date.now;
  // Keys whose cache entry could not be written or deleted: read from the database until repaired.
  readonly #distrusted = new Set<string>();

  /** `logger`, when given, wins over the configuration's. */
  constructor(cache: SessionStore, djangoCache: SessionStore | undefined, logger: StoreLogger | undefined) {
    this.#cache = cache;
    this.#djangoCache = djangoCache;
    this.#ownLogger = logger !== undefined;
    this.#logger = logger ?? console;
  }

  /** Takes the configuration's clock, and its logger unless one was given. */
  attach(context: StoreContext): void {
    this.#now = context.now;
    if (!this.#ownLogger) this.#logger = context.logger;
  }

  /** The cached record; `null` when there is none, the key is distrusted or the cache failed (logged). */
  async load(key: string): Promise<StoredSession | null> {
    if (this.#distrusted.has(key)) return null;
    return (await this.#tryCache('reading from', () => this.#cache.load(key))) ?? null;
  }

  /** Whether the cache holds the key (`false` when distrusted or failing). */
  async exists(key: string): Promise<boolean> {
    if (this.#distrusted.has(key)) return false;
    return (await this.#tryCache('reading from', () => this.#cache.exists(key))) === true;
  }

  /** After a database load: repairs a distrusted entry, then fills the cache for the record's remaining life. */
  async fill(key: string, record: StoredSession): Promise<void> {
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

  /** Writes the record the database now holds. */
  async put(key: string, data: string, expireDate: Date): Promise<void> {
    const written = await this.#tryCache('saving to', async () => {
      const outcome = await this.#cache.update(key, data, expireDate);
      if (outcome !== 'missing') return true;
      // Something appeared between update and create (another process): drop it rather than guess.
      if (!(await this.#cache.create(key, data, expireDate))) await this.#cache.delete(key);
      return true;
    });
    this.#trust(key, written !== undefined);
  }

  /** Deletes the cached record. */
  async drop(key: string): Promise<void> {
    const dropped = await this.#tryCache('deleting from', async () => {
      await this.#cache.delete(key);
      return true;
    });
    this.#trust(key, dropped !== undefined);
  }

  /** Deletes Django's copy, if a Django cache was given. */
  async dropFromDjangoCache(key: string): Promise<void> {
    const djangoCache = this.#djangoCache;
    if (!djangoCache) return;
    try {
      await djangoCache.delete(key);
    } catch (error) {
      this.#logger.error(
        `sessionkit cached_db: error deleting a session from Django's cache (${djangoCache.name}); Django may serve its stale copy until it expires`,
        error,
      );
    }
  }

  /** Sweeps the cache after the database was cleared. */
  async sweep(): Promise<void> {
    // A cache that does not expire entries by itself (the memory store) is swept too; its count is not Django's.
    await this.#tryCache('sweeping', () => this.#cache.clearExpired());
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
