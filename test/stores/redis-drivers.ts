/**
 * The Redis client libraries the Redis store is tested on: ioredis 5 and 6, node-redis 5 and 6 (the 6s and
 * the 5s are installed side by side, under the aliases `ioredis6` and `redis5`).
 */
import { createRequire } from 'node:module';
import type { RedisDriver } from '../../src/stores/redis.js';

const requireDev = createRequire(import.meta.url);

/** A library the store creates its own client with. */
export interface DriverVariant {
  /** Shown in test names. */
  readonly name: string;
  /** Short, for key prefixes. */
  readonly slug: string;
  /** The store's `driver` option. */
  readonly driver: RedisDriver;
  /** The name the library is installed under. */
  readonly packageName: string;
  /** Whether it is ioredis, which also has clusters. */
  readonly ioredis: boolean;
}

/** ioredis 6 (alias `ioredis6`). */
export const ioredis6 = requireDev('ioredis6') as typeof import('ioredis6');
/** node-redis 5 (alias `redis5`). */
export const nodeRedis5 = requireDev('redis5') as typeof import('redis5');

// ioredis 6's classes are not ioredis 5's, which the store's types name (private members make class types
// nominal); at run time the store goes by the module's shape. node-redis modules fit the types as they are.
export const DRIVERS: readonly DriverVariant[] = [
  { name: 'ioredis 5', slug: 'io5', driver: 'ioredis', packageName: 'ioredis', ioredis: true },
  {
    name: 'ioredis 6',
    slug: 'io6',
    driver: ioredis6 as unknown as RedisDriver,
    packageName: 'ioredis6',
    ioredis: true,
  },
  { name: 'node-redis 6', slug: 'nr6', driver: 'redis', packageName: 'redis', ioredis: false },
  { name: 'node-redis 5', slug: 'nr5', driver: nodeRedis5, packageName: 'redis5', ioredis: false },
];
