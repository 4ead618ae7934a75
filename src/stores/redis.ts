/**
 * Django's `cache` session engine on Redis (or a Redis Cluster), through ioredis.
 *
 * Keys are Django's: `<keyPrefix>:<version>:django.contrib.sessions.cache<session key>`. Each value is the
 * session's encoded data, the signed string Django's `db` engine stores, and the server expires it (PX).
 * Django's own cache engine stores a *pickled dict* under the same key, so a Django app and a sessionkit
 * app cannot share sessions through this engine: give them different prefixes, or share the `db` engine.
 *
 * A server that is down gives a prompt error (the core turns it into `SessionStoreUnavailable`, a 503),
 * never a request that hangs, and the store reconnects by itself when the server returns.
 */
import { createHash } from 'node:crypto';
import type { Cluster, ClusterNode, Redis, RedisOptions } from 'ioredis';
import { SessionConfigError } from '../errors.js';
import type { HeldLock, ListedSession, LockOptions, SessionStore, StoredSession, UpdateOutcome } from './contract.js';
import { resolveCacheKeys, type CacheKeyOptions, type CacheKeys } from './internal/cache-keys.js';
import { withDeadline } from './internal/deadline.js';
import { LocalLocks } from './internal/local-locks.js';
import { loadOptionalDriver } from './internal/optional-driver.js';
import { acquirePollingLock, lockToken } from './internal/polling-lock.js';
import { refuseSessionKey } from './internal/session-key-guard.js';
import { exactlyOneSource, positiveInteger } from './internal/store-options.js';

type IoredisDriver = typeof import('ioredis');

/** An ioredis client the store can use: a single server or a cluster. */
export type RedisClient = Redis | Cluster;

/** Options of {@link redisStore}. Give exactly one of `url`, `clusterNodes` or `client`. */
export interface RedisStoreOptions extends CacheKeyOptions {
  /**
   * The server: `redis://[user:password@]host:port[/db]`, or `rediss://…` for TLS.
   */
  readonly url?: string;
  /**
   * Seed nodes of a Redis Cluster, each a `redis://` or `rediss://` URL (credentials and TLS are taken
   * from the first one). The store discovers the other nodes itself.
   */
  readonly clusterNodes?: readonly string[];
  /**
   * An ioredis `Redis` or `Cluster` you created and own: the store never quits it. Prefer `url`: the
   * store then configures the client so a dead server fails fast (see {@link RedisStore}); with your own
   * client, its offline queue and retry options apply, and only the store's time bounds protect requests.
   */
  readonly client?: RedisClient;
  /**
   * How long one command may take before it fails, in milliseconds.
   * @default 2000
   */
  readonly commandTimeoutMs?: number;
  /**
   * How long connecting to the server may take before requests fail, in milliseconds.
   * @default 2000
   */
  readonly connectTimeoutMs?: number;
}

// Compare-and-set in one round trip. It touches one key, so it runs on a cluster without a hash tag.
// Returns 0 when the key is missing, 1 when it holds something else, 2 when it was written (or, with a
// TTL ≤ 0, deleted, as Django's cache does with a past expiry).
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
if current ~= ARGV[1] then return 1 end
local ttl = tonumber(ARGV[3])
if ttl > 0 then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
else
  redis.call('DEL', KEYS[1])
end
return 2
`;
// Deletes a lock only if it still holds this holder's token (after its TTL another holder may own it).
const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
const CAS_OUTCOMES: readonly UpdateOutcome[] = ['missing', 'conflict', 'updated'];

/** Keys per SCAN step of {@link RedisStore.list}. */
const SCAN_COUNT = 500;
// Reconnection backs off to at most one attempt a second, and never gives up.
const MAX_RECONNECT_DELAY_MS = 1000;
// How long ioredis's disconnect waits for the socket's "close" before destroying it. A socket whose
// connection failed has closed already, and the wait (2 s by default) would keep the process alive.
const CLOSED_SOCKET_WAIT_MS = 0;

/**
 * The Redis store. When it creates the client (from `url` or `clusterNodes`), the client:
 * - connects on first use, and a request waits at most `connectTimeoutMs` for that;
 * - has no offline queue (`enableOfflineQueue: false`) and `maxRetriesPerRequest: 0`: while the server
 *   is unreachable a command fails at once instead of waiting in a queue. Queued commands are worse than
 *   slow: one that outlives its request's timeout would still run when the server returns — a session
 *   write the client was told had failed, or a lock nobody will release;
 * - does not resend commands that were in flight when the connection broke, for the same reason;
 * - reconnects in the background forever, at most a second apart, so the store recovers by itself.
 * Every command is also bounded by `commandTimeoutMs`, which covers a server that hangs.
 *
 * On a Redis Cluster the keys stay exactly Django's (no hash tag): each Lua script touches one key only
 * (compare-and-set the data key, compare-and-delete the lock key), so a session's data and lock may live
 * on different nodes.
 */
export class RedisStore implements SessionStore {
  readonly name = 'redis';
  /** Unsigned, as Django's cache engine keeps the session dict (see {@link SessionStore.dataFormat}). */
  readonly dataFormat = 'plain';
  readonly #client: RedisClient;
  readonly #owned: boolean;
  readonly #keys: CacheKeys;
  readonly #commandTimeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #locks = new LocalLocks();
  // Ends the waits for a connection when the store closes.
  readonly #closing = new AbortController();
  #readyWait: Promise<void> | null = null;
  #lastError: Error | null = null;

  constructor(options: RedisStoreOptions) {
    this.#keys = resolveCacheKeys(this.name, options, false);
    this.#commandTimeoutMs = positiveInteger(options.commandTimeoutMs, 2000, 'commandTimeoutMs', this.name);
    this.#connectTimeoutMs = positiveInteger(options.connectTimeoutMs, 2000, 'connectTimeoutMs', this.name);
    const source = exactlyOneSource(options, [{ name: 'url', shown: "`url` (e.g. 'redis://127.0.0.1:6379/0')" }, { name: 'clusterNodes' }, { name: 'client' }], this.name);
    if (options.client !== undefined) {
      const client: Partial<RedisClient> = options.client;
      if (typeof client.evalsha !== 'function' || typeof client.status !== 'string') {
        throw new SessionConfigError(`${this.name}: \`client\` must be an ioredis \`Redis\` or \`Cluster\` (other Redis clients are not supported); or pass \`url\` instead.`);
      }
      this.#client = options.client;
      this.#owned = false;
    } else {
      const driver = loadOptionalDriver<IoredisDriver>('ioredis', this.name);
      this.#client = source === 'url' ? this.#single(driver, options.url!) : this.#cluster(driver, options.clusterNodes!);
      this.#owned = true;
      // Without a listener ioredis prints every failed reconnection; the last one goes into error messages.
      this.#client.on('error', (error: Error) => {
        this.#lastError = error;
      });
      this.#client.on('ready', () => {
        this.#lastError = null;
      });
    }
  }

  #single(driver: IoredisDriver, url: string): Redis {
    checkRedisUrl(this.name, url);
    return new driver.Redis(url, { lazyConnect: true, enableOfflineQueue: false, retryStrategy: reconnectDelay, ...this.#connectionOptions() });
  }

  #cluster(driver: IoredisDriver, urls: readonly string[]): Cluster {
    if (!Array.isArray(urls) || urls.length === 0) {
      throw new SessionConfigError(`${this.name}: \`clusterNodes\` must list at least one node URL, e.g. ['redis://redis-1.internal:6379'].`);
    }
    const parsed = urls.map((url) => checkRedisUrl(this.name, url));
    const nodes: ClusterNode[] = parsed.map((url) => ({ host: url.hostname, port: Number(url.port || 6379) }));
    const first = parsed[0]!;
    return new driver.Cluster(nodes, {
      lazyConnect: true,
      enableOfflineQueue: false,
      clusterRetryStrategy: reconnectDelay,
      slotsRefreshTimeout: this.#connectTimeoutMs,
      redisOptions: {
        username: first.username ? decodeURIComponent(first.username) : undefined,
        password: first.password ? decodeURIComponent(first.password) : undefined,
        tls: first.protocol === 'rediss:' ? {} : undefined,
        ...this.#connectionOptions(),
      },
    });
  }

  /** The settings of each connection (to the server, or to a cluster node) that make a dead server fail fast. */
  #connectionOptions(): Pick<RedisOptions, 'maxRetriesPerRequest' | 'autoResendUnfulfilledCommands' | 'connectTimeout' | 'disconnectTimeout'> {
    return {
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      connectTimeout: this.#connectTimeoutMs,
      disconnectTimeout: CLOSED_SOCKET_WAIT_MS,
    };
  }

  async load(key: string): Promise<StoredSession | null> {
    const dataKey = this.#keys.dataKey(key);
    if (dataKey === null) return null;
    const data = await this.#run('GET', (client) => client.get(dataKey));
    // The data is its own version: compare-and-set compares the stored string.
    return data === null ? null : { data, version: data };
  }

  async exists(key: string): Promise<boolean> {
    const dataKey = this.#keys.dataKey(key);
    if (dataKey === null) return false;
    return (await this.#run('EXISTS', (client) => client.exists(dataKey))) > 0;
  }

  async create(key: string, data: string, expireDate: Date): Promise<boolean> {
    const dataKey = this.#requireDataKey(key);
    const ttl = ttlMs(expireDate);
    // Already expired: nothing to write, but a taken key must still be refused.
    if (ttl <= 0) return (await this.#run('EXISTS', (client) => client.exists(dataKey))) === 0;
    return (await this.#run('SET NX', (client) => client.set(dataKey, data, 'PX', ttl, 'NX'))) === 'OK';
  }

  async update(key: string, data: string, expireDate: Date, expected?: unknown): Promise<UpdateOutcome> {
    const dataKey = this.#requireDataKey(key);
    const ttl = ttlMs(expireDate);
    if (expected !== undefined) {
      // Versions are the data strings this store handed out; anything else cannot match.
      if (typeof expected !== 'string') return 'conflict';
      const outcome = await this.#run('compare-and-set', (client) => evalScript(client, COMPARE_AND_SET, dataKey, [expected, data, String(ttl)]));
      return CAS_OUTCOMES[Number(outcome)] ?? 'conflict';
    }
    if (ttl <= 0) return (await this.#run('DEL', (client) => client.del(dataKey))) > 0 ? 'updated' : 'missing';
    return (await this.#run('SET XX', (client) => client.set(dataKey, data, 'PX', ttl, 'XX'))) === 'OK' ? 'updated' : 'missing';
  }

  async delete(key: string): Promise<void> {
    const dataKey = this.#keys.dataKey(key);
    if (dataKey === null) return;
    await this.#run('DEL', (client) => client.del(dataKey));
  }

  /** Always 0: the server expires sessions itself. */
  async clearExpired(): Promise<number> {
    return 0;
  }

  /**
   * Takes the session's lock: `SET <data key>:lock <token> NX PX <ttl>`, polled with a short backoff
   * until `waitMs` runs out, after requests of this process waiting for the same session have had their
   * turn. Released with a compare-and-delete on the token, so a holder whose TTL ran out never frees a
   * lock someone else has taken since.
   */
  async lock(key: string, options: LockOptions): Promise<HeldLock> {
    const lockKey = this.#keys.lockKey(key) ?? refuseSessionKey(key, this.name);
    const token = lockToken();
    const release = (): Promise<unknown> => this.#run('release lock', (client) => evalScript(client, RELEASE_LOCK, lockKey, [token]));
    return acquirePollingLock(this.#locks, key, options, {
      tryAcquire: async () => {
        try {
          return (await this.#run('SET NX lock', (client) => client.set(lockKey, token, 'PX', options.ttlMs, 'NX'))) === 'OK';
        } catch (error) {
          // A timed-out SET may still run on the server; the release queued behind it on the same
          // connection then frees the lock at once instead of leaving it to its TTL.
          release().catch(() => undefined);
          throw error;
        }
      },
      release: async () => {
        await release();
      },
    });
  }

  /**
   * The sessions of this store's namespace (SCAN over every master of a cluster), for the command line.
   * `expireDate` comes from each key's TTL; `size` is the stored data's length in bytes.
   */
  async *list(): AsyncIterable<ListedSession> {
    await this.#ready();
    const client = this.#client;
    const nodes: Redis[] = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
    const pattern = `${escapeGlob(this.#keys.namespace)}*`;
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, found] = await withDeadline(node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT), this.#commandTimeoutMs, 'redis SCAN');
        cursor = next;
        const sessions = found.flatMap((cacheKey) => {
          const sessionKey = this.#keys.sessionKeyOf(cacheKey);
          return sessionKey === null ? [] : [{ cacheKey, sessionKey }];
        });
        if (sessions.length === 0) continue;
        const pipeline = node.pipeline();
        for (const { cacheKey } of sessions) pipeline.pttl(cacheKey).strlen(cacheKey);
        const replies = (await withDeadline(pipeline.exec(), this.#commandTimeoutMs, 'redis PTTL/STRLEN')) ?? [];
        const now = Date.now();
        for (let i = 0; i < sessions.length; i++) {
          const [ttlError, ttl] = replies[2 * i] ?? [];
          const [sizeError, size] = replies[2 * i + 1] ?? [];
          if (ttlError || sizeError) throw ttlError ?? sizeError;
          // -2: the key expired or was deleted since the SCAN; -1: no TTL (written by someone else).
          if (ttl === -2) continue;
          const expireDate = typeof ttl === 'number' && ttl >= 0 ? new Date(now + ttl) : null;
          yield { key: sessions[i]!.sessionKey, expireDate, size: Number(size) };
        }
      } while (cursor !== '0');
    }
  }

  /**
   * Ends the requests still waiting for a connection, and closes the client if the store created it: QUIT
   * when connected, else a plain disconnect (which also stops reconnecting). A client passed in as
   * `client` is left open.
   */
  async close(): Promise<void> {
    this.#closing.abort();
    const client = this.#client;
    if (!this.#owned || client.status === 'end') return;
    try {
      if (client.status === 'ready') await withDeadline(client.quit(), this.#commandTimeoutMs, 'redis QUIT');
    } catch {
      // Closing anyway below.
    } finally {
      client.disconnect();
    }
  }

  #requireDataKey(key: string): string {
    return this.#keys.dataKey(key) ?? refuseSessionKey(key, this.name);
  }

  async #run<T>(what: string, command: (client: RedisClient) => Promise<T>): Promise<T> {
    await this.#ready();
    return withDeadline(command(this.#client), this.#commandTimeoutMs, `redis ${what}`);
  }

  /** Resolves once the client can take commands; rejects at once while the server is known to be down. */
  #ready(): Promise<void> {
    const client = this.#client;
    if (this.#closing.signal.aborted) return Promise.reject(new Error('the redis store is closed'));
    switch (client.status) {
      case 'ready':
        return Promise.resolve();
      case 'wait':
        client.connect().catch(() => undefined);
        break;
      case 'connecting':
      case 'connect':
        break;
      case 'end':
        return Promise.reject(new Error('the redis connection is closed'));
      default: {
        const cause = this.#lastError ? `: ${this.#lastError.message}` : '';
        return Promise.reject(new Error(`not connected to redis (${client.status})${cause}`));
      }
    }
    // Every request waiting for the same connection shares one wait (and one set of listeners).
    this.#readyWait ??= whenReady(client, this.#connectTimeoutMs, () => this.#lastError, this.#closing.signal).finally(() => {
      this.#readyWait = null;
    });
    return this.#readyWait;
  }
}

/** Creates a {@link RedisStore}: Django's `cache` session engine on Redis. */
export function redisStore(options: RedisStoreOptions): RedisStore {
  return new RedisStore(options);
}

function reconnectDelay(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt, 10), MAX_RECONNECT_DELAY_MS);
}

function checkRedisUrl(storeName: string, url: string): URL {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    // Reported below.
  }
  if (parsed === null || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || parsed.hostname === '') {
    throw new SessionConfigError(`${storeName}: ${JSON.stringify(url)} is not a Redis URL; write it as 'redis://host:6379/0' (or 'rediss://' for TLS).`);
  }
  return parsed;
}

function ttlMs(expireDate: Date): number {
  const ms = expireDate.getTime() - Date.now();
  if (Number.isNaN(ms)) throw new TypeError('sessionkit: redis store got an invalid expiry date');
  return ms;
}

// Characters special in SCAN's MATCH pattern.
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

const scriptShas = new Map<string, string>();

/** Runs a one-key Lua script by its SHA1 (one round trip), loading it on the node that lacks it. */
async function evalScript(client: RedisClient, script: string, key: string, args: readonly string[]): Promise<unknown> {
  let sha = scriptShas.get(script);
  if (sha === undefined) {
    sha = createHash('sha1').update(script).digest('hex');
    scriptShas.set(script, sha);
  }
  try {
    return await client.evalsha(sha, 1, key, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return client.eval(script, 1, key, ...args);
  }
}

/**
 * Resolves when `client` is ready; rejects when its connection attempt closes, after `timeoutMs`, or when
 * `closing` is aborted (the store closed).
 */
function whenReady(client: RedisClient, timeoutMs: number, lastError: () => Error | null, closing: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (error: Error | null): void => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('close', onClose);
      client.off('end', onClose);
      closing.removeEventListener('abort', onStoreClosed);
      if (error) reject(error);
      else resolve();
    };
    const onReady = (): void => settle(null);
    const onClose = (): void => {
      const cause = lastError();
      settle(new Error(`could not connect to redis${cause ? `: ${cause.message}` : ''}`));
    };
    const onStoreClosed = (): void => settle(new Error('the redis store was closed while connecting'));
    const timer = setTimeout(() => settle(new Error(`could not connect to redis within ${timeoutMs} ms`)), timeoutMs);
    client.on('ready', onReady);
    client.on('close', onClose);
    client.on('end', onClose);
    closing.addEventListener('abort', onStoreClosed);
  });
}
