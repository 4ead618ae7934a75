/**
 * The Redis store's connection through node-redis (the `redis` package, 5 and 6), the client connect-redis
 * users already have: one the store creates from a URL, or one it is given. Commands go through
 * `sendCommand`, whose replies are the same plain values whatever the client's RESP version.
 */
import { SessionConfigError } from '../../errors.js';
import { loadOptionalDriver } from '../internal/optional-driver.js';
import type { ConnectionSettings, RedisClientState, RedisConnection, RedisKeyspace } from './connection.js';
import { ClientWrapper, databaseRefused, listenTo, parseRedisUrl, quitThenDrop, reconnectDelay } from './connection.js';

/** The part of a node-redis client (`createClient()` of the `redis` package, 5 or 6) the store uses. */
export interface NodeRedisClient {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready' | 'end', listener: () => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'ready' | 'end', listener: () => void): unknown;
  close(): Promise<unknown>;
  destroy(): unknown;
}

/** What the store asks of node-redis for a client of its own. */
interface NodeRedisOptions {
  url: string;
  database: number;
  disableOfflineQueue: boolean;
  socket: { connectTimeout: number; reconnectStrategy: (retries: number) => number };
}

/** The node-redis module (`redis`). */
export interface NodeRedisModule {
  createClient(options: NodeRedisOptions): NodeRedisClient;
}

/** Where the connection comes from: a client passed in, or a URL and the module to create one with. */
export type NodeRedisSource = { readonly client: NodeRedisClient } | { readonly url: string; readonly driver: 'redis' | NodeRedisModule };

/**
 * Whether `client` looks like a node-redis client.
 * @throws SessionConfigError for a node-redis cluster, which the store does not support.
 */
export function isNodeRedisClient(client: unknown, storeName: string): client is NodeRedisClient {
  const candidate = client as (Partial<NodeRedisClient> & { masters?: unknown }) | null;
  if (typeof candidate?.sendCommand !== 'function' || typeof candidate.isOpen !== 'boolean') return false;
  if (Array.isArray(candidate.masters)) {
    throw new SessionConfigError(`${storeName}: node-redis clusters are not supported; use an ioredis \`Cluster\`, or \`clusterNodes\`.`);
  }
  return true;
}

/**
 * A connection through node-redis. A client the store creates behaves as the store's ioredis clients do:
 * it connects on first use, has no offline queue (a command fails at once while the server is
 * unreachable), never resends a command, and reconnects in the background forever, at most a second apart.
 * A database the server does not have fails each connection attempt, with the server's reason.
 */
export function nodeRedisConnection(source: NodeRedisSource, settings: ConnectionSettings, storeName: string): RedisConnection {
  if ('client' in source) return new NodeRedisConnection(source.client, null);
  const { database } = parseRedisUrl(storeName, source.url);
  const driver = source.driver === 'redis' ? loadOptionalDriver<NodeRedisModule>('redis', storeName) : source.driver;
  const client = driver.createClient({
    url: source.url,
    database,
    disableOfflineQueue: true,
    socket: { connectTimeout: settings.connectTimeoutMs, reconnectStrategy: reconnectDelay },
  });
  return new NodeRedisConnection(client, database);
}

class NodeRedisConnection extends ClientWrapper implements RedisConnection {
  readonly closedReason: string;
  readonly #client: NodeRedisClient;
  readonly #owned: boolean;
  // The database the URL selects; null for a client passed in.
  readonly #database: number | null;
  #started = false;
  // node-redis keeps the socket "open" while it retries; an attempt that failed since the last "ready"
  // means the server is down.
  #failedSinceReady = false;

  /** `database`: the one the store's own client selects; `null` for a client passed in. */
  constructor(client: NodeRedisClient, database: number | null) {
    super();
    const owned = database !== null;
    this.#client = client;
    this.#owned = owned;
    this.#database = database;
    this.closedReason = owned
      ? 'the redis connection is closed'
      : 'the node-redis client is not open: connect it (await client.connect()) before the store uses it';
    // Also keeps a client passed in from throwing an unhandled "error" event; its owner's listeners still hear every error.
    client.on('error', this.#onError);
    client.on('ready', this.#onReady);
  }

  readonly #onError = (error: Error): void => {
    // node-redis selects the database while connecting, and a refused SELECT fails the attempt.
    this.lastFailure = this.#database !== null && /DB index/i.test(error.message) ? databaseRefused(this.#database, error) : error;
    if (!this.#client.isReady) this.#failedSinceReady = true;
  };

  readonly #onReady = (): void => {
    this.lastFailure = null;
    this.#failedSinceReady = false;
  };

  async get(key: string): Promise<string | null> {
    const reply = await this.#client.sendCommand(['GET', key]);
    return reply === null ? null : text(reply);
  }

  async exists(key: string): Promise<boolean> {
    return Number(await this.#client.sendCommand(['EXISTS', key])) > 0;
  }

  async setExpiring(key: string, value: string, ttlMs: number, condition: 'NX' | 'XX'): Promise<boolean> {
    return (await this.#client.sendCommand(['SET', key, value, 'PX', String(ttlMs), condition])) !== null;
  }

  async del(key: string): Promise<boolean> {
    return Number(await this.#client.sendCommand(['DEL', key])) > 0;
  }

  evalSha(sha: string, key: string, args: readonly string[]): Promise<unknown> {
    return this.#client.sendCommand(['EVALSHA', sha, '1', key, ...args]);
  }

  eval(script: string, key: string, args: readonly string[]): Promise<unknown> {
    return this.#client.sendCommand(['EVAL', script, '1', key, ...args]);
  }

  keyspaces(): RedisKeyspace[] {
    const client = this.#client;
    return [
      {
        scan: async (cursor, pattern, count) => {
          const [next, keys] = (await client.sendCommand(['SCAN', cursor, 'MATCH', pattern, 'COUNT', String(count)])) as [unknown, unknown[]];
          return [text(next), keys.map(text)];
        },
        // Commands sent in the same tick travel together: one round trip.
        ttlsAndSizes: (keys) =>
          Promise.all(
            keys.map(async (key) => {
              const [ttlMs, bytes] = await Promise.all([client.sendCommand(['PTTL', key]), client.sendCommand(['STRLEN', key])]);
              return { ttlMs: Number(ttlMs), bytes: Number(bytes) };
            }),
          ),
      },
    ];
  }

  state(): RedisClientState {
    const client = this.#client;
    if (client.isReady) return 'ready';
    if (!client.isOpen) return this.#owned && !this.#started ? 'idle' : 'closed';
    return this.#failedSinceReady ? 'down' : 'connecting';
  }

  start(): void {
    this.#started = true;
    this.#client.connect().catch(() => undefined);
  }

  watch(ready: () => void, failed: () => void): () => void {
    const client = this.#client;
    const onError = (): void => {
      if (!client.isReady) failed();
    };
    return listenTo(client, [
      ['ready', ready],
      ['error', onError],
      ['end', failed],
    ]);
  }

  refusal(): Error | null {
    return null;
  }

  async close(quitTimeoutMs: number): Promise<void> {
    const client = this.#client;
    client.off('error', this.#onError);
    client.off('ready', this.#onReady);
    if (!this.#owned) return;
    // node-redis throws an "error" event nobody listens to; the store is done with its errors.
    client.on('error', () => undefined);
    if (!client.isOpen) return;
    const destroy = (): void => {
      if (client.isOpen) client.destroy();
    };
    await quitThenDrop(client.isReady, () => client.close(), destroy, quitTimeoutMs);
  }
}

// A client may map replies to Buffers (its typeMapping); keys and data are UTF-8 text.
function text(reply: unknown): string {
  return Buffer.isBuffer(reply) ? reply.toString('utf8') : String(reply);
}
