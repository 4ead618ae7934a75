/**
 * The Redis store's connection through ioredis (5 and 6): a `Redis`, or a `Cluster`, that the store
 * creates from URLs or is given.
 */
import type { Cluster, ClusterNode, Redis, RedisOptions } from 'ioredis';
import { SessionConfigError } from '../../errors.js';
import { loadOptionalDriver } from '../internal/optional-driver.js';
import type { ConnectionSettings, RedisClientState, RedisConnection, RedisKeyspace } from './connection.js';
import { ClientWrapper, databaseRefused, listenTo, parseRedisUrl, quitThenDrop, reconnectDelay } from './connection.js';

/** The ioredis module. */
export type IoredisModule = typeof import('ioredis');

/** An ioredis client: a single server or a cluster. */
export type IoredisClient = Redis | Cluster;

/** Where the connection comes from: a client passed in, or URLs and the module to create one with. */
export type IoredisSource =
  | { readonly client: IoredisClient }
  | { readonly url?: string | undefined; readonly clusterNodes?: readonly string[] | undefined; readonly driver: 'ioredis' | IoredisModule };

// How long ioredis's disconnect waits for the socket's "close" before destroying it. A socket whose
// connection failed has closed already, and the wait (2 s by default) would keep the process alive.
const CLOSED_SOCKET_WAIT_MS = 0;

/** Whether `client` looks like an ioredis `Redis` or `Cluster`. */
export function isIoredisClient(client: unknown): client is IoredisClient {
  const candidate = client as Partial<Redis> | null;
  return typeof candidate?.evalsha === 'function' && typeof candidate.status === 'string';
}

/**
 * A connection through ioredis. A client the store creates:
 * - connects on first use;
 * - has no offline queue and `maxRetriesPerRequest: 0`, so while the server is unreachable a command
 *   fails at once instead of waiting in a queue (where it could outlive its request and still run later:
 *   a write the client was told had failed, or a lock nobody releases);
 * - does not resend commands that were in flight when the connection broke, for the same reason;
 * - reconnects in the background forever, at most a second apart;
 * - is refused while the database of its URL could not be selected (ioredis would go on with database 0).
 */
export function ioredisConnection(source: IoredisSource, settings: ConnectionSettings, storeName: string): RedisConnection {
  if ('client' in source) return new IoredisConnection(source.client, false, null);
  const driver = source.driver === 'ioredis' ? loadOptionalDriver<IoredisModule>('ioredis', storeName) : source.driver;
  if (source.url !== undefined) {
    const { database } = parseRedisUrl(storeName, source.url);
    const client = new driver.Redis(source.url, {
      db: database,
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: reconnectDelay,
      ...failFast(settings),
    });
    return new IoredisConnection(client, true, database);
  }
  return new IoredisConnection(createCluster(driver, source.clusterNodes!, settings, storeName), true, null);
}

function createCluster(driver: IoredisModule, urls: readonly string[], settings: ConnectionSettings, storeName: string): Cluster {
  if (!Array.isArray(urls) || urls.length === 0) {
    throw new SessionConfigError(`${storeName}: \`clusterNodes\` must list at least one node URL, e.g. ['redis://redis-1.internal:6379'].`);
  }
  const parsed = urls.map((url) => parseRedisUrl(storeName, url).url);
  const nodes: ClusterNode[] = parsed.map((url) => ({ host: url.hostname, port: Number(url.port || 6379) }));
  const first = parsed[0]!;
  return new driver.Cluster(nodes, {
    lazyConnect: true,
    enableOfflineQueue: false,
    clusterRetryStrategy: reconnectDelay,
    slotsRefreshTimeout: settings.connectTimeoutMs,
    redisOptions: {
      username: first.username ? decodeURIComponent(first.username) : undefined,
      password: first.password ? decodeURIComponent(first.password) : undefined,
      tls: first.protocol === 'rediss:' ? {} : undefined,
      ...failFast(settings),
    },
  });
}

/** The settings of each connection (to the server, or to a cluster node) that make a dead server fail fast. */
function failFast(
  settings: ConnectionSettings,
): Pick<RedisOptions, 'maxRetriesPerRequest' | 'autoResendUnfulfilledCommands' | 'connectTimeout' | 'disconnectTimeout'> {
  return {
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: settings.connectTimeoutMs,
    disconnectTimeout: CLOSED_SOCKET_WAIT_MS,
  };
}

class IoredisConnection extends ClientWrapper implements RedisConnection {
  readonly closedReason = 'the redis connection is closed';
  readonly #client: IoredisClient;
  readonly #owned: boolean;
  // The database the URL selects; null for a client passed in, whose errors the store does not listen to.
  readonly #database: number | null;
  #selectFailure: Error | null = null;

  constructor(client: IoredisClient, owned: boolean, database: number | null) {
    super();
    this.#client = client;
    this.#owned = owned;
    this.#database = database;
    if (!owned) return;
    // Without a listener ioredis prints every failed reconnection; the last one goes into error messages.
    client.on('error', (error: Error & { command?: { name?: string } }) => {
      this.lastFailure = error;
      // ioredis reports a refused SELECT here and then declares the connection ready, on database 0.
      if (error.command?.name === 'select') this.#selectFailure = error;
    });
    client.on('connect', () => {
      this.#selectFailure = null;
    });
    client.on('ready', () => {
      this.lastFailure = null;
    });
  }

  get(key: string): Promise<string | null> {
    return this.#client.get(key);
  }

  async exists(key: string): Promise<boolean> {
    return (await this.#client.exists(key)) > 0;
  }

  async setExpiring(key: string, value: string, ttlMs: number, condition: 'NX' | 'XX'): Promise<boolean> {
    const reply = condition === 'NX' ? await this.#client.set(key, value, 'PX', ttlMs, 'NX') : await this.#client.set(key, value, 'PX', ttlMs, 'XX');
    return reply === 'OK';
  }

  async del(key: string): Promise<boolean> {
    return (await this.#client.del(key)) > 0;
  }

  evalSha(sha: string, key: string, args: readonly string[]): Promise<unknown> {
    return this.#client.evalsha(sha, 1, key, ...args);
  }

  eval(script: string, key: string, args: readonly string[]): Promise<unknown> {
    return this.#client.eval(script, 1, key, ...args);
  }

  keyspaces(): RedisKeyspace[] {
    const client = this.#client;
    const nodes: Redis[] = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
    return nodes.map((node) => ({
      scan: (cursor, pattern, count) => node.scan(cursor, 'MATCH', pattern, 'COUNT', count),
      ttlsAndSizes: async (keys) => {
        const pipeline = node.pipeline();
        for (const key of keys) pipeline.pttl(key).strlen(key);
        const replies = (await pipeline.exec()) ?? [];
        return keys.map((_, i) => {
          const [ttlError, ttlMs] = replies[2 * i] ?? [];
          const [sizeError, bytes] = replies[2 * i + 1] ?? [];
          if (ttlError || sizeError) throw ttlError ?? sizeError;
          return { ttlMs: Number(ttlMs), bytes: Number(bytes) };
        });
      },
    }));
  }

  state(): RedisClientState {
    switch (this.#client.status) {
      case 'ready':
        return 'ready';
      case 'wait':
        return 'idle';
      case 'connecting':
      case 'connect':
        return 'connecting';
      case 'end':
        return 'closed';
      default:
        return 'down';
    }
  }

  start(): void {
    this.#client.connect().catch(() => undefined);
  }

  watch(ready: () => void, failed: () => void): () => void {
    return listenTo(this.#client, [
      ['ready', ready],
      ['close', failed],
      ['end', failed],
    ]);
  }

  refusal(): Error | null {
    return this.#selectFailure && databaseRefused(this.#database ?? 0, this.#selectFailure);
  }

  async close(quitTimeoutMs: number): Promise<void> {
    const client = this.#client;
    if (!this.#owned || client.status === 'end') return;
    await quitThenDrop(
      client.status === 'ready',
      () => client.quit(),
      () => client.disconnect(),
      quitTimeoutMs,
    );
  }
}
