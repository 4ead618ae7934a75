/**
 * The demo app on every engine the environment can select, against the real servers: db on SQLite,
 * PostgreSQL and MySQL/MariaDB; cache on Redis, memcached and the in-process cache; cached_db (Redis in
 * front of PostgreSQL); file; signed cookies. On each: the visit counter; on each server-side engine, no
 * lost update between concurrent requests — 50 parallel `POST /session` each setting its own key keep
 * all 50 keys (merged by compare-and-set), and with SESSION_LOCKING=True 200 concurrent `GET /visit` on
 * one session count to exactly 200.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createDemoServer, type DemoData, type SessionView } from '../../examples/demo/app.js';
import { type Env, optionsFromEnv } from '../../src/config/env.js';
import { createSessions } from '../../src/manager.js';
import { type Listening, listen } from '../adapters/http-helpers.js';
import { describeNeeding, openScratchServers, REDIS_URL } from '../helpers/scratch-databases.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import { haveExecutable, type ManagedServer, MEMCACHED_BIN, startMemcached } from '../helpers/servers.js';
import { Browser } from './browser.js';

const PARALLEL_KEYS = 50;
const CONCURRENT_VISITS = 200;

const servers = await openScratchServers('demo');
const { postgres, mysql: mysqlDb, redisPrefix, postgresUnavailable, mysqlUnavailable, redisUnavailable } = servers;
let memcached: ManagedServer | undefined;
const memcachedUnavailable = haveExecutable(MEMCACHED_BIN) ? undefined : `memcached is not available (${MEMCACHED_BIN} is not installed)`;
const scratch = mkdtempSync(join(tmpdir(), 'sessionkit-every-engine-'));

beforeAll(async () => {
  if (!memcachedUnavailable) memcached = await startMemcached();
});
afterAll(async () => {
  await Promise.all([servers.cleanup(), memcached?.stop()]);
  rmSync(scratch, { recursive: true, force: true });
});

interface EngineCase {
  readonly label: string;
  readonly unavailable: string | undefined;
  /** The variables selecting the engine (read when the test runs, after the servers are up). */
  readonly env: () => Env;
  readonly serverSide: boolean;
}

const ENGINES: readonly EngineCase[] = [
  {
    label: 'db on SQLite',
    unavailable: undefined,
    serverSide: true,
    env: () => ({ DATABASE_URL: `sqlite:///${join(mkdtempSync(join(scratch, 'db-')), 'db.sqlite3')}` }),
  },
  { label: 'db on PostgreSQL', unavailable: postgresUnavailable, serverSide: true, env: () => ({ DATABASE_URL: postgres!.url }) },
  { label: 'db on MySQL/MariaDB', unavailable: mysqlUnavailable, serverSide: true, env: () => ({ SESSION_ENGINE: 'db', DATABASE_URL: mysqlDb!.url }) },
  {
    label: 'cache on Redis',
    unavailable: redisUnavailable,
    serverSide: true,
    env: () => ({ SESSION_ENGINE: 'cache', CACHE_URL: REDIS_URL, CACHE_KEY_PREFIX: redisPrefix }),
  },
  {
    label: 'cache on memcached',
    unavailable: memcachedUnavailable,
    serverSide: true,
    env: () => ({ SESSION_ENGINE: 'cache', CACHE_URL: `memcached://127.0.0.1:${memcached!.port}` }),
  },
  { label: 'cache in process (locmem)', unavailable: undefined, serverSide: true, env: () => ({ SESSION_ENGINE: 'cache' }) },
  {
    label: 'cached_db (Redis in front of PostgreSQL)',
    unavailable: postgresUnavailable ?? redisUnavailable,
    serverSide: true,
    env: () => ({ SESSION_ENGINE: 'cached_db', DATABASE_URL: postgres!.url, CACHE_URL: REDIS_URL, CACHE_KEY_PREFIX: redisPrefix }),
  },
  { label: 'file', unavailable: undefined, serverSide: true, env: () => ({ SESSION_ENGINE: 'file', SESSION_FILE_PATH: mkdtempSync(join(scratch, 'files-')) }) },
  { label: 'signed cookies', unavailable: undefined, serverSide: false, env: () => ({ SESSION_ENGINE: 'signed_cookies' }) },
];

const running: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((close) => close()));
});

/** The demo app, configured from `env` as `npm start` configures it, listening on a free port. */
async function startDemo(env: Env): Promise<Listening> {
  const { options } = optionsFromEnv({ SECRET_KEY: TEST_SECRET, ...env }, { logger: recordingLogger() });
  const sessions = createSessions<DemoData>(options);
  const server = await listen(await createDemoServer(sessions));
  running.push(async () => {
    await server.close();
    await sessions.close();
  });
  return server;
}

/** `GET /visit` with the session cookie `cookie`; resolves the count the page shows. */
async function visit(url: string, cookie: string): Promise<number> {
  const response = await fetch(`${url}/visit`, { headers: { cookie } });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  const count = /^Visit count:(\d+)$/.exec(text)?.[1];
  expect(count, text).toBeDefined();
  return Number(count);
}

for (const engine of ENGINES) {
  describeNeeding(`demo app on ${engine.label}`, engine.unavailable, () => {
    it('counts visits: GET /visit three times gives Visit count:3', async () => {
      const demo = await startDemo(engine.env());
      const browser = new Browser(demo.url);
      expect(await browser.text('/visit')).toBe('Visit count:1');
      expect(await browser.text('/visit')).toBe('Visit count:2');
      expect(await browser.text('/visit')).toBe('Visit count:3');
      // Another browser has a session of its own.
      expect(await new Browser(demo.url).text('/visit')).toBe('Visit count:1');
    });

    if (!engine.serverSide) return;

    it(`keeps all ${PARALLEL_KEYS} keys written by ${PARALLEL_KEYS} parallel POST /session on one session`, async () => {
      const demo = await startDemo(engine.env());
      const browser = new Browser(demo.url);
      expect(await browser.text('/visit')).toBe('Visit count:1');
      const cookie = `sessionid=${browser.sessionId!}`;
      const responses = await Promise.all(
        Array.from({ length: PARALLEL_KEYS }, (_, i) =>
          fetch(`${demo.url}/session`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ [`key${i}`]: i }) }),
        ),
      );
      for (const response of responses) expect(response.status, await response.text()).toBe(200);
      const view = (await (await browser.fetch('/session')).json()) as SessionView;
      expect(view.sessionKeyHash).toBe(browser.sessionKeyHash);
      const expected: Record<string, number> = { visit: 1 };
      for (let i = 0; i < PARALLEL_KEYS; i++) expected[`key${i}`] = i;
      expect(view.data).toEqual(expected);
    });

    it(`with SESSION_LOCKING=True, ${CONCURRENT_VISITS} concurrent GET /visit on one session end at Visit count:${CONCURRENT_VISITS}`, async () => {
      // Each request waits for the ones before it; a long wait keeps a loaded machine from failing the last.
      const demo = await startDemo({ ...engine.env(), SESSION_LOCKING: 'True', SESSION_LOCK_WAIT_MS: '60000' });
      const browser = new Browser(demo.url);
      expect(await browser.text('/visit')).toBe('Visit count:1');
      const cookie = `sessionid=${browser.sessionId!}`;
      const counts = await Promise.all(Array.from({ length: CONCURRENT_VISITS - 1 }, () => visit(demo.url, cookie)));
      // Serialised by the lock: every request saw the one before it, so each count appears once.
      expect([1, ...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: CONCURRENT_VISITS }, (_, i) => i + 1));
      const view = (await (await browser.fetch('/session')).json()) as SessionView;
      expect(view.data.visit).toBe(CONCURRENT_VISITS);
    });
  });
}
