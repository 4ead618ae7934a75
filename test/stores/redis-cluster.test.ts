/**
 * The Redis store on a real Redis Cluster: three masters on loopback, started by this file in a temporary
 * directory, joined with `redis-cli --cluster create`, and stopped afterwards.
 */
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import { redisStore } from '../../src/stores/redis.js';
import { describeIfAvailable } from '../helpers/gate.js';
import { missingExecutables, REDIS_CLI_BIN, REDIS_SERVER_BIN, type RedisClusterHandle, startRedisCluster } from '../helpers/servers.js';
import { describeStoreConformance } from './conformance.js';

const CACHE = 'django.contrib.sessions.cache';

describeIfAvailable('Redis Cluster', missingExecutables(REDIS_SERVER_BIN, REDIS_CLI_BIN), 'redis store on a Redis Cluster', () => {
  let cluster: RedisClusterHandle;
  const nodeUrls = (): string[] => cluster.ports.map((port) => `redis://127.0.0.1:${port}`);

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  describeStoreConformance({
    name: 'redis cluster',
    makeStore: () => redisStore({ clusterNodes: nodeUrls(), keyPrefix: 'conformance' }),
    clearsExpired: false,
    expiresOnServer: true,
  });

  describe('with a Cluster client passed in', () => {
    let client: Cluster;
    beforeAll(() => {
      client = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
    });
    afterAll(() => {
      client?.disconnect();
    });

    it('spreads sessions over every master and lists them all', async () => {
      const s = redisStore({ client, keyPrefix: 'spread' });
      const keys = Array.from({ length: 60 }, () => generateSessionKey());
      for (const key of keys) expect(await s.create(key, `data-${key}`, new Date(Date.now() + 600_000))).toBe(true);
      // Each node answers only for its own slots: count the keys each one holds.
      const perNode = await Promise.all(
        cluster.ports.map(async (port) => {
          const node = new Redis({ port, host: '127.0.0.1' });
          try {
            const [, found] = await node.scan('0', 'MATCH', `spread:1:${CACHE}*`, 'COUNT', 1000);
            return found.length;
          } finally {
            node.disconnect();
          }
        }),
      );
      expect(perNode.reduce((a, b) => a + b, 0)).toBe(keys.length);
      for (const count of perNode) expect(count).toBeGreaterThan(0);
      const listed: string[] = [];
      for await (const session of s.list()) listed.push(session.key);
      expect(listed.sort()).toEqual([...keys].sort());
      // Compare-and-set and the lock script work whichever node owns the key.
      for (const key of keys.slice(0, 10)) {
        const { version } = (await s.load(key))!;
        expect(await s.update(key, 'next', new Date(Date.now() + 600_000), version)).toBe('updated');
        expect(await s.update(key, 'stale', new Date(Date.now() + 600_000), version)).toBe('conflict');
        const lock = await s.lock(key, { waitMs: 1000, ttlMs: 10_000 });
        await lock.release();
        expect(await client.exists(`spread:1:${CACHE}${key}:lock`)).toBe(0);
      }
      await s.close();
      // The client belongs to the test: close() left it usable.
      expect(await client.get(`spread:1:${CACHE}${keys[0]}`)).toBe('next');
    });
  });
});
