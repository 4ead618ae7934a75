/**
 * The Redis store's failures that are its own, on every client library the store creates its client
 * with: a database index the server does not have, and closing a store whose server never answered.
 * Outages of the server (killed, frozen) are in test/real-time/cache-server-faults.test.ts, with
 * memcached's.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import { createSessions, SessionStoreUnavailable } from '../../src/index.js';
import { redisStore } from '../../src/stores/redis.js';
import { describeIfAvailable } from '../helpers/gate.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import {
  askTcp,
  freePort,
  missingExecutables,
  REDIS_SERVER_BIN,
  startRedisServer,
  waitUntil,
} from '../helpers/servers.js';
import { DRIVERS } from './redis-drivers.js';

const future = (seconds = 3600): Date => new Date(Date.now() + seconds * 1000);

const noServerReason = missingExecutables(REDIS_SERVER_BIN);

describe.each(DRIVERS)('redis store on $name: closing leaves nothing running', ({ driver, packageName, ioredis }) => {
  const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const STORE_MODULE = pathToFileURL(
    fileURLToPath(new globalThis.URL('../../src/stores/redis.ts', import.meta.url)),
  ).href;

  /** Runs `body` in a fresh node; resolves what it printed (JSON) and how long the process lived after it. */
  function inFreshNode(
    body: string,
    env: Record<string, string> = {},
  ): Promise<{ output: Record<string, unknown>; exitAfterMs: number }> {
    // The driver as the test passes it: by name, or the module loaded from this project.
    const driverCode =
      typeof driver === 'string'
        ? JSON.stringify(driver)
        : `(await import('node:module')).createRequire(${JSON.stringify(STORE_MODULE)})(${JSON.stringify(packageName)})`;
    const script = `const { redisStore } = await import(${JSON.stringify(STORE_MODULE)});\nconst driver = ${driverCode};\n${body}`;
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', TSX_LOADER, '--input-type=module', '-e', script], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
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

  it(`lets the process exit at once after closing stores whose connection failed (single server${ioredis ? ' and cluster' : ''})`, async () => {
    const { output, exitAfterMs } = await inFreshNode(`
      const stores = [redisStore({ url: 'redis://127.0.0.1:1/0', driver })];
      if (${ioredis}) stores.push(redisStore({ clusterNodes: ['redis://127.0.0.1:1'], driver }));
      const failures = await Promise.all(stores.map((store) => store.load('abcdefgh12345678').then(() => 'loaded', (error) => error.message)));
      await Promise.all(stores.map((store) => store.close()));
      console.log(JSON.stringify({ failures }));
    `);
    expect(output['failures']).toEqual(
      (ioredis ? [1, 2] : [1]).map(() => expect.stringMatching(/could not connect to redis/)),
    );
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
        const store = redisStore({ url: 'redis://127.0.0.1:${port}/0', driver, connectTimeoutMs: 10000, commandTimeoutMs: 10000 });
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
      const s = redisStore({ url: 'redis://127.0.0.1:6379/99', driver, keyPrefix: PREFIX });
      const logged: string[] = [];
      const sessions = createSessions({
        secret: TEST_SECRET,
        store: s,
        logger: { warn: (line) => logged.push(line), error: (line) => logged.push(line) },
      });
      try {
        const session = sessions.load(undefined);
        await session.set('user', 'alice');
        const started = Date.now();
        const failure = await Promise.resolve()
          .then(() => sessions.commit(session))
          .then(
            () => null,
            (error: unknown) => error,
          );
        expect(Date.now() - started).toBeLessThan(1500);
        expect(failure).toBeInstanceOf(SessionStoreUnavailable);
        const cause = (failure as SessionStoreUnavailable).cause as Error;
        expect(cause.message).toMatch(
          /the redis server has no database 99 \(SELECT 99: ERR DB index is out of range\); end the URL with a database it has/,
        );
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

    it.each(['redis://127.0.0.1:6379/3', 'redis://127.0.0.1:6379?db=3'])(
      'writes to the database %s names',
      async (url) => {
        const s = redisStore({ url, driver, keyPrefix: PREFIX });
        try {
          const key = generateSessionKey();
          expect(await s.create(key, 'in database 3', future())).toBe(true);
          expect(await keysIn(3)).toContain(`${PREFIX}:1:django.contrib.sessions.cache${key}`);
          expect(await keysIn(0)).toEqual([]);
        } finally {
          await s.close();
        }
      },
    );

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
