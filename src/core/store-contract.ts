/**
 * The store contract: the few primitives a storage engine provides. All policy (keys, encoding, expiry,
 * merging concurrent changes, the middleware decisions) lives in the core, so a store is a screenful of
 * code. Stores move opaque strings: `data` is what the core encoded, in the store's {@link DataFormat}.
 *
 * Every store passes the conformance suite in `test/stores/conformance.ts`.
 */

/**
 * How a store wants session data encoded. `signed`: Django's `session_data` (a signed, maybe compressed
 * token), which Django's db and file engines store and read. `plain`: the serialized data alone, as
 * Django's cache engine keeps the session dict itself, unsigned.
 */
export type DataFormat = 'signed' | 'plain';

/** What {@link SessionStore.load} returns for a live session. */
export interface StoredSession {
  /** The encoded session data exactly as stored (for database stores, Django's `session_data`). */
  readonly data: string;
  /**
   * An opaque token naming this revision of the record, handed back to {@link SessionStore.update} as
   * `expected` for compare-and-set. SQL stores use the data itself; memcached uses its CAS id.
   */
  readonly version: unknown;
  /**
   * When the record expires, for stores that know it (database stores read `expire_date`). `cached_db`
   * uses it to give a cache entry filled from the database the row's remaining lifetime.
   */
  readonly expireDate?: Date;
}

/** Outcome of {@link SessionStore.update}. */
export type UpdateOutcome =
  /** The record was replaced. */
  | 'updated'
  /** No record under that key (deleted, or expired out of a cache): nothing was written. */
  | 'missing'
  /** `expected` was given and the record has changed since: nothing was written. */
  | 'conflict';

/** Options of {@link SessionStore.lock}. */
export interface LockOptions {
  /** How long to wait for the lock before failing, in milliseconds. */
  readonly waitMs: number;
  /** How long the lock lives if its holder dies without releasing it, in milliseconds. */
  readonly ttlMs: number;
}

/** A held per-session lock. */
export interface HeldLock {
  /** Releases the lock. Safe to call more than once. */
  release(): Promise<void>;
}

/** One stored session as listed by {@link SessionStore.list}. */
export interface ListedSession {
  /** The session key. */
  readonly key: string;
  /** When it expires; `null` when the store cannot tell (a cache entry written without a TTL). */
  readonly expireDate: Date | null;
  /** Size of the stored data in bytes. */
  readonly size: number;
}

/** Options of {@link SessionStore.clearExpiredInBatches}. */
export interface ClearExpiredOptions {
  /**
   * How much one step handles at most: rows one `DELETE` statement removes (SQL stores), directory
   * entries one step examines (file store).
   * @default 5000
   */
  readonly batchSize?: number | undefined;
  /** Called after each step that removed sessions, with the number removed so far. */
  readonly onProgress?: ((removedSoFar: number) => void) | undefined;
}

/** Outcome of {@link SessionStore.migrate}. */
export type MigrateOutcome =
  /** The session table was missing and has been created, with Django's columns and indexes. */
  | 'created'
  /** The table was already there; nothing was changed. */
  | 'exists';

/** How a store reports what goes wrong outside any request (a connection dropped, a file left over). */
export interface StoreLogger {
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/**
 * What the engine hands a store when the store is attached to a `createSessions` configuration, so the
 * store follows the configuration instead of its own copy of it.
 */
export interface StoreContext {
  /** The configuration's clock, in milliseconds since the epoch (`now` of `createSessions`). */
  readonly now: () => number;
  /** The session cookie's name (Django's `SESSION_COOKIE_NAME`). */
  readonly cookieName: string;
  /** The session cookie's age in seconds (Django's `SESSION_COOKIE_AGE`). */
  readonly cookieAge: number;
  /** Where the configuration logs. */
  readonly logger: StoreLogger;
}

/**
 * Tier 1, the request path: what every store provides and every request may call. Keys come from the
 * engine, which has already checked them (8–40 characters of `[a-z0-9]`); a store does not check them
 * again, except the file store, which keeps its guard against a path leaving its directory.
 */
export interface RequestPathStore {
  /** Short name used in error messages and logs, e.g. `"sqlite"`. */
  readonly name: string;
  /**
   * How the store wants session data encoded. Cache stores say `plain`: anyone who can write to the
   * cache can then write sessions, as with Django's cache engine, so keep the cache private.
   * @default 'signed'
   */
  readonly dataFormat?: DataFormat;
  /** The live record under `key`, or `null` when it is missing or expired (`expire_date <= now`). */
  load(key: string): Promise<StoredSession | null>;
  /**
   * Django's `exists`: whether a record is stored under `key`. Database and file stores answer for expired
   * records not yet cleared too (as Django's db engine does); cache stores only know live ones.
   */
  exists(key: string): Promise<boolean>;
  /** Inserts a new record; resolves `false`, writing nothing, when the key is already taken. */
  create(key: string, data: string, expireDate: Date): Promise<boolean>;
  /**
   * Replaces an existing record. Never creates one: a missing record gives `'missing'` (no resurrection).
   * With `expected`, replaces only if the record is still at that version (compare-and-set).
   */
  update(key: string, data: string, expireDate: Date, expected?: unknown): Promise<UpdateOutcome>;
  /** Deletes the record; a missing record is not an error. */
  delete(key: string): Promise<void>;
}

/** Tier 2, locking: stores that can hold a per-session lock (opt-in `locking` of `createSessions`). */
export interface LockingStore {
  /**
   * Takes the per-session lock for `key`, waiting at most `options.waitMs`; rejects with
   * `SessionLockTimeout` when the wait runs out.
   */
  lock(key: string, options: LockOptions): Promise<HeldLock>;
}

/** Tier 3, administration: used by `clearExpired()` and the `sessionkit` command line, never by a request. */
export interface StoreAdministration {
  /**
   * Deletes the expired records (on a database, those with `expire_date < now`, as Django's
   * `clear_expired`) and resolves how many were removed (0 for stores whose server expires them).
   */
  clearExpired(): Promise<number>;
  /**
   * {@link StoreAdministration.clearExpired} a step at a time, each step short (on a database, one
   * statement committed on its own) so that concurrent requests get in between, reporting progress after
   * each step. Stores that implement it run `clearExpired()` as `clearExpiredInBatches({})`.
   * @throws SessionConfigError (as a rejection) when `batchSize` is not a positive whole number.
   */
  clearExpiredInBatches?(options?: ClearExpiredOptions): Promise<number>;
  /**
   * How many stored records have expired and wait for `clearExpired`, judged as it judges them; so the
   * command line can show a progress bar. A snapshot: records keep expiring and being written meanwhile.
   */
  countExpired?(): Promise<number>;
  /**
   * Lists the live sessions: never one that `load` would report expired, though a session may expire
   * while the listing runs. Stores that cannot enumerate their keys (memcached) leave it out.
   */
  list?(): AsyncIterable<ListedSession>;
  /**
   * Creates the session table, with its indexes, exactly as Django's `migrate` makes them, when the table
   * is missing, and resolves whether it did. An existing table is not altered (SQLite adds its
   * `expire_date` index when that alone is missing). For database stores (and `cached_db`, which forwards
   * to its database); used by `sessionkit migrate`.
   */
  migrate?(): Promise<MigrateOutcome>;
}

/** A store's life: attached to a configuration, then closed. */
export interface StoreLifecycle {
  /**
   * Called once when the store is attached to a `createSessions` configuration (or to the command line's),
   * before any other call: the store adopts the configuration's clock, cookie name, cookie age and logger.
   * A store used unattached falls back to `Date.now` and its own options.
   */
  attach?(context: StoreContext): void;
  /** Releases connections, timers and files. */
  close?(): Promise<void>;
}

/**
 * A session storage engine: the request path, optional locking, administration and a life cycle. A new
 * store implements {@link RequestPathStore} and `clearExpired`; the rest is optional.
 */
export interface SessionStore extends RequestPathStore, Partial<LockingStore>, StoreAdministration, StoreLifecycle {}
