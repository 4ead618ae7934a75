/**
 * The Redis store's failures that are its own, on every client library the store creates its client
 * with: a database index the server does not have. Closing a store whose server never answered is in
 * test/real-time/redis-close.test.ts, and outages of the server (killed, frozen) in
 * test/real-time/cache-server-faults.test.ts, with memcached's: both bound real time.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import { createSessions, SessionStoreUnavailable } from '../../src/index.js';
import { redisStore } from '../../src/stores/redis.js';
import { describeIfAvailable } from '../helpers/gate.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { askTcp, freePort, missingExecutables, REDIS_SERVER_BIN, startRedisServer, waitUntil } from '../helpers/servers.js';
import { DRIVERS } from './redis-drivers.js';

const future = (seconds = 3600): Date => new Date(Date.now() + seconds * 1000);

const noServerReason = missingExecutables(REDIS_SERVER_BIN);

const redisUp = await askTcp(6379, 'PING\r\n', (reply) => reply.includes('\r\n')).then(
  (reply) => reply.startsWith('+PONG'),
  () => false,
);
const noRedisReason = redisUp ? null : 'Redis on 127.0.0.1:6379 does not answer PING';

describeIfAvailable('Redis', noRedisReason, 'redis store: the database index', () =>
  describe.each(DRIVERS)('redis store on $name: the database index', ({ driver, slug }) => {
    const PREFIX = `sessionkit-test-db-${process.pid}-${Date.now().toString(36)}-${slug}`;
    const keysIn = async (database: number): Promise<string[]> => {
      const raw = new Redis(`redis://127.0.0.1:6379/${database}`);
      try {
        return await raw.keys(`${PREFIX}*`);
      } finally {
        raw.disconnect();
      }
    };

    afterAll(async () => {
      const raw = new Redis('redis://127.0.0.1:6379/3');
      try {
        const keys = await raw.keys(`${PREFIX}*`);
        if (keys.length > 0) await raw.del(...keys);
      } finally {
        raw.disconnect();
      }
    });

    it('refuses a database the server does not have (16 by default), on the first command and every one after, and writes nowhere', async () => {
      // Timeouts far beyond the test's own: a store that waited for one instead of failing at once times the test out.
      const s = redisStore({
        url: 'redis://127.0.0.1:6379/99',
        driver,
        keyPrefix: PREFIX,
        connectTimeoutMs: 60_000,
        commandTimeoutMs: 60_000,
      });
      const logged: string[] = [];
      const sessions = createSessions({
        secret: TEST_SECRET,
        store: s,
        logger: { warn: (line) => logged.push(line), error: (line) => logged.push(line) },
      });
      try {
        const session = sessions.load(undefined);
        await session.set('user', 'alice');
        const failure = await Promise.resolve()
          .then(() => sessions.commit(session))
          .then(
            () => null,
            (error: unknown) => error,
          );
        expect(failure).toBeInstanceOf(SessionStoreUnavailable);
        const cause = (failure as SessionStoreUnavailable).cause as Error;
        expect(cause.message).toMatch(/the redis server has no database 99 \(SELECT 99: ERR DB index is out of range\); end the URL with a database it has/);
        // The server logs say why; the client's error says only that the store is unavailable.
        expect(logged.join('\n')).toMatch(/no database 99/);
        expect((failure as Error).message).not.toMatch(/99|SELECT/);
        // Still refused afterwards (never database 0 once connected), for reads and writes alike.
        for (let i = 0; i < 3; i++) {
          await expect(s.load(generateSessionKey())).rejects.toThrow(/no database 99/);
          await expect(s.create(generateSessionKey(), 'x', future())).rejects.toThrow(/no database 99/);
        }
        expect(await keysIn(0)).toEqual([]);
      } finally {
        await s.close();
      }
    });

    it.each(['redis://127.0.0.1:6379/3', 'redis://127.0.0.1:6379?db=3'])('writes to the database %s names', async (url) => {
      const s = redisStore({ url, driver, keyPrefix: PREFIX });
      try {
        const key = generateSessionKey();
        expect(await s.create(key, 'in database 3', future())).toBe(true);
        expect(await keysIn(3)).toContain(`${PREFIX}:1:django.contrib.sessions.cache${key}`);
        expect(await keysIn(0)).toEqual([]);
      } finally {
        await s.close();
      }
    });

    it.skipIf(noServerReason !== null)('works once the server, restarted with more databases, has it', async () => {
      const port = await freePort();
      let server = await startRedisServer({ port, args: ['--databases', '4'] });
      const s = redisStore({
        url: `redis://127.0.0.1:${port}/6`,
        driver,
        keyPrefix: PREFIX,
        commandTimeoutMs: 400,
        connectTimeoutMs: 400,
      });
      try {
        await expect(s.load(generateSessionKey())).rejects.toThrow(/no database 6/);
        await server.stop();
        server = await startRedisServer({ port, args: ['--databases', '8'] });
        const key = generateSessionKey();
        await waitUntil('the store to select database 6', () => s.create(key, 'in database 6', future()), 5000);
        const raw = new Redis(`redis://127.0.0.1:${port}/6`);
        try {
          expect(await raw.get(`${PREFIX}:1:django.contrib.sessions.cache${key}`)).toBe('in database 6');
        } finally {
          raw.disconnect();
        }
      } finally {
        await s.close();
        await server.stop();
      }
    });
  }),
);
