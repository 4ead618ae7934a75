/**
 * Redis (on every client library) and memcached when their server fails, in real time: one suite for
 * both. The server this file starts is killed and started again, or frozen (SIGSTOP) past the command
 * timeout and thawed. While it is gone requests fail fast with a 503, and once it answers again the store
 * works by itself. Also the one expiry the store tests cannot show with an injected clock: the server
 * dropping a session when the TTL the store sent runs out. What only one of them has (Redis's database
 * index, memcached's several servers and connection slots) stays in test/stores.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import { createSessions, type SessionStore, SessionStoreUnavailable } from '../../src/index.js';
import { memcachedStore } from '../../src/stores/memcached.js';
import { redisStore } from '../../src/stores/redis.js';
import { cookieOf } from '../helpers/cookies.js';
import { describeIfAvailable } from '../helpers/gate.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { type ManagedServer, MEMCACHED_BIN, missingExecutables, REDIS_SERVER_BIN, startMemcached, startRedisServer, waitUntil } from '../helpers/servers.js';
import { DRIVERS } from '../stores/redis-drivers.js';

const TIMEOUT_MS = 400;
// "Fast": well under what a queue or the clients' default retries would take, with room for a busy machine.
const FAST_MS = TIMEOUT_MS + 600;
// How long the memcached store skips a server after a failed connection.
const RETRY_MS = 200;

const future = (seconds = 3600): Date => new Date(Date.now() + seconds * 1000);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A cache server, and a store on it that fails after {@link TIMEOUT_MS}. */
interface FaultTarget {
  readonly name: string;
  readonly binary: string;
  start(): Promise<ManagedServer>;
  open(port: number): SessionStore;
  /**
   * Whether a lock request that timed out on a frozen server is released behind it once the server
   * thaws (Redis queues the release on the same connection; memcached's store closes that connection).
   */
  readonly releasesLateLocks: boolean;
  /**
   * How late the server may drop a record after its TTL, or `null` not to wait for one here (once per
   * server is enough: the TTL is the store's, whatever the client library).
   */
  readonly expirySlackMs: number | null;
}

const TARGETS: readonly FaultTarget[] = [
  ...DRIVERS.map(
    ({ name, driver }): FaultTarget => ({
      name: `redis on ${name}`,
      binary: REDIS_SERVER_BIN,
      start: () => startRedisServer(),
      open: (port) =>
        redisStore({
          url: `redis://127.0.0.1:${port}/0`,
          driver,
          commandTimeoutMs: TIMEOUT_MS,
          connectTimeoutMs: TIMEOUT_MS,
        }),
      releasesLateLocks: true,
      expirySlackMs: driver === 'ioredis' ? 100 : null,
    }),
  ),
  {
    name: 'memcached',
    binary: MEMCACHED_BIN,
    start: () => startMemcached(),
    open: (port) =>
      memcachedStore({
        url: `memcached://127.0.0.1:${port}`,
        commandTimeoutMs: TIMEOUT_MS,
        connectTimeoutMs: TIMEOUT_MS,
        retryMs: RETRY_MS,
      }),
    releasesLateLocks: false,
    // memcached counts lifetimes in whole seconds.
    expirySlackMs: 1000,
  },
];

for (const target of TARGETS) {
  describeIfAvailable(target.binary, missingExecutables(target.binary), `${target.name}: server failures`, () => {
    let server: ManagedServer;
    let s: SessionStore;

    beforeAll(async () => {
      server = await target.start();
      s = target.open(server.port);
    });
    afterAll(async () => {
      await s?.close?.();
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

    it.skipIf(target.expirySlackMs === null)('drops a session when the TTL the store sent runs out, and not before', async () => {
      const key = generateSessionKey();
      await s.create(key, 'short', new Date(Date.now() + 1200));
      await sleep(900);
      expect((await s.load(key))?.data).toBe('short');
      await sleep(300 + (target.expirySlackMs ?? 0) + 200);
      expect(await s.load(key)).toBeNull();
      expect(await s.exists(key)).toBe(false);
    });

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
      // Still down after several retry periods: still failing, still fast.
      await sleep(3 * RETRY_MS);
      expect(await timeToUnavailable(saveNewSession)).toBeLessThan(FAST_MS);

      await server.start();
      await waitUntil(
        'the store to work again',
        async () => {
          await saveNewSession();
          return true;
        },
        5000,
      );
      const again = await saveNewSession();
      expect(await sessions.load(again).get('user')).toBe('alice');
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
        await expect(s.lock!(lockedKey, { waitMs: 100, ttlMs: 60_000 })).rejects.toThrow(/timed out/);
      } finally {
        server.resume();
      }
      await waitUntil('the store to answer again', async () => (await sessions.load(cookie).get('user')) === 'alice', 5000);
      if (target.releasesLateLocks) {
        // The lock request that timed out ran late on the server, and so did its release queued behind it:
        // the session is not left locked for the lock's TTL.
        const lock = await s.lock!(lockedKey, { waitMs: 50, ttlMs: 1000 });
        await lock.release();
      }
    });

    it('a store created while its server is down fails fast, naming its factory, and works once the server starts', async () => {
      await server.kill();
      const late = target.open(server.port);
      try {
        const started = Date.now();
        await expect(late.load(generateSessionKey())).rejects.toThrow(/^(redisStore|memcachedStore): /);
        expect(Date.now() - started).toBeLessThan(FAST_MS);
        await server.start();
        await waitUntil('the late store to connect', async () => (await late.load(generateSessionKey())) === null, 5000);
      } finally {
        await late.close?.();
      }
    });
  });
}
