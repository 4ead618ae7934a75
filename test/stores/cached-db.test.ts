import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import { createSessions, SessionConfigError, type SessionStore, SessionStoreUnavailable, type StoredSession } from '../../src/index.js';
import { loads } from '../../src/signing/index.js';
import { cachedDbStore } from '../../src/stores/cached-db.js';
import { memoryStore } from '../../src/stores/memory.js';
import { redisStore } from '../../src/stores/redis.js';
import { sqliteStore } from '../../src/stores/sqlite.js';
import { describeWithDjango, django } from '../django/bridge.js';
import { cookieOf } from '../helpers/cookies.js';
import { countingStore } from '../helpers/counting-store.js';
import { describeIfAvailable } from '../helpers/gate.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import { askTcp } from '../helpers/servers.js';
import { describeStoreConformance } from './conformance.js';
import { scratchDatabaseFiles } from './scratch-files.js';
import { contextWithClock } from './store-context.js';

const newDbFile = scratchDatabaseFiles('sessionkit-cached-db-');
const future = (seconds = 3600): Date => new Date(Date.now() + seconds * 1000);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A memory "database" whose records carry their expiry (`expireDate` on what `load` returns), as the
 * contract could let database stores report it; with it, cached_db fills the cache on a database read.
 */
function dbReportingExpiry(): SessionStore {
  const inner = memoryStore();
  const expiries = new Map<string, Date>();
  return {
    name: 'memory-db',
    async load(key) {
      const record = await inner.load(key);
      return record && ({ ...record, expireDate: expiries.get(key) } as StoredSession);
    },
    exists: (key) => inner.exists(key),
    async create(key, data, expires) {
      const created = await inner.create(key, data, expires);
      if (created) expiries.set(key, expires);
      return created;
    },
    async update(key, data, expires, expected) {
      const outcome = await inner.update(key, data, expires, expected);
      if (outcome === 'updated') expiries.set(key, expires);
      return outcome;
    },
    delete: (key) => inner.delete(key),
    clearExpired: () => inner.clearExpired(),
    lock: (key, options) => inner.lock(key, options),
    attach: (context) => inner.attach(context),
  };
}

describeStoreConformance({
  name: 'cached_db (memory cache + sqlite db)',
  makeStore: () => cachedDbStore({ cache: memoryStore(), db: sqliteStore({ path: newDbFile() }) }),
  clearsExpired: true,
});

describeStoreConformance({
  name: 'cached_db (memory cache + memory db reporting expiry)',
  makeStore: () => cachedDbStore({ cache: memoryStore(), db: dbReportingExpiry() }),
  // The memory store leaves expired entries to be dropped lazily and counts only what is still there.
  clearsExpired: false,
});

const REDIS_URL = 'redis://127.0.0.1:6379/0';
const RUN = `sessionkit-cached-db-test-${process.pid}-${Date.now().toString(36)}`;
const redisUp = await askTcp(6379, 'PING\r\n', (reply) => reply.includes('\r\n')).then(
  (reply) => reply.startsWith('+PONG'),
  () => false,
);
const redisSkip = redisUp ? null : 'Redis on 127.0.0.1:6379 does not answer PING';

describeIfAvailable('Redis', redisSkip, 'cached_db on a real cache', () => {
  describeStoreConformance({
    name: 'cached_db (redis cache + sqlite db)',
    makeStore: () =>
      cachedDbStore({
        cache: redisStore({ url: REDIS_URL, keyPrefix: RUN, cachePrefix: 'sessionkit.cached_db' }),
        db: sqliteStore({ path: newDbFile() }),
      }),
    clearsExpired: true,
    expiresOnServer: true,
    cleanup: async () => {
      const raw = new Redis(REDIS_URL);
      try {
        const keys = await raw.keys(`${RUN}:*`);
        if (keys.length > 0) await raw.del(...keys);
      } finally {
        raw.disconnect();
      }
    },
  });
});

describe('cached_db: configuration', () => {
  it('refuses missing or identical stores, saying what to pass', () => {
    const memory = memoryStore();
    expect(() => cachedDbStore({ cache: memory } as never)).toThrow(SessionConfigError);
    expect(() => cachedDbStore({ db: memory } as never)).toThrow(/`cache` must be a cache store/);
    expect(() => cachedDbStore({ cache: memory, db: memory })).toThrow(/two different stores/);
    expect(() => cachedDbStore(undefined as never)).toThrow(SessionConfigError);
    expect(() => cachedDbStore({ cache: memory, db: memoryStore(), djangoCache: {} as never })).toThrow(/djangoCache/);
  });

  it("locks with the database's lock and lists the database's sessions", async () => {
    const db = sqliteStore({ path: newDbFile() });
    const store = cachedDbStore({ cache: memoryStore(), db });
    const key = generateSessionKey();
    await store.create(key, 'x', future());
    const held = await store.lock!(key, { waitMs: 100, ttlMs: 5000 });
    await expect(db.lock(key, { waitMs: 50, ttlMs: 5000 })).rejects.toThrow(/Timed out/);
    await held.release();
    const listed: string[] = [];
    for await (const session of store.list!()) listed.push(session.key);
    expect(listed).toEqual([key]);
    await store.close();
  });

  it("migrates, counts and clears in batches with the database's methods, sweeping the cache too", async () => {
    const file = newDbFile();
    const cache = memoryStore();
    const store = cachedDbStore({ cache, db: sqliteStore({ path: file }) });
    let clock = Date.now();
    store.attach(contextWithClock(() => clock));
    expect(await store.migrate!()).toBe('created');
    expect(await store.migrate!()).toBe('exists');
    const expired = new Date(Date.now() - 60_000);
    for (let i = 0; i < 7; i++) await store.create(generateSessionKey(), 'old', expired);
    await store.create(generateSessionKey(), 'live', future());
    // The memory cache keeps an expired entry until it is swept.
    await cache.create(generateSessionKey(), 'cached', new Date(clock + 30));
    clock += 40;
    expect(await store.countExpired!()).toBe(7);
    const progress: number[] = [];
    expect(await store.clearExpiredInBatches!({ batchSize: 3, onProgress: (removed) => progress.push(removed) })).toBe(7);
    expect(progress).toEqual([3, 6, 7]);
    expect(await store.countExpired!()).toBe(0);
    // Swept already: nothing left for the cache's own sweep.
    expect(await cache.clearExpired()).toBe(0);
    await store.close();
  });

  it('has no batched clearing, count or migrate when its database has none', () => {
    const store = cachedDbStore({ cache: memoryStore(), db: memoryStore() });
    expect(store.clearExpiredInBatches).toBeUndefined();
    expect(store.countExpired).toBeUndefined();
    expect(store.migrate).toBeUndefined();
  });
});

describe('cached_db: the cache in front of the database', () => {
  it('serves a cache hit without touching the database', async () => {
    const cache = countingStore(memoryStore());
    const db = countingStore(sqliteStore({ path: newDbFile() }));
    const store = cachedDbStore({ cache: cache.store, db: db.store });
    const key = generateSessionKey();
    await store.create(key, 'data', future());
    db.reset();
    for (let i = 0; i < 5; i++) expect((await store.load(key))?.data).toBe('data');
    expect(await store.exists(key)).toBe(true);
    expect(db.calls.load + db.calls.exists).toBe(0);
    expect(cache.calls.load).toBe(5);
  });

  it('falls back to the database on a miss and fills the cache for the remaining lifetime', async () => {
    const cache = countingStore(memoryStore());
    const db = countingStore(dbReportingExpiry());
    const store = cachedDbStore({ cache: cache.store, db: db.store });
    const key = generateSessionKey();
    const expires = new Date(Date.now() + 1500);
    await db.inner.create(key, 'from-db', expires); // written by another process: not in this cache
    expect((await store.load(key))?.data).toBe('from-db');
    expect(db.calls.load).toBe(1);
    expect((await cache.inner.load(key))?.data).toBe('from-db');
    expect((await store.load(key))?.data).toBe('from-db');
    expect(db.calls.load).toBe(1);
    const [entry] = await collect(cache.inner.list!());
    expect(entry?.expireDate?.getTime()).toBe(expires.getTime());
  });

  it('does not fill the cache when the database cannot say when the record expires', async () => {
    const cache = countingStore(memoryStore());
    const sqlite = sqliteStore({ path: newDbFile() });
    const db = Object.assign(Object.create(sqlite) as typeof sqlite, {
      load: async (key: string) => {
        const record = await sqlite.load(key);
        return record && { data: record.data, version: record.version };
      },
    });
    const store = cachedDbStore({ cache: cache.store, db });
    const key = generateSessionKey();
    await sqlite.create(key, 'from-db', future());
    expect((await store.load(key))?.data).toBe('from-db');
    expect(await cache.inner.load(key)).toBeNull();
  });

  it("fills the cache from SQLite with the row's remaining lifetime", async () => {
    const cache = countingStore(memoryStore());
    const db = sqliteStore({ path: newDbFile() });
    const store = cachedDbStore({ cache: cache.store, db });
    const key = generateSessionKey();
    const expires = future();
    await db.create(key, 'from-db', expires);
    expect((await store.load(key))?.data).toBe('from-db');
    expect((await cache.inner.load(key))?.data).toBe('from-db');
    const listed = [];
    for await (const entry of (cache.inner as ReturnType<typeof memoryStore>).list()) listed.push(entry);
    expect(listed.find((entry) => entry.key === key)?.expireDate?.getTime()).toBe(expires.getTime());
  });

  it('tolerates and logs a cache that is down, for every operation', async () => {
    const cache = countingStore(memoryStore());
    cache.broken = new Set(['load', 'exists', 'create', 'update', 'delete', 'clearExpired']);
    const logger = recordingLogger();
    const store = cachedDbStore({ cache: cache.store, db: sqliteStore({ path: newDbFile() }), logger });
    const sessions = createSessions({ secret: TEST_SECRET, store });
    const first = sessions.load(undefined);
    await first.set('n', 1);
    const cookie = cookieOf((await sessions.commit(first)).setCookie);
    const second = sessions.load(cookie);
    expect(await second.get('n')).toBe(1);
    await second.set('n', 2);
    await sessions.commit(second);
    expect(await sessions.load(cookie).get('n')).toBe(2);
    expect(await store.exists(second.sessionKey!)).toBe(true);
    await store.clearExpired();
    await store.delete(second.sessionKey!);
    expect(await store.load(second.sessionKey!)).toBeNull();
    expect(logger.errors.length).toBeGreaterThanOrEqual(6);
    expect(logger.errors.every((message) => message.includes('cache (memory)'))).toBe(true);
    expect(logger.errors.join('\n')).not.toContain(second.sessionKey!); // session keys are secrets
  });

  it('propagates database errors: the store is unavailable (503), and nothing is cached', async () => {
    const cache = countingStore(memoryStore());
    const db = countingStore(sqliteStore({ path: newDbFile() }));
    const store = cachedDbStore({ cache: cache.store, db: db.store });
    const key = generateSessionKey();
    db.broken = new Set(['create', 'update', 'load', 'delete', 'clearExpired']);
    await expect(store.create(key, 'x', future())).rejects.toThrow(/ECONNREFUSED/);
    expect(await cache.inner.load(key)).toBeNull();
    await expect(store.load(key)).rejects.toThrow(/ECONNREFUSED/);
    await expect(store.clearExpired()).rejects.toThrow(/ECONNREFUSED/);
    const sessions = createSessions({ secret: TEST_SECRET, store });
    const session = sessions.load(undefined);
    await session.set('a', 1);
    await expect(sessions.commit(session)).rejects.toBeInstanceOf(SessionStoreUnavailable);

    db.broken.clear();
    await store.create(key, 'x', future());
    db.broken = new Set(['update', 'delete']);
    await expect(store.update(key, 'y', future())).rejects.toThrow(/ECONNREFUSED/);
    await expect(store.delete(key)).rejects.toThrow(/ECONNREFUSED/);
    expect((await store.load(key))?.data).toBe('x'); // cache and database still agree
  });

  it('delete removes the session from both', async () => {
    const cache = memoryStore();
    const db = sqliteStore({ path: newDbFile() });
    const store = cachedDbStore({ cache, db });
    const key = generateSessionKey();
    await store.create(key, 'x', future());
    expect((await cache.load(key))?.data).toBe('x');
    await store.delete(key);
    expect(await cache.load(key)).toBeNull();
    expect(await db.load(key)).toBeNull();
    expect(await store.exists(key)).toBe(false);
  });
});

describe('cached_db: never a stale copy after a write through the store', () => {
  it('an update whose cache write fails is not followed by the old cached copy', async () => {
    const cache = countingStore(memoryStore());
    const logger = recordingLogger();
    const store = cachedDbStore({ cache: cache.store, db: dbReportingExpiry(), logger });
    const key = generateSessionKey();
    await store.create(key, 'v1', future());
    cache.broken = new Set(['create', 'update', 'delete']);
    expect(await store.update(key, 'v2', future())).toBe('updated');
    expect((await cache.inner.load(key))?.data).toBe('v1'); // the cache still holds the old copy...
    expect((await store.load(key))?.data).toBe('v2'); // ...which is not served
    expect((await store.load(key))?.data).toBe('v2');
    expect(logger.errors.length).toBeGreaterThan(0);

    cache.broken.clear();
    expect((await store.load(key))?.data).toBe('v2'); // repairs the entry
    expect((await cache.inner.load(key))?.data).toBe('v2');
    cache.reset();
    expect((await store.load(key))?.data).toBe('v2');
    expect(cache.calls.load).toBe(1);
  });

  it('a delete whose cache delete fails is not followed by the old cached copy', async () => {
    const cache = countingStore(memoryStore());
    const store = cachedDbStore({
      cache: cache.store,
      db: sqliteStore({ path: newDbFile() }),
      logger: recordingLogger(),
    });
    const key = generateSessionKey();
    await store.create(key, 'v1', future());
    cache.broken = new Set(['delete']);
    await store.delete(key);
    expect((await cache.inner.load(key))?.data).toBe('v1');
    expect(await store.load(key)).toBeNull();
    expect(await store.exists(key)).toBe(false);
  });

  it('a delete racing a cache fill on a miss leaves nothing in the cache', async () => {
    const cache = countingStore(memoryStore());
    const db = countingStore(dbReportingExpiry());
    const store = cachedDbStore({ cache: cache.store, db: db.store });
    const key = generateSessionKey();
    await db.inner.create(key, 'x', future());
    db.delays.load = 50;
    const loading = store.load(key); // reads the row slowly, then fills the cache
    await sleep(10);
    await store.delete(key);
    expect((await loading)?.data).toBe('x');
    expect(await cache.inner.load(key)).toBeNull();
    expect(await store.load(key)).toBeNull();
  });

  it('concurrent updates of one key leave the cache at the database value', async () => {
    const cache = countingStore(memoryStore());
    const db = countingStore(dbReportingExpiry());
    const store = cachedDbStore({ cache: cache.store, db: db.store });
    const key = generateSessionKey();
    await store.create(key, 'v0', future());
    db.delays.update = 5;
    cache.delays.update = 3;
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.update(key, `v${i + 1}`, future())));
    const inDb = (await db.inner.load(key))?.data;
    expect((await cache.inner.load(key))?.data).toBe(inDb);
    expect((await store.load(key))?.data).toBe(inDb);
  });

  it('a cached copy another process made stale is caught by the compare-and-set and dropped; no change is lost', async () => {
    const file = newDbFile();
    const a = createSessions({
      secret: TEST_SECRET,
      store: cachedDbStore({ cache: memoryStore(), db: sqliteStore({ path: file }) }),
    });
    const b = createSessions({
      secret: TEST_SECRET,
      store: cachedDbStore({ cache: memoryStore(), db: sqliteStore({ path: file }) }),
    });
    const first = a.load(undefined);
    await first.set('a', 1);
    const cookie = cookieOf((await a.commit(first)).setCookie);
    const viaB = b.load(cookie);
    await viaB.set('b', 2);
    await b.commit(viaB);
    // a's cache still holds {a: 1}; a's write must merge onto {a: 1, b: 2}.
    const viaA = a.load(cookie);
    await viaA.set('c', 3);
    await a.commit(viaA);
    expect(await a.load(cookie).load()).toEqual({ a: 1, b: 2, c: 3 });
    const key = cookie.slice('sessionid='.length);
    const row = await sqliteStore({ path: file }).load(key);
    expect(loads(row!.data, { key: TEST_SECRET, salt: 'django.contrib.sessions.SessionStore' })).toEqual({
      a: 1,
      b: 2,
      c: 3,
    });
  });
});

describe("cached_db: keeping a Django app's cache fresh", () => {
  it("drops Django's cached copy on every update and delete, tolerating its errors", async () => {
    const djangoCache = countingStore(memoryStore());
    const logger = recordingLogger();
    const store = cachedDbStore({
      cache: memoryStore(),
      db: sqliteStore({ path: newDbFile() }),
      djangoCache: djangoCache.store,
      logger,
    });
    const key = generateSessionKey();
    await store.create(key, 'v1', future());
    await djangoCache.inner.create(key, 'pickled-dict-stand-in', future());
    expect(await store.update(key, 'v2', future())).toBe('updated');
    expect(await djangoCache.inner.load(key)).toBeNull();
    await djangoCache.inner.create(key, 'pickled-dict-stand-in', future());
    await store.delete(key);
    expect(await djangoCache.inner.load(key)).toBeNull();
    expect(djangoCache.calls.load + djangoCache.calls.update + djangoCache.calls.create).toBe(0);

    const other = generateSessionKey();
    await store.create(other, 'v1', future());
    djangoCache.broken = new Set(['delete']);
    expect(await store.update(other, 'v2', future())).toBe('updated');
    expect(logger.errors.some((message) => message.includes("Django's cache"))).toBe(true);
  });
});

describeWithDjango('cached_db: interoperability with Django (SESSION_ENGINE cached_db) through the database', () => {
  it('Django writes → sessionkit reads and updates → Django reads the update, and the reverse', async () => {
    const file = newDbFile();
    const settings = { SECRET_KEY: TEST_SECRET, DATABASE_NAME: file };
    const [, created] = (await django(settings, [{ op: 'migrate' }, { op: 'session_create', engine: 'cached_db', data: { from: 'django' } }])) as [
      null,
      { key: string },
    ];
    const store = cachedDbStore({ cache: memoryStore(), db: sqliteStore({ path: file }) });
    const sessions = createSessions({ secret: TEST_SECRET, store });
    const session = sessions.load(`sessionid=${created.key}`);
    expect(await session.get('from')).toBe('django');
    await session.set('by', 'sessionkit');
    await sessions.commit(session);

    const mine = sessions.load(undefined);
    await mine.set('from', 'sessionkit');
    const cookie = cookieOf((await sessions.commit(mine)).setCookie);

    const [loaded, reverse, updated] = (await django(settings, [
      { op: 'session_load', engine: 'cached_db', key: created.key },
      { op: 'session_load', engine: 'cached_db', key: mine.sessionKey },
      { op: 'session_update', engine: 'cached_db', key: mine.sessionKey, data: { by: 'django' } },
    ])) as Array<{ data: unknown; key_after: string }>;
    expect(loaded).toEqual({ data: { from: 'django', by: 'sessionkit' }, key_after: created.key });
    expect(reverse).toEqual({ data: { from: 'sessionkit' }, key_after: mine.sessionKey });
    expect(updated).toEqual({ key: mine.sessionKey });
    // This store's cache still holds its own write (Django cannot drop it); a cold cache sees Django's update.
    const fresh = createSessions({
      secret: TEST_SECRET,
      store: cachedDbStore({ cache: memoryStore(), db: sqliteStore({ path: file }) }),
    });
    expect(await fresh.load(cookie).load()).toEqual({ from: 'sessionkit', by: 'django' });
    await store.close();
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
