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
import type { HeldLock, LockOptions, SessionStore, StoreContext, StoredSession, UpdateOutcome } from '../core/store-contract.js';
import { resolveCacheKeys, type CacheKeyOptions, type CacheKeys } from './internal/cache-keys.js';
import { CommandSlots } from './internal/command-slots.js';
import { StoreTimeoutError } from './internal/deadline.js';
import { LocalLocks } from './internal/local-locks.js';
import { loadOptionalDriver } from './internal/optional-driver.js';
import { acquirePollingLock, lockToken } from './internal/polling-lock.js';
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

// What the store tells the client when a connection is ready for a command whose time has run out.
const EXPIRED_BEFORE_SENT = 'the command ran out of time before a connection was ready';
// Errors of a client whose connections are all busy or still opening: load, not a dead server. The
// command was not sent, so it is tried again shortly, within its time.
const CONGESTION = /connection pool is full|readyState is set to/i;
const CONGESTION_RETRY_MS = 5;
// How the client fails a command for a server it was told is down.
const SERVER_MARKED_DOWN = /^Server at (\S+) not available$/;

// memcached reads an expiry above 30 days as an absolute unix time, not a number of seconds.
const MAX_RELATIVE_EXPIRY_S = 30 * 24 * 60 * 60;
// The last second memcached's 32-bit absolute expiry can name (2038-01-19T03:14:07Z).
const MAX_UNIX_TIME = 2 ** 31 - 1;
// A negative expiry stores the item already expired: a write that deletes (Django maps timeout 0 to -1).
const EXPIRED = -1;

/** A connection of the `memcached` package: a socket with the commands waiting for its replies. */
interface ClientSocket {
  serverAddress?: string;
  metaData?: Array<{ type?: string; callback?: (...args: unknown[]) => void }>;
  end?(): void;
  destroy?(): void;
  once?(event: string, listener: (error?: unknown) => void): unknown;
}

// The client internals the store's own client needs: the per-server failure flag the client consults
// before every command, the hook it calls when a connection fails, how it picks a connection for a
// command, and how it calls a command back.
interface ClientInternals {
  issues: Record<string, { failed: boolean }>;
  connectionIssue(error: unknown, socket?: ClientSocket): void;
  connect(server: string, callback: (error: unknown, socket?: ClientSocket | false) => void): void;
  makeCallback(callback: (...args: unknown[]) => void, error: unknown): void;
}

/** One command of the store, from its start to its outcome. */
interface PendingCommand {
  /** The connection the client sent it on, once it picked one. */
  socket?: ClientSocket;
  /** Whether the caller has its outcome (a reply, an error or a timeout). */
  settled: boolean;
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
 * - never shortens a long key by hashing it (`keyCompression: false`): keys are checked at construction;
 * - fails the commands waiting on a connection as soon as it closes (the package would never call them
 *   back), saying why;
 * - never sends a command whose time ran out while its connection was being opened.
 * Every command is also bounded by `commandTimeoutMs`, which covers a server that hangs. A command that
 * runs out of time gives its place among the `poolSize` back at once, and its connection is closed: a
 * reply that late means the server hangs, and commands sent after it on that connection would only queue
 * behind it (and pile up in memory for as long as the server hangs). Once the server answers again,
 * fresh connections carry the commands.
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
  readonly #poolSize: number;
  readonly #slots: CommandSlots;
  // Servers whose connection failed, with the failure (for the messages) and the timer that ends the wait.
  readonly #downServers = new Map<string, { cause: string; timer: NodeJS.Timeout }>();
  readonly #watchedSockets = new WeakSet<ClientSocket>();
  // Why the store closed a connection, for the commands that were still waiting on it.
  readonly #closeReasons = new WeakMap<ClientSocket, string>();
  // The command being handed to the client right now (the client picks its connection synchronously).
  #issuing: PendingCommand | null = null;
  #now: () => number = Date.now;

  constructor(options: MemcachedStoreOptions) {
    this.#keys = resolveCacheKeys(this.name, options, true);
    this.#commandTimeoutMs = positiveInteger(options.commandTimeoutMs, 2000, 'commandTimeoutMs', this.name);
    const connectTimeoutMs = positiveInteger(options.connectTimeoutMs, 2000, 'connectTimeoutMs', this.name);
    this.#retryMs = positiveInteger(options.retryMs, 1000, 'retryMs', this.name);
    this.#poolSize = positiveInteger(options.poolSize, 10, 'poolSize', this.name);
    this.#slots = new CommandSlots(this.#poolSize);
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
    this.#takeOverFailureHandling(this.#client as unknown as ClientInternals);
  }

  /** Computes lifetimes by the configuration's clock. */
  attach(context: StoreContext): void {
    this.#now = context.now;
  }

  #takeOverFailureHandling(internals: ClientInternals): void {
    internals.connectionIssue = (error, socket) => {
      const cause = messageOf(error);
      // A full pool or a connection still opening is load, not an outage (the command is tried again).
      if (CONGESTION.test(cause) || cause.includes(EXPIRED_BEFORE_SENT)) return;
      socket?.end?.();
      if (socket?.serverAddress !== undefined) this.#serverFailed(internals, socket.serverAddress, cause);
    };
    const connect = internals.connect;
    internals.connect = (server, callback) => {
      const command = this.#issuing;
      connect.call(internals, server, (error, socket) => {
        if (socket) this.#watch(internals, socket);
        if (command !== null && socket && !error) {
          // The client reports this as a connection issue (ignored above) and calls the command back with it.
          if (command.settled) return callback(new Error(EXPIRED_BEFORE_SENT), socket);
          command.socket = socket;
        }
        callback(error, socket);
      });
    };
  }

  /** Fails the commands still waiting on `socket` when it closes: the client would leave them unanswered. */
  #watch(internals: ClientInternals, socket: ClientSocket): void {
    if (this.#watchedSockets.has(socket) || typeof socket.once !== 'function') return;
    this.#watchedSockets.add(socket);
    let socketError: string | undefined;
    socket.once('error', (error) => {
      socketError = messageOf(error);
    });
    socket.once('close', () => {
      const orphans = socket.metaData?.splice(0) ?? [];
      const cause = this.#closeReasons.get(socket) ?? socketError;
      for (const query of orphans) {
        if (typeof query.callback !== 'function') continue;
        const error = new Error(`memcached ${query.type ?? 'command'} failed: the connection to ${socket.serverAddress} closed before the reply${cause ? ` (${cause})` : ''}`);
        internals.makeCallback(query.callback, error);
      }
    });
  }

  #serverFailed(internals: ClientInternals, server: string, cause: string): void {
    if (this.#downServers.has(server)) return;
    internals.issues[server] = { failed: true };
    const timer = setTimeout(() => {
      this.#downServers.delete(server);
      delete internals.issues[server];
    }, this.#retryMs);
    timer.unref();
    this.#downServers.set(server, { cause, timer });
  }

  async load(key: string): Promise<StoredSession | null> {
    const cacheKey = this.#keys.dataKey(key);
    const item = await this.#gets(cacheKey);
    // The CAS id names this revision of the item: update() hands it back for compare-and-set.
    return item === null ? null : { data: item.value, version: item.cas };
  }

  async exists(key: string): Promise<boolean> {
    const cacheKey = this.#keys.dataKey(key);
    return (await this.#get(cacheKey)) !== null;
  }

  async create(key: string, data: string, expireDate: Date): Promise<boolean> {
    return this.#write('add', this.#keys.dataKey(key), data, memcachedLifetime(expireDate, this.#now()));
  }

  async update(key: string, data: string, expireDate: Date, expected?: unknown): Promise<UpdateOutcome> {
    const cacheKey = this.#keys.dataKey(key);
    if (expected === undefined) return (await this.#write('replace', cacheKey, data, memcachedLifetime(expireDate, this.#now()))) ? 'updated' : 'missing';
    // CAS ids are the digit strings load() handed out; anything else cannot match.
    if (typeof expected !== 'string' || !/^\d+$/.test(expected)) return 'conflict';
    if (await this.#cas(cacheKey, data, expected, memcachedLifetime(expireDate, this.#now()))) return 'updated';
    // memcached answers EXISTS (changed) and NOT_FOUND (gone) alike through this client: ask which.
    return (await this.#get(cacheKey)) === null ? 'missing' : 'conflict';
  }

  async delete(key: string): Promise<void> {
    const cacheKey = this.#keys.dataKey(key);
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
    const lockKey = this.#keys.lockKey(key);
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
    for (const { timer } of this.#downServers.values()) clearTimeout(timer);
    this.#downServers.clear();
    if (this.#owned) this.#client.end();
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
   * connection included). At most `poolSize` commands are in flight; the others queue here. A command
   * leaves the flight when it settles, however it settles: the client may never call back a command
   * whose server hangs. The client's connections can still lag behind (a connection opened for a command
   * that has since failed is not in its pool until it is open), so a command the client turns away for
   * want of a connection is tried again until its time runs out.
   */
  #call<T>(what: string, start: (done: (error: unknown, result: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const command: PendingCommand = { settled: false };
      let started = false;
      const settle = (error: Error | null, result?: T): void => {
        if (command.settled) return;
        command.settled = true;
        clearTimeout(timer);
        if (started) this.#slots.release();
        else this.#slots.cancel(run);
        if (error) reject(error);
        else resolve(result as T);
      };
      const reply = (error: unknown, result: T): void => {
        if (error && !command.settled && CONGESTION.test(messageOf(error))) setTimeout(send, CONGESTION_RETRY_MS);
        else settle(error ? this.#failure(error, what) : null, result);
      };
      const send = (): void => {
        if (command.settled) return;
        this.#issuing = command;
        try {
          start(reply);
        } catch (error) {
          settle(this.#failure(error, what));
        } finally {
          this.#issuing = null;
        }
      };
      const run = (): void => {
        // Its time ran out as the slot was handed to it: the caller was told it failed, so it must not run.
        if (command.settled) return this.#slots.release();
        started = true;
        send();
      };
      const timer = setTimeout(() => {
        if (!started) {
          settle(new StoreTimeoutError(`memcached ${what} timed out after ${this.#commandTimeoutMs} ms waiting for a connection (${this.#poolSize} commands in flight)`));
          return;
        }
        const reason = `a command on it got no reply within ${this.#commandTimeoutMs} ms`;
        settle(new StoreTimeoutError(`memcached ${what} timed out after ${this.#commandTimeoutMs} ms`));
        const socket = command.socket;
        if (socket !== undefined) {
          this.#closeReasons.set(socket, reason);
          socket.destroy?.();
        }
      }, this.#commandTimeoutMs);
      this.#slots.take(run);
    });
  }

  /** The error a command failed with, saying why a server the store skips is down. */
  #failure(error: unknown, what: string): Error {
    const message = messageOf(error);
    const server = SERVER_MARKED_DOWN.exec(message)?.[1];
    const down = server === undefined ? undefined : this.#downServers.get(server);
    if (down !== undefined) {
      return new Error(`memcached ${what} failed: ${server} is down (${down.cause}); the store tries it again ${this.#retryMs} ms after that failure`, { cause: error });
    }
    if (message.startsWith('memcached ')) return error instanceof Error ? error : new Error(message);
    return new Error(`memcached ${what} failed: ${message}`, { cause: error });
  }
}

/** Creates a {@link MemcachedStore}: Django's `cache` session engine on memcached. */
export function memcachedStore(options: MemcachedStoreOptions): MemcachedStore {
  return new MemcachedStore(options);
}

/**
 * memcached's expiry for a date: seconds from now up to 30 days, a unix time beyond, -1 when past. A unix
 * time past 2038-01-19 (32 bits) makes memcached drop the item at once while answering STORED, so later
 * dates are capped there: such a session lives until 2038 instead of not at all.
 */
export function memcachedLifetime(expireDate: Date, now: number): number {
  const ms = expireDate.getTime() - now;
  if (Number.isNaN(ms)) throw new TypeError('sessionkit: memcached store got an invalid expiry date');
  if (ms <= 0) return EXPIRED;
  const seconds = Math.ceil(ms / 1000);
  return seconds <= MAX_RELATIVE_EXPIRY_S ? seconds : Math.min(Math.ceil(expireDate.getTime() / 1000), MAX_UNIX_TIME);
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

/** The message of what the client reports as an error: an `Error`, a string, a list of them, or `{ message }`. */
function messageOf(error: unknown): string {
  const first = Array.isArray(error) ? error[0] : error;
  const message = typeof first === 'object' && first !== null && 'message' in first ? String((first as ClientError).message) : String(first);
  // The client passes some errors on as `String(error)`, or wraps them so: `new Error(error)`.
  return message.replace(/^Error: /, '');
}
