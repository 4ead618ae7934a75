/**
 * The Redis clients the Redis store runs on: ioredis (5 and 6) and node-redis (the `redis` package, 5 and
 * 6). Each is wrapped in a {@link RedisConnection}, the few commands and connection states the store
 * needs, so the store itself never tells the libraries apart.
 */
import { SessionConfigError } from '../../errors.js';
import type { ConnectionSettings, RedisConnection } from './connection.js';
import { type IoredisClient, type IoredisModule, ioredisConnection, isIoredisClient } from './ioredis.js';
import { isNodeRedisClient, type NodeRedisClient, type NodeRedisModule, nodeRedisConnection } from './node-redis.js';

/** A client the Redis store can use: an ioredis `Redis` or `Cluster`, or a node-redis client. */
export type RedisClient = IoredisClient | NodeRedisClient;

/** The client library the Redis store creates its client with, by name or as the loaded module. */
export type RedisDriver = 'ioredis' | 'redis' | IoredisModule | NodeRedisModule;

/** Where the store's client comes from: exactly one of these is set. */
export interface ConnectionSource {
  readonly url?: string | undefined;
  readonly clusterNodes?: readonly string[] | undefined;
  readonly client?: RedisClient | undefined;
  readonly driver?: RedisDriver | undefined;
}

/**
 * The connection for a store's options: the client passed in (told apart by its shape), or one the store
 * creates with `driver` (ioredis by default) from `url` or `clusterNodes`.
 * @throws SessionConfigError when the client or the driver is not one the store knows, or the URLs are unusable.
 */
export function openRedisConnection(source: ConnectionSource, settings: ConnectionSettings, storeName: string): RedisConnection {
  const { client, driver = 'ioredis' } = source;
  if (client !== undefined) {
    if (source.driver !== undefined) {
      throw new SessionConfigError(`${storeName}: \`driver\` only applies with \`url\`; the store uses the \`client\` you pass as it is.`);
    }
    if (isIoredisClient(client)) return ioredisConnection({ client }, settings, storeName);
    if (isNodeRedisClient(client, storeName)) return nodeRedisConnection({ client }, settings, storeName);
    throw new SessionConfigError(
      `${storeName}: \`client\` must be an ioredis \`Redis\` or \`Cluster\`, or a node-redis client (createClient() of the "redis" package); or pass \`url\` instead.`,
    );
  }
  if (driver === 'ioredis' || isIoredisModule(driver))
    return ioredisConnection({ url: source.url, clusterNodes: source.clusterNodes, driver }, settings, storeName);
  if (driver === 'redis' || isNodeRedisModule(driver)) {
    if (source.clusterNodes !== undefined) {
      throw new SessionConfigError(`${storeName}: \`clusterNodes\` needs ioredis (driver: 'ioredis'); node-redis clusters are not supported.`);
    }
    return nodeRedisConnection({ url: source.url!, driver }, settings, storeName);
  }
  throw new SessionConfigError(`${storeName}: \`driver\` must be 'ioredis' or 'redis' (node-redis), or one of those modules; got ${describe(driver)}.`);
}

function isIoredisModule(driver: unknown): driver is IoredisModule {
  return typeof (driver as Partial<IoredisModule> | null)?.Redis === 'function' && typeof (driver as Partial<IoredisModule>).Cluster === 'function';
}

function isNodeRedisModule(driver: unknown): driver is NodeRedisModule {
  return typeof (driver as Partial<NodeRedisModule> | null)?.createClient === 'function';
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : typeof value;
}
