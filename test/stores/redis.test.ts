/**
 * The Redis store against the Redis server on 127.0.0.1:6379 (each run in a key prefix of its own,
 * deleted afterwards), plus fault handling against redis-server processes this file starts and kills.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessions, SessionConfigError, SessionStoreUnavailable, type SessionStore } from '../../src/index.js';
import { generateSessionKey } from '../../src/core/session-key.js';
import { redisStore, type RedisStore } from '../../src/stores/redis.js';
import { askTcp, haveExecutable, REDIS_SERVER_BIN, startRedisServer, unavailableServer, waitUntil, type ManagedServer } from '../helpers/servers.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { describeStoreConformance } from './conformance.js';
import { cookieOf } from '../helpers/cookies.js';

const URL = 'redis://127.0.0.1:6379/0';
const RUN = `sessionkit-test-${process.pid}-${Date.now().toString(36)}`;
const CACHE = 'django.contrib.sessions.cache';

const redisUp = await askTcp(6379, 'PING\r\n', (reply) => reply.includes('\r\n')).then(
  (reply) => reply.startsWith('+PONG'),
  () => false,
);
const skipReason = redisUp ? null : unavailableServer('Redis on 127.0.0.1:6379', new Error('no PONG'));

const future = (seconds = 3600): Date => new Date(Date.now() + seconds * 1000);

/** Deletes every key that starts with `prefix` (the run's namespaces). */
async function deletePrefix(raw: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await raw.del(...keys);
  } while (cursor !== '0');
}

describe.skipIf(skipReason !== null)('redis store', () => {
  describeStoreConformance({
    name: 'redis',
    makeStore: () => redisStore({ url: URL, keyPrefix: `${RUN}-conformance` }),
    clearsExpired: false,
    cleanup: async () => {
      const raw = new Redis(URL);
      try {
        await deletePrefix(raw, `${RUN}-conformance`);
      } finally {
        raw.disconnect();
      }
    },
  });

  describe('on 127.0.0.1:6379', () => {
    let raw: Redis;
    const stores: SessionStore[] = [];
    const store = (options: Parameters<typeof redisStore>[0] = { url: URL, keyPrefix: RUN }): RedisStore => {
      const made = redisStore(options);
      stores.push(made);
      return made;
    };

    beforeAll(() => {
      raw = new Redis(URL);
    });
    afterAll(async () => {
      await Promise.all(stores.map((s) => s.close?.()));
      await deletePrefix(raw, RUN);
      raw.disconnect();
    });

    it("writes under Django's exact cache key, default prefix and version included", async () => {
      const key = generateSessionKey();
      const byDefault = store({ url: URL });
      try {
        await byDefault.create(key, 'default-data', future());
        expect(await raw.get(`:1:${CACHE}${key}`)).toBe('default-data');
      } finally {
        await raw.del(`:1:${CACHE}${key}`);
      }
      const custom = store({ url: URL, keyPrefix: `${RUN}-myapp`, version: 7 });
      await custom.create(key, 'custom-data', future());
      expect(await raw.get(`${RUN}-myapp:7:${CACHE}${key}`)).toBe('custom-data');
      const cachedDb = store({ url: URL, keyPrefix: RUN, cachePrefix: 'django.contrib.sessions.cached_db' });
      await cachedDb.create(key, 'cached-db-data', future());
      expect(await raw.get(`${RUN}:1:django.contrib.sessions.cached_db${key}`)).toBe('cached-db-data');
      // A value put there by someone else is read back as it is.
      await raw.set(`${RUN}-myapp:7:${CACHE}${key}`, 'written-elsewhere');
      expect((await custom.load(key))?.data).toBe('written-elsewhere');
    });

    it("sets the server's TTL to the expiry, and a past expiry deletes", async () => {
      const s = store();
      const key = generateSessionKey();
      const dataKey = `${RUN}:1:${CACHE}${key}`;
      await s.create(key, 'x', future(60));
      let pttl = await raw.pttl(dataKey);
      expect(pttl).toBeGreaterThan(58_000);
      expect(pttl).toBeLessThanOrEqual(60_000);
      expect(await s.update(key, 'y', future(7200))).toBe('updated');
      pttl = await raw.pttl(dataKey);
      expect(pttl).toBeGreaterThan(7_198_000);
      expect(pttl).toBeLessThanOrEqual(7_200_000);
      const version = (await s.load(key))!.version;
      expect(await s.update(key, 'z', future(120), version)).toBe('updated');
      pttl = await raw.pttl(dataKey);
      expect(pttl).toBeGreaterThan(118_000);
      expect(pttl).toBeLessThanOrEqual(120_000);
      expect(await s.update(key, 'gone', new Date(Date.now() - 1000), 'z')).toBe('updated');
      expect(await raw.exists(dataKey)).toBe(0);
      await s.create(key, 'again', future());
      expect(await s.update(key, 'gone', new Date(Date.now() - 1000))).toBe('updated');
      expect(await raw.exists(dataKey)).toBe(0);
      expect(await s.create(key, 'born-expired', new Date(Date.now() - 1000))).toBe(true);
      expect(await raw.exists(dataKey)).toBe(0);
    });

    it('compare-and-set lets exactly one of 30 concurrent writers at one version win', async () => {
      const writers = Array.from({ length: 3 }, () => store());
      const key = generateSessionKey();
      await writers[0]!.create(key, 'base', future());
      const { version } = (await writers[0]!.load(key))!;
      const outcomes = await Promise.all(
        Array.from({ length: 30 }, (_, i) => writers[i % writers.length]!.update(key, `writer-${i}`, future(), version)),
      );
      const winners = outcomes.flatMap((outcome, i) => (outcome === 'updated' ? [i] : []));
      expect(winners).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === 'conflict')).toHaveLength(29);
      expect((await writers[0]!.load(key))?.data).toBe(`writer-${winners[0]}`);
      await writers[0]!.delete(key);
      expect(await writers[0]!.update(key, 'zombie', future(), `writer-${winners[0]}`)).toBe('missing');
      expect(await raw.exists(`${RUN}:1:${CACHE}${key}`)).toBe(0);
    });

    it('keeps the lock next to the data with its TTL, and releases only its own token', async () => {
      const s = store();
      const key = generateSessionKey();
      const lockKey = `${RUN}:1:${CACHE}${key}:lock`;
      const held = await s.lock(key, { waitMs: 1000, ttlMs: 30_000 });
      const token = await raw.get(lockKey);
      expect(token).toMatch(/^[0-9a-f]{32}$/);
      const pttl = await raw.pttl(lockKey);
      expect(pttl).toBeGreaterThan(28_000);
      expect(pttl).toBeLessThanOrEqual(30_000);
      // Another process's store polls until the holder releases.
      const other = store();
      const waiting = other.lock(key, { waitMs: 5000, ttlMs: 30_000 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await held.release();
      const next = await waiting;
      expect(await raw.get(lockKey)).not.toBe(token);
      // The first holder releasing again (as after its TTL ran out) must not free the new holder's lock.
      await held.release();
      expect(await raw.exists(lockKey)).toBe(1);
      await next.release();
      expect(await raw.exists(lockKey)).toBe(0);
    });

    it('a lock whose holder died is taken over after its TTL', async () => {
      const s = store();
      const key = generateSessionKey();
      await raw.set(`${RUN}:1:${CACHE}${key}:lock`, 'dead-holder', 'PX', 300);
      const started = Date.now();
      const held = await s.lock(key, { waitMs: 3000, ttlMs: 10_000 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      await held.release();
    });

    it('lists the sessions of its namespace with expiry and byte size, not locks or other prefixes', async () => {
      const prefix = `${RUN}-list`;
      const s = store({ url: URL, keyPrefix: prefix });
      const elsewhere = store({ url: URL, keyPrefix: `${prefix}x` });
      const keys = [generateSessionKey(), generateSessionKey(), generateSessionKey()];
      const data = 'héllo 日本 😀';
      for (const key of keys) await s.create(key, data, future(600));
      await elsewhere.create(generateSessionKey(), 'other', future());
      const held = await s.lock(keys[0]!, { waitMs: 1000, ttlMs: 10_000 });
      await raw.set(`${prefix}:1:${CACHE}NOT-A-KEY`, 'junk');
      const listed = [];
      for await (const session of s.list()) listed.push(session);
      await held.release();
      expect(listed.map((session) => session.key).sort()).toEqual([...keys].sort());
      for (const session of listed) {
        expect(session.size).toBe(Buffer.byteLength(data));
        expect(Math.abs(session.expireDate!.getTime() - (Date.now() + 600_000))).toBeLessThan(5000);
      }
    });

    it('refuses writes under a key that is not a session key', async () => {
      const s = store();
      await expect(s.create('../../etc/passwd', 'x', future())).rejects.toThrow(/not a session key/);
      await expect(s.update('ABC DEF GHI', 'x', future())).rejects.toThrow(/not a session key/);
      await expect(s.lock('*', { waitMs: 10, ttlMs: 10 })).rejects.toThrow(/not a session key/);
      await expect(s.delete('*')).resolves.toBeUndefined();
    });

    it('leaves a client it was given open on close', async () => {
      const client = new Redis(URL);
      try {
        const s = redisStore({ client, keyPrefix: RUN });
        const key = generateSessionKey();
        expect(await s.create(key, 'given', future())).toBe(true);
        await s.close();
        expect(await client.get(`${RUN}:1:${CACHE}${key}`)).toBe('given');
      } finally {
        client.disconnect();
      }
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
      expect(() => redisStore({ client: {} as never })).toThrow(/ioredis/);
    });

    it('accepts redis://, rediss:// and cluster URLs, and connects only when first used', async () => {
      for (const url of ['redis://127.0.0.1:1/0', 'rediss://user:p%40ss@cache.invalid:6380/2']) await redisStore({ url }).close();
      await redisStore({ clusterNodes: ['redis://127.0.0.1:1', 'rediss://127.0.0.1:2'] }).close();
      // A listener that is not Redis: it only counts connections.
      let connections = 0;
      const listener = createServer((socket) => {
        connections++;
        socket.on('error', () => undefined);
      });
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
      const { port } = listener.address() as AddressInfo;
      const s = redisStore({ url: `redis://127.0.0.1:${port}/0`, connectTimeoutMs: 200, commandTimeoutMs: 200 });
      try {
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(connections).toBe(0);
        const started = Date.now();
        await expect(s.load(generateSessionKey())).rejects.toThrow(/redis/);
        expect(Date.now() - started).toBeLessThan(1000);
        expect(connections).toBeGreaterThanOrEqual(1);
      } finally {
        await s.close();
        listener.close();
      }
    });
  });
});

const canStartRedis = haveExecutable(REDIS_SERVER_BIN);
const noServerReason = canStartRedis ? null : unavailableServer('redis-server binary', new Error(`${REDIS_SERVER_BIN} missing`));

describe.skipIf(noServerReason !== null)('redis store: server failures', () => {
  const TIMEOUT_MS = 400;
  // "Fast": well under what a queue or the clients' default retries would take, with room for a busy machine.
  const FAST_MS = TIMEOUT_MS + 600;
  let server: ManagedServer;
  let s: RedisStore;

  beforeAll(async () => {
    server = await startRedisServer();
    s = redisStore({ url: `redis://127.0.0.1:${server.port}/0`, commandTimeoutMs: TIMEOUT_MS, connectTimeoutMs: TIMEOUT_MS });
  });
  afterAll(async () => {
    await s?.close();
    await server?.stop();
  });

  /** Saves a new session through the manager; resolves its cookie. */
  async function saveNewSession(): Promise<string> {
    const sessions = createSessions({ secret: TEST_SECRET, store: s });
    const session = sessions.load(undefined);
    await session.set('user', 'alice');
    return cookieOf((await sessions.commit(session)).setCookie);
  }

  /** Milliseconds `attempt` took to reject with SessionStoreUnavailable. */
  async function timeToUnavailable(attempt: () => Promise<unknown>): Promise<number> {
    const started = Date.now();
    await expect(attempt()).rejects.toBeInstanceOf(SessionStoreUnavailable);
    return Date.now() - started;
  }

  it('fails fast with SessionStoreUnavailable while the server is down, and recovers when it returns', async () => {
    const sessions = createSessions({ secret: TEST_SECRET, store: s });
    const cookie = await saveNewSession();
    await server.kill();
    // Reading an existing session and saving a new one both fail promptly instead of hanging.
    expect(await timeToUnavailable(() => sessions.load(cookie).get('user'))).toBeLessThan(FAST_MS);
    expect(await timeToUnavailable(saveNewSession)).toBeLessThan(FAST_MS);
    const burst = Date.now();
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, saveNewSession));
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason instanceof SessionStoreUnavailable)).toBe(true);
    expect(Date.now() - burst).toBeLessThan(FAST_MS);
    const refusedKey = generateSessionKey();
    await expect(s.create(refusedKey, 'refused-while-down', future())).rejects.toThrow();

    await server.start();
    // The client reconnects by itself (at most a second between attempts).
    await waitUntil('the store to work again', async () => {
      await saveNewSession();
      return true;
    }, 5000);
    const cookie2 = await saveNewSession();
    expect(await sessions.load(cookie2).get('user')).toBe('alice');
    // A write refused while the server was down is not replayed when it returns.
    expect(await s.load(refusedKey)).toBeNull();
  });

  it('times out on a hung server instead of waiting for it, and recovers when it answers again', async () => {
    const sessions = createSessions({ secret: TEST_SECRET, store: s });
    const cookie = await saveNewSession();
    const lockedKey = generateSessionKey();
    await server.pause();
    try {
      const took = await timeToUnavailable(() => sessions.load(cookie).get('user'));
      expect(took).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(took).toBeLessThan(FAST_MS);
      await timeToUnavailable(saveNewSession);
      await expect(s.lock(lockedKey, { waitMs: 100, ttlMs: 60_000 })).rejects.toThrow(/timed out/);
    } finally {
      server.resume();
    }
    await waitUntil('the store to answer again', async () => (await sessions.load(cookie).get('user')) === 'alice', 5000);
    // The lock request that timed out ran late on the server, and so did its release queued behind it:
    // the session is not left locked for the lock's TTL.
    const lock = await s.lock(lockedKey, { waitMs: 50, ttlMs: 1000 });
    await lock.release();
  });

  it('a store created while its server is down fails fast and works once the server starts', async () => {
    await server.kill();
    const late = redisStore({ url: `redis://127.0.0.1:${server.port}/0`, commandTimeoutMs: TIMEOUT_MS, connectTimeoutMs: TIMEOUT_MS });
    try {
      const started = Date.now();
      await expect(late.load(generateSessionKey())).rejects.toThrow(/redis/);
      expect(Date.now() - started).toBeLessThan(FAST_MS);
      await server.start();
      await waitUntil('the late store to connect', async () => (await late.load(generateSessionKey())) === null, 5000);
    } finally {
      await late.close();
    }
  });
});

describe('redis store: closing leaves nothing running', () => {
  const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const STORE_MODULE = pathToFileURL(fileURLToPath(new globalThis.URL('../../src/stores/redis.ts', import.meta.url))).href;

  /** Runs `body` in a fresh node; resolves what it printed (JSON) and how long the process lived after it. */
  function inFreshNode(body: string, env: Record<string, string> = {}): Promise<{ output: Record<string, unknown>; exitAfterMs: number }> {
    const script = `const { redisStore } = await import(${JSON.stringify(STORE_MODULE)});\n${body}`;
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', TSX_LOADER, '--input-type=module', '-e', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let printedAt = 0;
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        printedAt = Date.now();
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.once('error', reject);
      child.once('close', (status) => {
        if (status !== 0 || printedAt === 0) reject(new Error(`the child node exited with ${status}: ${stderr}`));
        else resolve({ output: JSON.parse(stdout) as Record<string, unknown>, exitAfterMs: Date.now() - printedAt });
      });
    });
  }

  it('lets the process exit at once after closing stores whose connection failed (single server and cluster)', async () => {
    const { output, exitAfterMs } = await inFreshNode(`
      const single = redisStore({ url: 'redis://127.0.0.1:1/0' });
      const cluster = redisStore({ clusterNodes: ['redis://127.0.0.1:1'] });
      const failures = await Promise.all([single, cluster].map((store) => store.load('abcdefgh12345678').then(() => 'loaded', (error) => error.message)));
      await Promise.all([single.close(), cluster.close()]);
      console.log(JSON.stringify({ failures }));
    `);
    expect(output['failures']).toEqual([expect.stringMatching(/could not connect to redis/), expect.stringMatching(/could not connect to redis/)]);
    // ioredis's disconnect used to wait 2 s for a socket that had closed long before.
    expect(exitAfterMs).toBeLessThan(700);
  });

  it('ends a request waiting for a connection when the store closes, and exits at once', async () => {
    // Accepts connections and never answers: the store waits for the server to become ready.
    const silent = createServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const { output, exitAfterMs } = await inFreshNode(`
        const store = redisStore({ url: 'redis://127.0.0.1:${port}/0', connectTimeoutMs: 10000, commandTimeoutMs: 10000 });
        const started = Date.now();
        const waiting = store.load('abcdefgh12345678').then(() => 'loaded', (error) => error.message);
        await new Promise((resolve) => setTimeout(resolve, 100));
        await store.close();
        const failure = await waiting;
        const after = await store.load('abcdefgh12345678').then(() => 'loaded', (error) => error.message);
        console.log(JSON.stringify({ failure, after, waitedMs: Date.now() - started }));
      `);
      expect(output['failure']).toMatch(/closed/);
      expect(output['after']).toMatch(/closed/);
      expect(output['waitedMs']).toBeLessThan(2000);
      expect(exitAfterMs).toBeLessThan(700);
    } finally {
      silent.close();
    }
  });
});
