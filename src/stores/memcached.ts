/**
 * Django's `cache` session engine on memcached, through the `memcached` package (one server, or several
 * with the client's consistent hashing).
 *
 * Keys are Django's: `<keyPrefix>:<version>:django.contrib.sessions.cache<session key>`. Each value is the
 * session's encoded data, the signed string Django's `db` engine stores, and the server expires it.
 * Django's own cache engine stores a *pickled dict* under the same key, so a Django app and a sessionkit
 * app cannot share sessions through this engine: give them different prefixes, or share the `db` engine.
 *
 * A server that is down gives a prompt error (the core turns it into `SessionStoreUnavailable`, a 503),
 * never a request that hangs, and the store uses the server again by itself once it is back.
 */
import type Memcached from 'memcached';
import type { HeldLock, LockOptions, SessionStore, StoredSession, UpdateOutcome } from '../core/store-contract.js';
import { SessionConfigError } from '../errors.js';
import { type CacheServerOptions, CacheStore, cacheServerTimeouts } from './internal/cache-store.js';
import { loadOptionalDriver } from './internal/optional-driver.js';
import { acquirePollingLock, lockToken } from './internal/polling-lock.js';
import { exactlyOneSource, positiveInteger } from './internal/store-options.js';
import type { ClientError } from './memcached/client-internals.js';
import { MemcachedConnection } from './memcached/connection.js';
import { EXPIRED_LIFETIME, memcachedLifetime } from './memcached/lifetime.js';
import { checkServers, serversOfUrl } from './memcached/servers.js';

export { memcachedLifetime } from './memcached/lifetime.js';

/** Options of {@link memcachedStore}. Give exactly one of `url`, `servers` or `client`. */
export interface MemcachedStoreOptions extends CacheServerOptions {
  /** The servers as a URL: `memcached://host:port[,host:port…]` (port 11211 when left out). */
  readonly url?: string | undefined;
  /** The servers as `host:port` strings (Django's `LOCATION` list). Keys are spread over them by consistent hashing. */
  readonly servers?: readonly string[] | undefined;
  /**
   * A `memcached` client you created and own: the store never ends it and does not change its failure
   * handling. Prefer `url` or `servers`: the package's own handling of a dead server retries it only
   * after `retry` (30 s by default) and its reconnection runs the `ping` program, which crashes the
   * process on machines that lack it; the store's own client avoids both (see {@link MemcachedStore}).
   */
  readonly client?: Memcached | undefined;
  /**
   * After a connection to a server fails, its commands fail at once for this long; then the next command
   * tries to connect again. This is how the store notices a server that came back. Only for a client the
   * store creates.
   * @default 1000
   */
  readonly retryMs?: number | undefined;
  /**
   * Connections to each server (for a client the store creates). The store never has more commands in
   * flight than this; more wait their turn (within `commandTimeoutMs`), since the client answers a full
   * pool with an error.
   * @default 10
   */
  readonly poolSize?: number | undefined;
}

// The factory, which the store's errors name.
const FACTORY = 'memcachedStore';

/**
 * The memcached store. When it creates the client (from `url` or `servers`), the client:
 * - makes one connection attempt per command (`retries: 0`), bounded by `connectTimeoutMs`;
 * - after a failed connection, fails that server's commands at once for `retryMs`, then tries it again
 *   (see `memcached/connection.ts`: the package's own handling needs a `ping` program);
 * - never drops a dead server from the hash ring (`remove: false`, no failover): its sessions fail with
 *   a 503 until it returns rather than move to another server and come back stale later;
 * - never shortens a long key by hashing it (`keyCompression: false`): keys are checked at construction.
 * Every command is bounded by `commandTimeoutMs`, which covers a server that hangs.
 *
 * memcached cannot enumerate its keys, so this store has no `list()`.
 */
class MemcachedStore extends CacheStore implements SessionStore {
  readonly name = 'memcached';
  readonly #client: Memcached;
  readonly #connection: MemcachedConnection;

  constructor(options: MemcachedStoreOptions) {
    super(FACTORY, options, true);
    const { commandTimeoutMs, connectTimeoutMs } = cacheServerTimeouts(options, FACTORY);
    const retryMs = positiveInteger(options.retryMs, 1000, 'retryMs', FACTORY);
    const poolSize = positiveInteger(options.poolSize, 10, 'poolSize', FACTORY);
    exactlyOneSource(options, [{ name: 'url', shown: "`url` (e.g. 'memcached://127.0.0.1:11211')" }, { name: 'servers' }, { name: 'client' }], FACTORY);
    const settings = { commandTimeoutMs, retryMs, poolSize };
    if (options.client !== undefined) {
      if (typeof (options.client as Partial<Memcached>).gets !== 'function') {
        throw new SessionConfigError(`${FACTORY}: \`client\` must be a client of the \`memcached\` package; or pass \`url\` or \`servers\` instead.`);
      }
      this.#client = options.client;
      this.#connection = new MemcachedConnection(options.client, { ...settings, owned: false });
      return;
    }
    const servers = options.url !== undefined ? serversOfUrl(FACTORY, options.url) : checkServers(FACTORY, options.servers!);
    const MemcachedClient = loadOptionalDriver<typeof Memcached>('memcached', FACTORY);
    this.#client = new MemcachedClient(servers, {
      retries: 0,
      timeout: connectTimeoutMs,
      remove: false,
      keyCompression: false,
      poolSize,
    });
    this.#connection = new MemcachedConnection(this.#client, { ...settings, owned: true });
  }

  async load(key: string): Promise<StoredSession | null> {
    const item = await this.#gets(this.keys.dataKey(key));
    // The CAS id names this revision of the item: update() hands it back for compare-and-set.
    return item === null ? null : { data: item.value, version: item.cas };
  }

  async exists(key: string): Promise<boolean> {
    return (await this.#get(this.keys.dataKey(key))) !== null;
  }

  create(key: string, data: string, expireDate: Date): Promise<boolean> {
    return this.#write('add', this.keys.dataKey(key), data, memcachedLifetime(expireDate, this.now()));
  }

  async update(key: string, data: string, expireDate: Date, expected?: unknown): Promise<UpdateOutcome> {
    const cacheKey = this.keys.dataKey(key);
    const lifetime = memcachedLifetime(expireDate, this.now());
    if (expected === undefined) return (await this.#write('replace', cacheKey, data, lifetime)) ? 'updated' : 'missing';
    // CAS ids are the digit strings load() handed out; anything else cannot match.
    if (typeof expected !== 'string' || !/^\d+$/.test(expected)) return 'conflict';
    if (await this.#cas(cacheKey, data, expected, lifetime)) return 'updated';
    // memcached answers EXISTS (changed) and NOT_FOUND (gone) alike through this client: ask which.
    return (await this.#get(cacheKey)) === null ? 'missing' : 'conflict';
  }

  delete(key: string): Promise<void> {
    return this.#delete(this.keys.dataKey(key));
  }

  /**
   * Takes the session's lock: `add <data key>:lock <token>` with the lock's TTL (whole seconds, at least
   * one), polled with a short backoff until `waitMs` runs out, after requests of this process waiting
   * for the same session have had their turn. Released only while it still holds this holder's token
   * (`gets`, then `cas` with an expired lifetime), so a holder whose TTL ran out never frees a lock
   * someone else has taken since.
   */
  lock(key: string, options: LockOptions): Promise<HeldLock> {
    const lockKey = this.keys.lockKey(key);
    const token = lockToken();
    const ttlSeconds = Math.max(1, Math.ceil(options.ttlMs / 1000));
    return acquirePollingLock(this.locks, key, options, {
      tryAcquire: () => this.#write('add', lockKey, token, ttlSeconds),
      release: async () => {
        const item = await this.#gets(lockKey);
        if (item !== null && item.value === token) await this.#cas(lockKey, token, item.cas, EXPIRED_LIFETIME);
      },
    });
  }

  /** `get`: the value, or `null` when there is none. */
  async #get(cacheKey: string): Promise<string | null> {
    const value = await this.#connection.call<unknown>('get', (done) => this.#client.get(cacheKey, done));
    return value === undefined || value === null ? null : String(value);
  }

  /** `gets`: the value with its CAS id, or `null` when there is none. */
  async #gets(cacheKey: string): Promise<{ value: string; cas: string } | null> {
    const reply = await this.#connection.call<Record<string, unknown> | undefined>('gets', (done) => this.#client.gets(cacheKey, done));
    if (reply === undefined || reply === null || typeof reply.cas !== 'string' || !(cacheKey in reply)) return null;
    return { value: String(reply[cacheKey]), cas: reply.cas };
  }

  /** `add` or `replace`; resolves whether the item was stored (`NOT_STORED` is an answer, not a failure). */
  #write(command: 'add' | 'replace', cacheKey: string, value: string, seconds: number): Promise<boolean> {
    return this.#connection.call<boolean>(command, (done) =>
      this.#client[command](cacheKey, value, seconds, (error: ClientError | undefined, stored: boolean) =>
        error?.notStored === true ? done(undefined, false) : done(error, stored === true),
      ),
    );
  }

  /** `cas`; resolves whether the item was stored. */
  async #cas(cacheKey: string, value: string, cas: string, seconds: number): Promise<boolean> {
    return (await this.#connection.call<boolean>('cas', (done) => this.#client.cas(cacheKey, value, cas, seconds, done))) === true;
  }

  /** `delete`; a missing item is not an error. */
  async #delete(cacheKey: string): Promise<void> {
    await this.#connection.call<unknown>('delete', (done) => this.#client.del(cacheKey, done));
  }

  /** Ends the client's connections if the store created the client; a client passed in is left open. */
  async close(): Promise<void> {
    this.#connection.close();
  }
}

/** Creates a {@link MemcachedStore}: Django's `cache` session engine on memcached. */
export function memcachedStore(options: MemcachedStoreOptions): MemcachedStore {
  return new MemcachedStore(options);
}

export type { MemcachedStore };
