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
import { SessionConfigError } from '../errors.js';
import type { HeldLock, LockOptions, SessionStore, StoredSession, UpdateOutcome } from './contract.js';
import { resolveCacheKeys, type CacheKeyOptions, type CacheKeys } from './internal/cache-keys.js';
import { withDeadline } from './internal/deadline.js';
import { LocalLocks } from './internal/local-locks.js';
import { loadOptionalDriver } from './internal/optional-driver.js';
import { acquirePollingLock, lockToken } from './internal/polling-lock.js';
import { refuseSessionKey } from './internal/session-key-guard.js';
import { exactlyOneSource, positiveInteger } from './internal/store-options.js';

/** Options of {@link memcachedStore}. Give exactly one of `url`, `servers` or `client`. */
export interface MemcachedStoreOptions extends CacheKeyOptions {
  /** The servers as a URL: `memcached://host:port[,host:port…]` (port 11211 when left out). */
  readonly url?: string;
  /** The servers as `host:port` strings (Django's `LOCATION` list). Keys are spread over them by consistent hashing. */
  readonly servers?: readonly string[];
  /**
   * A `memcached` client you created and own: the store never ends it and does not change its failure
   * handling. Prefer `url` or `servers`: the package's own handling of a dead server retries it only
   * after `retry` (30 s by default) and its reconnection runs the `ping` program, which crashes the
   * process on machines that lack it; the store's own client avoids both (see {@link MemcachedStore}).
   */
  readonly client?: Memcached;
  /**
   * How long one command may take before it fails, in milliseconds.
   * @default 2000
   */
  readonly commandTimeoutMs?: number;
  /**
   * How long connecting to a server may take before the command fails, in milliseconds (for a client
   * the store creates; a client passed in keeps its own `timeout`).
   * @default 2000
   */
  readonly connectTimeoutMs?: number;
  /**
   * After a connection to a server fails, its commands fail at once for this long; then the next command
   * tries to connect again. This is how the store notices a server that came back. Only for a client the
   * store creates.
   * @default 1000
   */
  readonly retryMs?: number;
  /**
   * Connections to each server (for a client the store creates). The store never has more commands in
   * flight than this; more wait their turn (within `commandTimeoutMs`), since the client answers a full
   * pool with an error.
   * @default 10
   */
  readonly poolSize?: number;
}

// Errors the client reports through its connection-issue hook that come from load, not a dead server.
const LOAD_NOT_OUTAGE = /connection pool is full|readyState is set to/i;

// memcached reads an expiry above 30 days as an absolute unix time, not a number of seconds.
const MAX_RELATIVE_EXPIRY_S = 30 * 24 * 60 * 60;
// A negative expiry stores the item already expired: a write that deletes (Django maps timeout 0 to -1).
const EXPIRED = -1;

// The client internals the store's own client needs: the per-server failure flag the client consults
// before every command, and the hook it calls when a connection fails.
interface ClientInternals {
  issues: Record<string, { failed: boolean }>;
  connectionIssue(error: unknown, socket?: { serverAddress?: string; end?: () => void }): void;
}

/** What a callback of the `memcached` package receives as its error. */
interface ClientError {
  message?: string;
  notStored?: boolean;
}

/**
 * The memcached store. When it creates the client (from `url` or `servers`), the client:
 * - makes one connection attempt per command (`retries: 0`), bounded by `connectTimeoutMs`;
 * - after a failed connection, fails that server's commands at once for `retryMs`, then tries it again:
 *   the package's own issue tracking (`failures`, `retry`, `reconnect`) is replaced, because it marks a
 *   server dead until a `ping` program answers — and crashes the process where `ping` is not installed;
 * - never drops a dead server from the hash ring (`remove: false`, no failover): its sessions fail with
 *   a 503 until it returns rather than move to another server and come back stale later;
 * - never shortens a long key by hashing it (`keyCompression: false`): keys are checked at construction.
 * Every command is also bounded by `commandTimeoutMs`, which covers a server that hangs.
 *
 * memcached cannot enumerate its keys, so this store has no `list()`.
 */
export class MemcachedStore implements SessionStore {
  readonly name = 'memcached';
  /** Unsigned, as Django's cache engine keeps the session dict (see {@link SessionStore.dataFormat}). */
  readonly dataFormat = 'plain';
  readonly #client: Memcached;
  readonly #owned: boolean;
  readonly #keys: CacheKeys;
  readonly #commandTimeoutMs: number;
  readonly #retryMs: number;
  readonly #locks = new LocalLocks();
  readonly #retryTimers = new Map<string, NodeJS.Timeout>();
  readonly #poolSize: number;
  #inFlight = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(options: MemcachedStoreOptions) {
    this.#keys = resolveCacheKeys(this.name, options, true);
    this.#commandTimeoutMs = positiveInteger(options.commandTimeoutMs, 2000, 'commandTimeoutMs', this.name);
    const connectTimeoutMs = positiveInteger(options.connectTimeoutMs, 2000, 'connectTimeoutMs', this.name);
    this.#retryMs = positiveInteger(options.retryMs, 1000, 'retryMs', this.name);
    this.#poolSize = positiveInteger(options.poolSize, 10, 'poolSize', this.name);
    exactlyOneSource(options, [{ name: 'url', shown: "`url` (e.g. 'memcached://127.0.0.1:11211')" }, { name: 'servers' }, { name: 'client' }], this.name);
    if (options.client !== undefined) {
      if (typeof (options.client as Partial<Memcached>).gets !== 'function') {
        throw new SessionConfigError(`${this.name}: \`client\` must be a client of the \`memcached\` package; or pass \`url\` or \`servers\` instead.`);
      }
      this.#client = options.client;
      this.#owned = false;
      return;
    }
    const servers = options.url !== undefined ? serversOfUrl(this.name, options.url) : checkServers(this.name, options.servers!);
    const MemcachedClient = loadOptionalDriver<typeof Memcached>('memcached', this.name);
    this.#client = new MemcachedClient(servers, { retries: 0, timeout: connectTimeoutMs, remove: false, keyCompression: false, poolSize: this.#poolSize });
    this.#owned = true;
    const internals = this.#client as unknown as ClientInternals;
    internals.connectionIssue = (error, socket) => {
      // A full pool or a connection still opening is load, not an outage: only that command fails.
      if (LOAD_NOT_OUTAGE.test(String(error))) return;
      socket?.end?.();
      if (socket?.serverAddress !== undefined) this.#serverFailed(internals, socket.serverAddress);
    };
  }

  #serverFailed(internals: ClientInternals, server: string): void {
    if (this.#retryTimers.has(server)) return;
    internals.issues[server] = { failed: true };
    const timer = setTimeout(() => {
      this.#retryTimers.delete(server);
      delete internals.issues[server];
    }, this.#retryMs);
    timer.unref();
    this.#retryTimers.set(server, timer);
  }

  async load(key: string): Promise<StoredSession | null> {
    const cacheKey = this.#keys.dataKey(key);
    if (cacheKey === null) return null;
    const item = await this.#gets(cacheKey);
    // The CAS id names this revision of the item: update() hands it back for compare-and-set.
    return item === null ? null : { data: item.value, version: item.cas };
  }

  async exists(key: string): Promise<boolean> {
    const cacheKey = this.#keys.dataKey(key);
    if (cacheKey === null) return false;
    return (await this.#get(cacheKey)) !== null;
  }

  async create(key: string, data: string, expireDate: Date): Promise<boolean> {
    return this.#write('add', this.#requireKey(key), data, memcachedLifetime(expireDate));
  }

  async update(key: string, data: string, expireDate: Date, expected?: unknown): Promise<UpdateOutcome> {
    const cacheKey = this.#requireKey(key);
    if (expected === undefined) return (await this.#write('replace', cacheKey, data, memcachedLifetime(expireDate))) ? 'updated' : 'missing';
    // CAS ids are the digit strings load() handed out; anything else cannot match.
    if (typeof expected !== 'string' || !/^\d+$/.test(expected)) return 'conflict';
    if (await this.#cas(cacheKey, data, expected, memcachedLifetime(expireDate))) return 'updated';
    // memcached answers EXISTS (changed) and NOT_FOUND (gone) alike through this client: ask which.
    return (await this.#get(cacheKey)) === null ? 'missing' : 'conflict';
  }

  async delete(key: string): Promise<void> {
    const cacheKey = this.#keys.dataKey(key);
    if (cacheKey === null) return;
    await this.#call<unknown>('delete', (done) => this.#client.del(cacheKey, done));
  }

  /** Always 0: the server expires sessions itself. */
  async clearExpired(): Promise<number> {
    return 0;
  }

  /**
   * Takes the session's lock: `add <data key>:lock <token>` with the lock's TTL (whole seconds, at least
   * one), polled with a short backoff until `waitMs` runs out, after requests of this process waiting
   * for the same session have had their turn. Released only while it still holds this holder's token
   * (`gets`, then `cas` with an expired lifetime), so a holder whose TTL ran out never frees a lock
   * someone else has taken since.
   */
  async lock(key: string, options: LockOptions): Promise<HeldLock> {
    const lockKey = this.#keys.lockKey(key) ?? refuseSessionKey(key, this.name);
    const token = lockToken();
    const ttlSeconds = Math.max(1, Math.ceil(options.ttlMs / 1000));
    return acquirePollingLock(this.#locks, key, options, {
      tryAcquire: () => this.#write('add', lockKey, token, ttlSeconds),
      release: async () => {
        const item = await this.#gets(lockKey);
        if (item !== null && item.value === token) await this.#cas(lockKey, token, item.cas, EXPIRED);
      },
    });
  }

  /** Ends the client's connections if the store created the client; a client passed in is left open. */
  async close(): Promise<void> {
    for (const timer of this.#retryTimers.values()) clearTimeout(timer);
    this.#retryTimers.clear();
    if (this.#owned) this.#client.end();
  }

  #requireKey(key: string): string {
    return this.#keys.dataKey(key) ?? refuseSessionKey(key, this.name);
  }

  async #get(cacheKey: string): Promise<string | null> {
    const value = await this.#call<unknown>('get', (done) => this.#client.get(cacheKey, done));
    return value === undefined || value === null ? null : String(value);
  }

  async #gets(cacheKey: string): Promise<{ value: string; cas: string } | null> {
    const reply = await this.#call<Record<string, unknown> | undefined>('gets', (done) => this.#client.gets(cacheKey, done));
    if (reply === undefined || reply === null || typeof reply.cas !== 'string' || !(cacheKey in reply)) return null;
    return { value: String(reply[cacheKey]), cas: reply.cas };
  }

  /** `add` or `replace`; resolves whether the item was stored (`NOT_STORED` is an answer, not a failure). */
  #write(command: 'add' | 'replace', cacheKey: string, value: string, seconds: number): Promise<boolean> {
    return this.#call<boolean>(command, (done) =>
      this.#client[command](cacheKey, value, seconds, (error: ClientError | undefined, stored: boolean) =>
        error?.notStored === true ? done(undefined, false) : done(error, stored === true),
      ),
    );
  }

  async #cas(cacheKey: string, value: string, cas: string, seconds: number): Promise<boolean> {
    return (await this.#call<boolean>('cas', (done) => this.#client.cas(cacheKey, value, cas, seconds, done))) === true;
  }

  /**
   * Runs one callback-style command as a promise, failing it after `commandTimeoutMs` (waiting for a free
   * connection included). At most `poolSize` commands are in flight; the others queue here.
   */
  #call<T>(what: string, start: (done: (error: unknown, result: T) => void) => void): Promise<T> {
    const deadline = Date.now() + this.#commandTimeoutMs;
    const reply = this.#slot().then(
      () =>
        new Promise<T>((resolve, reject) => {
          // Its time ran out while it queued: the caller was told it failed, so it must not run now.
          if (Date.now() >= deadline) {
            this.#release();
            return reject(asError(new Error('timed out waiting for a connection'), what));
          }
          const done = (error: unknown, result: T): void => {
            this.#release();
            if (error) reject(asError(error, what));
            else resolve(result);
          };
          try {
            start(done);
          } catch (error) {
            this.#release();
            reject(asError(error, what));
          }
        }),
    );
    return withDeadline(reply, this.#commandTimeoutMs, `memcached ${what}`);
  }

  #slot(): Promise<void> {
    if (this.#inFlight < this.#poolSize) {
      this.#inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  // The freed slot passes straight to the next waiter, so the count stays right.
  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#inFlight--;
  }
}

/** Creates a {@link MemcachedStore}: Django's `cache` session engine on memcached. */
export function memcachedStore(options: MemcachedStoreOptions): MemcachedStore {
  return new MemcachedStore(options);
}

/** memcached's expiry for a date: seconds from now up to 30 days, a unix time beyond, -1 when past. */
export function memcachedLifetime(expireDate: Date, now = Date.now()): number {
  const ms = expireDate.getTime() - now;
  if (Number.isNaN(ms)) throw new TypeError('sessionkit: memcached store got an invalid expiry date');
  if (ms <= 0) return EXPIRED;
  const seconds = Math.ceil(ms / 1000);
  return seconds <= MAX_RELATIVE_EXPIRY_S ? seconds : Math.ceil(expireDate.getTime() / 1000);
}

function serversOfUrl(storeName: string, url: string): string[] {
  const match = /^memcached:\/\/([^/?#]+)\/?$/.exec(url);
  if (!match) {
    throw new SessionConfigError(`${storeName}: ${JSON.stringify(url)} is not a memcached URL; write it as 'memcached://host:11211' or 'memcached://host1:11211,host2:11211'.`);
  }
  return checkServers(storeName, match[1]!.split(','));
}

function checkServers(storeName: string, servers: readonly string[]): string[] {
  if (!Array.isArray(servers) || servers.length === 0) {
    throw new SessionConfigError(`${storeName}: \`servers\` must list at least one 'host:port', e.g. ['127.0.0.1:11211'].`);
  }
  return servers.map((server) => {
    const match = typeof server === 'string' ? /^([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(server.trim()) : null;
    const port = Number(match?.[2] ?? 11211);
    if (!match || port < 1 || port > 65535) {
      throw new SessionConfigError(`${storeName}: ${JSON.stringify(server)} is not a memcached server; write it as 'host:port', e.g. '127.0.0.1:11211'.`);
    }
    return `${match[1]}:${port}`;
  });
}

function asError(error: unknown, what: string): Error {
  if (error instanceof Error) return error;
  const first = Array.isArray(error) ? error[0] : error;
  if (first instanceof Error) return first;
  return new Error(`memcached ${what} failed: ${String((first as ClientError | undefined)?.message ?? first)}`);
}
