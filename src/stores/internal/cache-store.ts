/**
 * What the cache stores (Redis, memcached) share, as Django's cache engine has it: keys built from the
 * cache's prefix and version, the session data unsigned, records expired by the server (so nothing to
 * clear), and the configuration's clock for the TTLs they send.
 */
import type { StoreContext } from '../../core/store-contract.js';
import { type CacheKeyOptions, type CacheKeys, resolveCacheKeys } from './cache-keys.js';
import { LocalLocks } from './local-locks.js';
import { positiveInteger } from './store-options.js';

/** The time bounds of a cache server's store (Redis, memcached), with its keys' options. */
export interface CacheServerOptions extends CacheKeyOptions {
  /**
   * How long one command may take before it fails, in milliseconds.
   * @default 2000
   */
  readonly commandTimeoutMs?: number | undefined;
  /**
   * How long connecting to a server may take before the request fails, in milliseconds. A `client`
   * passed to the memcached store keeps its own `timeout`.
   * @default 2000
   */
  readonly connectTimeoutMs?: number | undefined;
}

/** {@link CacheServerOptions}' time bounds with their defaults, checked for the factory `factory`. */
export function cacheServerTimeouts(options: CacheServerOptions, factory: string): { commandTimeoutMs: number; connectTimeoutMs: number } {
  return {
    commandTimeoutMs: positiveInteger(options.commandTimeoutMs, 2000, 'commandTimeoutMs', factory),
    connectTimeoutMs: positiveInteger(options.connectTimeoutMs, 2000, 'connectTimeoutMs', factory),
  };
}

/** The base of the Redis and memcached stores. */
export abstract class CacheStore {
  /** Unsigned, as Django's cache engine keeps the session dict (see `SessionStore.dataFormat`). */
  readonly dataFormat = 'plain';
  /** The keys of this store's namespace. */
  protected readonly keys: CacheKeys;
  /** Requests of this process waiting for the same session's lock queue here first. */
  protected readonly locks = new LocalLocks();
  #now: () => number = Date.now;

  /** Checks the key options for the factory `factory` (with memcached's key rules when `memcachedSafe`). */
  constructor(factory: string, options: CacheKeyOptions, memcachedSafe: boolean) {
    this.keys = resolveCacheKeys(factory, options, memcachedSafe);
  }

  /** Computes TTLs by the configuration's clock. */
  attach(context: StoreContext): void {
    this.#now = context.now;
  }

  /** Always 0: the server expires sessions itself. */
  async clearExpired(): Promise<number> {
    return 0;
  }

  /** The clock: the attached configuration's, `Date.now` until then. */
  protected now(): number {
    return this.#now();
  }
}
