/**
 * The Redis store against the Redis server on 127.0.0.1:6379 (each run in a key prefix of its own,
 * deleted afterwards), on every client library it supports: created by the store from a URL, or passed in.
 * The store's own failures are in redis-faults.test.ts; what runs on real time (a dead holder's lock taken
 * over after its TTL, closing, server outages) is in test/real-time/.
 */
import { type AddressInfo, createServer } from 'node:net';
import { Redis } from 'ioredis';
import { Redis as Redis6 } from 'ioredis6';
import { createClient, createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import { SessionConfigError, type SessionStore } from '../../src/index.js';
import type { CacheKeyOptions } from '../../src/stores/internal/cache-keys.js';
import { type RedisClient, type RedisStore, redisStore } from '../../src/stores/redis.js';
import { describeIfAvailable } from '../helpers/gate.js';
import { askTcp } from '../helpers/servers.js';
import { describeStoreConformance } from './conformance.js';
import { DRIVERS, nodeRedis5 } from './redis-drivers.js';
import { expectLockHandover, expectOneWriterWins } from './server-checks.js';
import { contextWithClock } from './store-context.js';

const URL = 'redis://127.0.0.1:6379/0';
const RUN = `sessionkit-test-${process.pid}-${Date.now().toString(36)}`;
const CACHE = 'django.contrib.sessions.cache';

const redisUp = await askTcp(6379, 'PING\r\n', (reply) => reply.includes('\r\n')).then(
  (reply) => reply.startsWith('+PONG'),
  () => false,
);
const skipReason = redisUp ? null : 'Redis on 127.0.0.1:6379 does not answer PING';

const future = (seconds = 3600): Date => new Date(Date.now() + seconds * 1000);

/** Runs `use` with a client of its own on database 0. */
async function withRaw<T>(use: (raw: Redis) => Promise<T>): Promise<T> {
  const raw = new Redis(URL);
  try {
    return await use(raw);
  } finally {
    raw.disconnect();
  }
}

/** Deletes every key that starts with `prefix` (the run's namespaces). */
async function deletePrefix(raw: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await raw.del(...keys);
  } while (cursor !== '0');
}

/** A client passed in, made for one conformance run, and how to let it go. */
interface PassedClient {
  readonly name: string;
  make(): { client: RedisClient; dispose(): Promise<void> };
}

const connectedNodeRedis = (make: typeof createClient): { client: RedisClient; dispose(): Promise<void> } => {
  const client = make({ url: URL });
  client.on('error', () => undefined);
  void client.connect();
  return { client, dispose: async () => void client.destroy() };
};

const PASSED_CLIENTS: readonly PassedClient[] = [
  {
    name: 'an ioredis 6 client',
    make: () => {
      const client = new Redis6(URL);
      return { client: client as unknown as RedisClient, dispose: async () => client.disconnect() };
    },
  },
  { name: 'a node-redis 6 client', make: () => connectedNodeRedis(createClient) },
  {
    name: 'a node-redis 5 client',
    make: () => connectedNodeRedis(nodeRedis5.createClient as unknown as typeof createClient),
  },
];

describeIfAvailable('Redis', skipReason, 'redis store', () => {
  for (const { name, slug, driver } of DRIVERS) {
    describeStoreConformance({
      name: `redis on ${name}`,
      makeStore: () => redisStore({ url: URL, driver, keyPrefix: `${RUN}-conformance-${slug}` }),
      clearsExpired: false,
      expiresOnServer: true,
      cleanup: () => withRaw((raw) => deletePrefix(raw, `${RUN}-conformance-${slug}`)),
    });
  }

  for (const [i, passed] of PASSED_CLIENTS.entries()) {
    let made: ReturnType<PassedClient['make']> | undefined;
    describeStoreConformance({
      name: `redis with ${passed.name} passed in`,
      makeStore: () => {
        made = passed.make();
        return redisStore({ client: made.client, keyPrefix: `${RUN}-conformance-passed${i}` });
      },
      clearsExpired: false,
      expiresOnServer: true,
      cleanup: async () => {
        await made?.dispose();
        await withRaw((raw) => deletePrefix(raw, `${RUN}-conformance-passed${i}`));
      },
    });
  }

  describe.each(DRIVERS)('on 127.0.0.1:6379 with $name', ({ driver, slug }) => {
    let raw: Redis;
    const stores: SessionStore[] = [];
    const RUN_HERE = `${RUN}-${slug}`;
    /** A store on this driver, in this describe's key prefix unless `keys` says otherwise. */
    const store = (keys: CacheKeyOptions = { keyPrefix: RUN_HERE }): RedisStore => {
      const made = redisStore({ url: URL, driver, ...keys });
      stores.push(made);
      return made;
    };

    beforeAll(() => {
      raw = new Redis(URL);
    });
    afterAll(async () => {
      await Promise.all(stores.map((s) => s.close?.()));
      await deletePrefix(raw, RUN_HERE);
      raw.disconnect();
    });

    it("writes under Django's exact cache key, default prefix and version included", async () => {
      const key = generateSessionKey();
      const byDefault = store({});
      try {
        await byDefault.create(key, 'default-data', future());
        expect(await raw.get(`:1:${CACHE}${key}`)).toBe('default-data');
      } finally {
        await raw.del(`:1:${CACHE}${key}`);
      }
      const custom = store({ keyPrefix: `${RUN_HERE}-myapp`, version: 7 });
      await custom.create(key, 'custom-data', future());
      expect(await raw.get(`${RUN_HERE}-myapp:7:${CACHE}${key}`)).toBe('custom-data');
      const cachedDb = store({ keyPrefix: RUN_HERE, cachePrefix: 'django.contrib.sessions.cached_db' });
      await cachedDb.create(key, 'cached-db-data', future());
      expect(await raw.get(`${RUN_HERE}:1:django.contrib.sessions.cached_db${key}`)).toBe('cached-db-data');
      // A value put there by someone else is read back as it is.
      await raw.set(`${RUN_HERE}-myapp:7:${CACHE}${key}`, 'written-elsewhere');
      expect((await custom.load(key))?.data).toBe('written-elsewhere');
    });

    it("sets the server's TTL to the expiry by the attached clock, and a past expiry deletes", async () => {
      const s = store();
      // Years from the machine's time: every TTL below comes from the attached clock.
      const clock = Date.UTC(2040, 0, 1);
      s.attach(contextWithClock(() => clock));
      const at = (seconds: number): Date => new Date(clock + seconds * 1000);
      const key = generateSessionKey();
      const dataKey = `${RUN_HERE}:1:${CACHE}${key}`;
      await s.create(key, 'x', at(60));
      let pttl = await raw.pttl(dataKey);
      expect(pttl).toBeGreaterThan(58_000);
      expect(pttl).toBeLessThanOrEqual(60_000);
      expect(await s.update(key, 'y', at(7200))).toBe('updated');
      pttl = await raw.pttl(dataKey);
      expect(pttl).toBeGreaterThan(7_198_000);
      expect(pttl).toBeLessThanOrEqual(7_200_000);
      const version = (await s.load(key))!.version;
      expect(await s.update(key, 'z', at(120), version)).toBe('updated');
      pttl = await raw.pttl(dataKey);
      expect(pttl).toBeGreaterThan(118_000);
      expect(pttl).toBeLessThanOrEqual(120_000);
      expect(await s.update(key, 'gone', at(-1), 'z')).toBe('updated');
      expect(await raw.exists(dataKey)).toBe(0);
      await s.create(key, 'again', at(3600));
      expect(await s.update(key, 'gone', at(-1))).toBe('updated');
      expect(await raw.exists(dataKey)).toBe(0);
      expect(await s.create(key, 'born-expired', at(-1))).toBe(true);
      expect(await raw.exists(dataKey)).toBe(0);
    });

    it('compare-and-set lets exactly one of 30 concurrent writers at one version win', async () => {
      const writers = Array.from({ length: 3 }, () => store());
      const key = generateSessionKey();
      const winner = await expectOneWriterWins(writers, key, future());
      await writers[0]!.delete(key);
      expect(await writers[0]!.update(key, 'zombie', future(), winner)).toBe('missing');
      expect(await raw.exists(`${RUN_HERE}:1:${CACHE}${key}`)).toBe(0);
    });

    it('keeps the lock next to the data with its TTL, and releases only its own token', async () => {
      const s = store();
      const key = generateSessionKey();
      const lockKey = `${RUN_HERE}:1:${CACHE}${key}:lock`;
      const held = await s.lock(key, { waitMs: 1000, ttlMs: 30_000 });
      const pttl = await raw.pttl(lockKey);
      expect(pttl).toBeGreaterThan(28_000);
      expect(pttl).toBeLessThanOrEqual(30_000);
      await held.release();
      await expectLockHandover(s, store(), key, () => raw.get(lockKey));
    });

    it('lists the sessions of its namespace with expiry and byte size, not locks or other prefixes', async () => {
      const prefix = `${RUN_HERE}-list`;
      const s = store({ keyPrefix: prefix });
      const clock = Date.UTC(2040, 0, 1);
      s.attach(contextWithClock(() => clock));
      const elsewhere = store({ keyPrefix: `${prefix}x` });
      const keys = [generateSessionKey(), generateSessionKey(), generateSessionKey()];
      const data = 'héllo 日本 😀';
      for (const key of keys) await s.create(key, data, new Date(clock + 600_000));
      await elsewhere.create(generateSessionKey(), 'other', future());
      const held = await s.lock(keys[0]!, { waitMs: 1000, ttlMs: 10_000 });
      await raw.set(`${prefix}:1:${CACHE}NOT-A-KEY`, 'junk');
      const listed = [];
      for await (const session of s.list()) listed.push(session);
      await held.release();
      expect(listed.map((session) => session.key).sort()).toEqual([...keys].sort());
      for (const session of listed) {
        expect(session.size).toBe(Buffer.byteLength(data));
        // The TTL the server reports, counted from the attached clock.
        expect(session.expireDate!.getTime()).toBeGreaterThan(clock + 598_000);
        expect(session.expireDate!.getTime()).toBeLessThanOrEqual(clock + 600_000);
      }
    });
  });

  describe('clients passed in', () => {
    const PREFIX = `${RUN}-passed`;
    afterAll(() => withRaw((raw) => deletePrefix(raw, PREFIX)));

    const ioredis5: PassedClient = {
      name: 'an ioredis 5 client',
      make: () => {
        const client = new Redis(URL);
        return { client, dispose: async () => client.disconnect() };
      },
    };

    it.each([ioredis5, ...PASSED_CLIENTS])('leaves $name open on close', async ({ make }) => {
      const { client, dispose } = make();
      try {
        const s = redisStore({ client, keyPrefix: PREFIX });
        const key = generateSessionKey();
        expect(await s.create(key, 'given', future())).toBe(true);
        await s.close();
        expect(await readThrough(client, `${PREFIX}:1:${CACHE}${key}`)).toBe('given');
      } finally {
        await dispose();
      }
    });

    it('says a node-redis client must be connected, and works once it is', async () => {
      const client = createClient({ url: URL });
      client.on('error', () => undefined);
      const s = redisStore({ client, keyPrefix: PREFIX });
      try {
        await expect(s.load(generateSessionKey())).rejects.toThrow(/node-redis client is not open: connect it \(await client\.connect\(\)\)/);
        await client.connect();
        const key = generateSessionKey();
        await s.create(key, 'connected', future());
        expect(await s.load(key)).toEqual({ data: 'connected', version: 'connected' });
      } finally {
        await s.close();
        client.destroy();
      }
    });

    it('refuses a node-redis cluster, and `driver` beside a client', () => {
      const cluster = createCluster({ rootNodes: [{ url: URL }] });
      expect(() => redisStore({ client: cluster as unknown as RedisClient })).toThrow(/node-redis clusters are not supported; use an ioredis `Cluster`/);
      const client = new Redis(URL, { lazyConnect: true });
      expect(() => redisStore({ client, driver: 'redis' })).toThrow(/`driver` only applies with `url`/);
    });
  });

  describe('configuration', () => {
    it('throws SessionConfigError with the fix for unusable options', () => {
      expect(() => redisStore({})).toThrow(SessionConfigError);
      expect(() => redisStore({})).toThrow(/exactly one of `url`/);
      expect(() => redisStore({ url: URL, clusterNodes: [URL] })).toThrow(/exactly one/);
      expect(() => redisStore({ url: 'http://127.0.0.1:6379' })).toThrow(/not a Redis URL/);
      expect(() => redisStore({ url: 'not a url' })).toThrow(SessionConfigError);
      expect(() => redisStore({ clusterNodes: [] })).toThrow(/at least one node/);
      expect(() => redisStore({ clusterNodes: ['memcached://x:1'] })).toThrow(/not a Redis URL/);
      expect(() => redisStore({ url: URL, version: -1 })).toThrow(/version/);
      expect(() => redisStore({ url: URL, version: 1.5 })).toThrow(/version/);
      expect(() => redisStore({ url: URL, commandTimeoutMs: 0 })).toThrow(/commandTimeoutMs/);
      expect(() => redisStore({ url: URL, connectTimeoutMs: Number.NaN })).toThrow(/connectTimeoutMs/);
      expect(() => redisStore({ client: {} as never })).toThrow(/must be an ioredis `Redis` or `Cluster`, or a node-redis client/);
      expect(() => redisStore({ url: 'redis://127.0.0.1:6379/db1' })).toThrow(/database index in "redis:\/\/127\.0\.0\.1:6379\/db1" is not a whole number/);
      expect(() => redisStore({ url: 'redis://:s3cret@127.0.0.1:6379/-1', driver: 'redis' })).toThrow(/redis:\/\/:\*\*\*@127\.0\.0\.1:6379\/-1/);
      expect(() => redisStore({ url: 'http://127.0.0.1:6379', driver: 'redis' })).toThrow(/not a Redis URL/);
      expect(() => redisStore({ clusterNodes: [URL], driver: 'redis' })).toThrow(/`clusterNodes` needs ioredis/);
      expect(() => redisStore({ url: URL, driver: 'node-redis' as never })).toThrow(/`driver` must be 'ioredis' or 'redis'/);
      expect(() => redisStore({ url: URL, driver: {} as never })).toThrow(/`driver` must be/);
    });

    it.each(DRIVERS)('accepts redis:// and rediss:// URLs, and connects only when first used, on $name', async ({ driver }) => {
      for (const url of ['redis://127.0.0.1:1/0', 'rediss://user:p%40ss@cache.invalid:6380/2', 'redis://127.0.0.1:1?db=3'])
        await redisStore({ url, driver }).close();
      if (driver === 'ioredis') await redisStore({ clusterNodes: ['redis://127.0.0.1:1', 'rediss://127.0.0.1:2'] }).close();
      // An option given as undefined counts as not given.
      await redisStore({ url: 'redis://127.0.0.1:1/0', driver, client: undefined, clusterNodes: undefined }).close();
      // A listener that is not Redis: it only counts connections.
      let connections = 0;
      const listener = createServer((socket) => {
        connections++;
        socket.on('error', () => undefined);
      });
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
      const { port } = listener.address() as AddressInfo;
      const s = redisStore({
        url: `redis://127.0.0.1:${port}/0`,
        driver,
        connectTimeoutMs: 200,
        commandTimeoutMs: 200,
      });
      try {
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(connections).toBe(0);
        await expect(s.load(generateSessionKey())).rejects.toThrow(/redis/);
        expect(connections).toBeGreaterThanOrEqual(1);
      } finally {
        await s.close();
        listener.close();
      }
    });
  });
});

/** `GET key` through `client`, whichever library made it. */
async function readThrough(client: RedisClient, key: string): Promise<unknown> {
  return 'sendCommand' in client && 'isOpen' in client ? client.sendCommand(['GET', key]) : (client as Redis).get(key);
}
