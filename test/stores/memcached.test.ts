/**
 * The memcached store against memcached processes this file starts on free ports: the conformance suite
 * on one server and on three (keys spread over all of them), and the key and expiry details. What
 * happens when a server dies, hangs and comes back is in test/real-time/memcached-server-failures.test.ts.
 */
import Memcached from 'memcached';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import { createSessions, SessionConfigError, type SessionStore } from '../../src/index.js';
import { type MemcachedStore, memcachedLifetime, memcachedStore } from '../../src/stores/memcached.js';
import { cookieOf } from '../helpers/cookies.js';
import { describeIfAvailable } from '../helpers/gate.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { askTcp, type ManagedServer, MEMCACHED_BIN, missingExecutables, startMemcached } from '../helpers/servers.js';
import { describeStoreConformance } from './conformance.js';
import { rawGet } from './memcached-raw.js';
import { expectLockHandover, expectOneWriterWins } from './server-checks.js';
import { contextWithClock } from './store-context.js';

const CACHE = 'django.contrib.sessions.cache';
const DAY_S = 24 * 60 * 60;
const noMemcached = missingExecutables(MEMCACHED_BIN);

const future = (seconds = 3600): Date => new Date(Date.now() + seconds * 1000);

/** Seconds the item under `key` has left to live, from the meta protocol's `t` flag (-1: never expires). */
async function rawTtl(port: number, key: string): Promise<number | null> {
  const reply = await askTcp(port, `mg ${key} t\r\n`, (r) => r.endsWith('\r\n'));
  const match = /^HD t(-?\d+)/.exec(reply);
  return match ? Number(match[1]) : null;
}

describeIfAvailable('memcached', noMemcached, 'memcached store', () => {
  const servers: ManagedServer[] = [];
  const stores: MemcachedStore[] = [];
  const store = (options: Parameters<typeof memcachedStore>[0]): MemcachedStore => {
    const made = memcachedStore(options);
    stores.push(made);
    return made;
  };
  const one = (): ManagedServer => servers[0]!;
  const addresses = (): string[] => servers.map((server) => `127.0.0.1:${server.port}`);

  beforeAll(async () => {
    servers.push(...(await Promise.all([startMemcached(), startMemcached(), startMemcached()])));
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await Promise.all(servers.map((server) => server.stop()));
  });

  describeStoreConformance({
    name: 'memcached (one server)',
    makeStore: () => memcachedStore({ url: `memcached://127.0.0.1:${one().port}`, keyPrefix: 'conformance-one' }),
    clearsExpired: false,
    expiresOnServer: true,
  });

  describeStoreConformance({
    name: 'memcached (three servers)',
    makeStore: () => memcachedStore({ servers: addresses(), keyPrefix: 'conformance-three' }),
    clearsExpired: false,
    expiresOnServer: true,
  });

  it('stays up under load: 400 concurrent requests on a pool of 4 connections all succeed', async () => {
    // The client answers a full pool with an error; it must neither fail the request nor mark the
    // server dead (the benchmark's 50 connections once turned into 1,716 answers of 503).
    const s = store({ url: `memcached://127.0.0.1:${one().port}`, keyPrefix: 'load', poolSize: 4 });
    const sessions = createSessions<{ visit: number }>({ secret: TEST_SECRET, store: s });
    const cookies: Array<string | undefined> = [];
    for (let round = 0; round < 2; round++) {
      await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const session = sessions.load(cookies[i]);
          await session.set('visit', ((await session.get('visit')) ?? 0) + 1);
          const { setCookie } = await sessions.commit(session);
          if (setCookie.length > 0) cookies[i] = cookieOf(setCookie);
        }),
      );
    }
    expect(await sessions.load(cookies[199]).get('visit')).toBe(2);
  });

  it('spreads sessions over all three servers by consistent hashing', async () => {
    const spread = store({ url: `memcached://${addresses().join(',')}`, keyPrefix: 'spread' });
    const keys = Array.from({ length: 60 }, () => generateSessionKey());
    for (const key of keys) expect(await spread.create(key, `data-${key}`, future())).toBe(true);
    const perServer = await Promise.all(
      servers.map(async (server) => {
        let found = 0;
        for (const key of keys) if ((await rawGet(server.port, `spread:1:${CACHE}${key}`)) !== null) found++;
        return found;
      }),
    );
    expect(perServer.reduce((a, b) => a + b, 0)).toBe(keys.length);
    for (const count of perServer) expect(count).toBeGreaterThan(0);
    for (const key of keys) expect((await spread.load(key))?.data).toBe(`data-${key}`);
  });

  it("writes under Django's exact cache key, default prefix and version included", async () => {
    const port = one().port;
    const key = generateSessionKey();
    await store({ url: `memcached://127.0.0.1:${port}` }).create(key, 'default-data', future());
    expect(await rawGet(port, `:1:${CACHE}${key}`)).toBe('default-data');
    await store({ servers: [`127.0.0.1:${port}`], keyPrefix: 'myapp', version: 2 }).create(key, 'custom-data', future());
    expect(await rawGet(port, `myapp:2:${CACHE}${key}`)).toBe('custom-data');
    await store({ servers: [`127.0.0.1:${port}`], cachePrefix: 'django.contrib.sessions.cached_db' }).create(key, 'cached-db', future());
    expect(await rawGet(port, `:1:django.contrib.sessions.cached_db${key}`)).toBe('cached-db');
  });

  it('gives memcached seconds up to 30 days and an absolute unix time beyond', async () => {
    const now = Date.UTC(2030, 0, 1);
    expect(memcachedLifetime(new Date(now + 60_000), now)).toBe(60);
    expect(memcachedLifetime(new Date(now + 1), now)).toBe(1);
    expect(memcachedLifetime(new Date(now + 30 * DAY_S * 1000), now)).toBe(30 * DAY_S);
    expect(memcachedLifetime(new Date(now + 30 * DAY_S * 1000 + 1000), now)).toBe(now / 1000 + 30 * DAY_S + 1);
    expect(memcachedLifetime(new Date(now), now)).toBe(-1);
    // memcached keeps absolute times in 32 bits: later ones are capped at 2038-01-19, never dropped.
    expect(memcachedLifetime(new Date('2100-01-01T00:00:00Z'), now)).toBe(2 ** 31 - 1);
    expect(memcachedLifetime(new Date(now - 5000), now)).toBe(-1);

    // On the server: what it reports as time left matches, on both sides of the 30-day line.
    const port = one().port;
    const s = store({ servers: [`127.0.0.1:${port}`], keyPrefix: 'ttl' });
    // Lifetimes come from the attached clock, held still here.
    const clock = Date.now();
    s.attach(contextWithClock(() => clock));
    const at = (seconds: number): Date => new Date(clock + seconds * 1000);
    const cases = [60, 14 * DAY_S, 30 * DAY_S, 40 * DAY_S, 365 * DAY_S];
    for (const seconds of cases) {
      const key = generateSessionKey();
      await s.create(key, 'x', at(seconds));
      expect((await s.load(key))?.data).toBe('x');
      const ttl = await rawTtl(port, `ttl:1:${CACHE}${key}`);
      expect(ttl).not.toBeNull();
      expect(Math.abs(ttl! - seconds)).toBeLessThanOrEqual(2);
      // A replace moves the expiry too.
      await s.update(key, 'y', at(120));
      expect(Math.abs((await rawTtl(port, `ttl:1:${CACHE}${key}`))! - 120)).toBeLessThanOrEqual(2);
    }
  });

  it('compare-and-set on CAS ids lets exactly one of 30 concurrent writers at one version win', async () => {
    const writers = [0, 1, 2].map(() => store({ url: `memcached://127.0.0.1:${one().port}`, keyPrefix: 'cas' }));
    const key = generateSessionKey();
    await expectOneWriterWins(writers, key, future());
    expect((await writers[0]!.load(key))?.version).toMatch(/^\d+$/);
    // A version that is not a CAS id never matches; a deleted item is missing, not conflicting.
    expect(await writers[0]!.update(key, 'x', future(), 'writer-0')).toBe('conflict');
    const current = (await writers[0]!.load(key))!.version;
    await writers[0]!.delete(key);
    expect(await writers[0]!.update(key, 'zombie', future(), current)).toBe('missing');
    expect(await rawGet(one().port, `cas:1:${CACHE}${key}`)).toBeNull();
  });

  it('keeps the lock next to the data with its TTL, and releases only its own token', async () => {
    const port = one().port;
    const s = store({ servers: [`127.0.0.1:${port}`], keyPrefix: 'lock' });
    const key = generateSessionKey();
    const lockKey = `lock:1:${CACHE}${key}:lock`;
    const held = await s.lock(key, { waitMs: 1000, ttlMs: 30_000 });
    expect(Math.abs((await rawTtl(port, lockKey))! - 30)).toBeLessThanOrEqual(2);
    await held.release();
    await expectLockHandover(s, store({ servers: [`127.0.0.1:${port}`], keyPrefix: 'lock' }), key, () => rawGet(port, lockKey));
  });

  it('round-trips data with line breaks and protocol words exactly', async () => {
    const s = store({ servers: [`127.0.0.1:${one().port}`], keyPrefix: 'bytes' });
    const key = generateSessionKey();
    const awkward = 'a\r\nEND\r\nVALUE x 0 1\r\nb\\\n\\\r';
    await s.create(key, awkward, future());
    expect((await s.load(key))?.data).toBe(awkward);
  });

  it('uses a client it was given and leaves it open on close', async () => {
    const client = new Memcached(`127.0.0.1:${one().port}`, { retries: 0 });
    try {
      const s = memcachedStore({ client, keyPrefix: 'given' });
      const key = generateSessionKey();
      expect(await s.create(key, 'given', future())).toBe(true);
      expect((await s.load(key))?.data).toBe('given');
      await s.close();
      const value = await new Promise((resolve, reject) => client.get(`given:1:${CACHE}${key}`, (error, data) => (error ? reject(error) : resolve(data))));
      expect(value).toBe('given');
    } finally {
      client.end();
    }
  });

  it('has no list(): memcached cannot enumerate its keys', () => {
    const s: SessionStore = store({ servers: [`127.0.0.1:${one().port}`] });
    expect(s.list).toBeUndefined();
  });

  it('throws SessionConfigError with the fix for unusable options', () => {
    expect(() => memcachedStore({})).toThrow(/exactly one of `url`/);
    expect(() => memcachedStore({ url: 'redis://127.0.0.1:11211' })).toThrow(/not a memcached URL/);
    expect(() => memcachedStore({ url: 'memcached://' })).toThrow(SessionConfigError);
    expect(() => memcachedStore({ servers: [] })).toThrow(/at least one/);
    expect(() => memcachedStore({ servers: ['127.0.0.1:99999'] })).toThrow(/not a memcached server/);
    expect(() => memcachedStore({ servers: ['127.0.0.1:11211'], keyPrefix: 'my app' })).toThrow(/spaces or control/);
    expect(() => memcachedStore({ servers: ['127.0.0.1:11211'], cachePrefix: 'tab\there' })).toThrow(/spaces or control/);
    expect(() => memcachedStore({ servers: ['127.0.0.1:11211'], keyPrefix: 'p'.repeat(200) })).toThrow(/250-byte limit/);
    expect(() => memcachedStore({ servers: ['127.0.0.1:11211'], keyPrefix: 'p'.repeat(170) })).not.toThrow();
    expect(() => memcachedStore({ servers: ['127.0.0.1:11211'], retryMs: -1 })).toThrow(/retryMs/);
    expect(() => memcachedStore({ servers: ['127.0.0.1:11211'], commandTimeoutMs: 1.5 })).toThrow(/commandTimeoutMs/);
    expect(() => memcachedStore({ client: { get: () => undefined } as never })).toThrow(/`memcached` package/);
  });
});
