/**
 * Django's `cache` session engine on Redis (or a Redis Cluster), through ioredis or node-redis (see
 * `redis/clients.ts`).
 *
 * Keys are Django's: `<keyPrefix>:<version>:django.contrib.sessions.cache<session key>`. Each value is the
 * session's data as JSON, unsigned (see {@link RedisStore.dataFormat}), and the server expires it (PX).
 * Django's own cache engine stores a *pickled dict* under the same key, so a Django app and a sessionkit
 * app cannot share sessions through this engine: give them different prefixes, or share the `db` engine.
 *
 * A server that is down gives a prompt error (the core turns it into `SessionStoreUnavailable`, a 503),
 * never a request that hangs, and the store reconnects by itself when the server returns.
 */
import type { HeldLock, ListedSession, LockOptions, SessionStore, StoredSession, UpdateOutcome } from '../core/store-contract.js';
import { type CacheServerOptions, CacheStore, cacheServerTimeouts } from './internal/cache-store.js';
import { withDeadline } from './internal/deadline.js';
import { acquirePollingLock, lockToken } from './internal/polling-lock.js';
import { exactlyOneSource } from './internal/store-options.js';
import { openRedisConnection, type RedisClient, type RedisDriver } from './redis/clients.js';
import type { RedisConnection } from './redis/connection.js';
import { ReadyGate } from './redis/ready-gate.js';
import { compareAndSet, releaseLock } from './redis/scripts.js';

export type { RedisClient, RedisDriver } from './redis/clients.js';
export type { NodeRedisClient } from './redis/node-redis.js';

/** Options of {@link redisStore}. Give exactly one of `url`, `clusterNodes` or `client`. */
export interface RedisStoreOptions extends CacheServerOptions {
  /**
   * The server: `redis://[user:password@]host:port[/db]`, or `rediss://…` for TLS. A database the server
   * does not have fails every command (never database 0 instead).
   */
  readonly url?: string | undefined;
  /**
   * Seed nodes of a Redis Cluster, each a `redis://` or `rediss://` URL (credentials and TLS are taken
   * from the first one). The store discovers the other nodes itself.
   */
  readonly clusterNodes?: readonly string[] | undefined;
  /**
   * A client you created and own: an ioredis `Redis` or `Cluster`, or a node-redis client
   * (`createClient()` of the `redis` package, connected before the store uses it). The store never
   * closes it. Prefer `url`: the store then configures the client so a dead server fails fast (see
   * {@link RedisStore}); with your own client, its offline queue and retry options apply, and only the
   * store's time bounds protect requests.
   */
  readonly client?: RedisClient | undefined;
  /**
   * The library the store creates its client with, from `url` (or `clusterNodes`, ioredis only):
   * `'ioredis'`, or `'redis'` for node-redis. The module itself (`await import('redis')`) also does, for
   * when sessionkit cannot load the package from where it is installed (a bundle, a second copy).
   * @default 'ioredis'
   */
  readonly driver?: RedisDriver | undefined;
}

// The factory, which the store's errors name.
const FACTORY = 'redisStore';
/** Keys per SCAN step of {@link RedisStore.list}. */
const SCAN_COUNT = 500;

/**
 * The Redis store. When it creates the client (from `url` or `clusterNodes`, with ioredis or node-redis),
 * the client:
 * - connects on first use, and a request waits at most `connectTimeoutMs` for that;
 * - has no offline queue and retries no command: while the server is unreachable a command fails at once
 *   instead of waiting in a queue. Queued commands are worse than slow: one that outlives its request's
 *   timeout would still run when the server returns — a session write the client was told had failed, or
 *   a lock nobody will release;
 * - does not resend commands that were in flight when the connection broke, for the same reason;
 * - reconnects in the background forever, at most a second apart, so the store recovers by itself;
 * - is refused while the server has no database of the URL's index, instead of using database 0.
 * Every command is also bounded by `commandTimeoutMs`, which covers a server that hangs.
 *
 * On a Redis Cluster the keys stay exactly Django's (no hash tag): each Lua script touches one key only
 * (compare-and-set the data key, compare-and-delete the lock key), so a session's data and lock may live
 * on different nodes.
 */
class RedisStore extends CacheStore implements SessionStore {
  readonly name = 'redis';
  readonly #connection: RedisConnection;
  readonly #gate: ReadyGate;
  readonly #commandTimeoutMs: number;

  constructor(options: RedisStoreOptions) {
    super(FACTORY, options, false);
    const { commandTimeoutMs, connectTimeoutMs } = cacheServerTimeouts(options, FACTORY);
    this.#commandTimeoutMs = commandTimeoutMs;
    exactlyOneSource(options, [{ name: 'url', shown: "`url` (e.g. 'redis://127.0.0.1:6379/0')" }, { name: 'clusterNodes' }, { name: 'client' }], FACTORY);
    this.#connection = openRedisConnection(options, { connectTimeoutMs }, FACTORY);
    this.#gate = new ReadyGate(this.#connection, connectTimeoutMs);
  }

  async load(key: string): Promise<StoredSession | null> {
    const dataKey = this.keys.dataKey(key);
    const data = await this.#run('GET', (client) => client.get(dataKey));
    // The data is its own version: compare-and-set compares the stored string.
    return data === null ? null : { data, version: data };
  }

  async exists(key: string): Promise<boolean> {
    const dataKey = this.keys.dataKey(key);
    return this.#run('EXISTS', (client) => client.exists(dataKey));
  }

  async create(key: string, data: string, expireDate: Date): Promise<boolean> {
    const dataKey = this.keys.dataKey(key);
    const ttl = ttlMs(expireDate, this.now());
    // Already expired: nothing to write, but a taken key must still be refused.
    if (ttl <= 0) return !(await this.#run('EXISTS', (client) => client.exists(dataKey)));
    return this.#run('SET NX', (client) => client.setExpiring(dataKey, data, ttl, 'NX'));
  }

  async update(key: string, data: string, expireDate: Date, expected?: unknown): Promise<UpdateOutcome> {
    const dataKey = this.keys.dataKey(key);
    const ttl = ttlMs(expireDate, this.now());
    if (expected !== undefined) {
      // Versions are the data strings this store handed out; anything else cannot match.
      if (typeof expected !== 'string') return 'conflict';
      return this.#run('compare-and-set', (client) => compareAndSet(client, dataKey, expected, data, ttl));
    }
    if (ttl <= 0) return (await this.#run('DEL', (client) => client.del(dataKey))) ? 'updated' : 'missing';
    return (await this.#run('SET XX', (client) => client.setExpiring(dataKey, data, ttl, 'XX'))) ? 'updated' : 'missing';
  }

  async delete(key: string): Promise<void> {
    const dataKey = this.keys.dataKey(key);
    await this.#run('DEL', (client) => client.del(dataKey));
  }

  /**
   * Takes the session's lock: `SET <data key>:lock <token> NX PX <ttl>`, polled with a short backoff
   * until `waitMs` runs out, after requests of this process waiting for the same session have had their
   * turn. Released with a compare-and-delete on the token, so a holder whose TTL ran out never frees a
   * lock someone else has taken since.
   */
  async lock(key: string, options: LockOptions): Promise<HeldLock> {
    const lockKey = this.keys.lockKey(key);
    const token = lockToken();
    const release = (): Promise<unknown> => this.#run('release lock', (client) => releaseLock(client, lockKey, token));
    return acquirePollingLock(this.locks, key, options, {
      tryAcquire: async () => {
        try {
          return await this.#run('SET NX lock', (client) => client.setExpiring(lockKey, token, options.ttlMs, 'NX'));
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
    await this.#gate.ready();
    const pattern = `${escapeGlob(this.keys.namespace)}*`;
    for (const keyspace of this.#connection.keyspaces()) {
      let cursor = '0';
      do {
        const [next, found] = await withDeadline(keyspace.scan(cursor, pattern, SCAN_COUNT), this.#commandTimeoutMs, `${FACTORY}: SCAN`);
        cursor = next;
        const sessions = found.flatMap((cacheKey) => {
          const sessionKey = this.keys.sessionKeyOf(cacheKey);
          return sessionKey === null ? [] : [{ cacheKey, sessionKey }];
        });
        if (sessions.length === 0) continue;
        const replies = await withDeadline(
          keyspace.ttlsAndSizes(sessions.map((session) => session.cacheKey)),
          this.#commandTimeoutMs,
          `${FACTORY}: PTTL/STRLEN`,
        );
        const now = this.now();
        for (const [i, { ttlMs, bytes }] of replies.entries()) {
          // -2: the key expired or was deleted since the SCAN; -1: no TTL (written by someone else).
          if (ttlMs === -2) continue;
          yield { key: sessions[i]!.sessionKey, expireDate: ttlMs >= 0 ? new Date(now + ttlMs) : null, size: bytes };
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
    this.#gate.close();
    await this.#connection.close(this.#commandTimeoutMs);
  }

  async #run<T>(what: string, command: (client: RedisConnection) => Promise<T>): Promise<T> {
    await this.#gate.ready();
    return withDeadline(command(this.#connection), this.#commandTimeoutMs, `${FACTORY}: ${what}`);
  }
}

/** Creates a {@link RedisStore}: Django's `cache` session engine on Redis. */
export function redisStore(options: RedisStoreOptions): RedisStore {
  return new RedisStore(options);
}

function ttlMs(expireDate: Date, now: number): number {
  const ms = expireDate.getTime() - now;
  if (Number.isNaN(ms)) throw new TypeError(`${FACTORY}: got an invalid expiry date`);
  return ms;
}

// Characters special in SCAN's MATCH pattern.
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

export type { RedisStore };
