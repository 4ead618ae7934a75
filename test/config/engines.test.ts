/**
 * Every engine selected from the environment (SESSION_ENGINE, DATABASE_URL, CACHE_URL, CACHE_KEY_PREFIX,
 * CACHE_VERSION, SESSION_FILE_PATH) against the real servers: each opens from its variables, a session
 * round-trips through `createSessions(options)` (with and without SESSION_LOCKING), and the data is
 * found where Django would look for it, read with an independent client. Also the defaults that let each
 * engine start from one variable, and the errors for bad URLs (unreachable servers: test/real-time/).
 */
import { existsSync, mkdtempSync, realpathSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { type Env, type EnvSettings, optionsFromEnv } from '../../src/config/env.js';
import type { SessionStore } from '../../src/core/store-contract.js';
import { SessionConfigError } from '../../src/errors.js';
import { createSessions } from '../../src/manager.js';
import { loads } from '../../src/signing/index.js';
import type { FileStore } from '../../src/stores/file.js';
import { cookieOf } from '../helpers/cookies.js';
import { describeIfAvailable } from '../helpers/gate.js';
import { openScratchServers, REDIS_URL } from '../helpers/scratch-databases.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import { askTcp, MEMCACHED_BIN, missingExecutables, startMemcached, useServer } from '../helpers/servers.js';

const DATA_SALT = 'django.contrib.sessions.SessionStore';
const PASSWORD = 'Sup3r-secret-pw';

const servers = await openScratchServers('cfg');
const { postgres, mysql: mysqlDb, redis, redisPrefix, postgresUnavailable, mysqlUnavailable, redisUnavailable } = servers;
const scratch = mkdtempSync(join(tmpdir(), 'sessionkit-engines-test-'));

afterAll(async () => {
  await Promise.all([servers.cleanup()]);
  rmSync(scratch, { recursive: true, force: true });
});

/** What a round trip left behind. */
interface RoundTrip {
  readonly settings: EnvSettings;
  /** The session's key. */
  readonly key: string;
}

/**
 * Reads `env`, then through `createSessions(options)`: creates a session, reads it back with its cookie,
 * changes it, and reads the change back. The store is closed afterwards.
 */
async function roundTrip(env: Env): Promise<RoundTrip> {
  const settings = optionsFromEnv({ SECRET_KEY: TEST_SECRET, ...env }, { logger: recordingLogger() });
  const sessions = createSessions(settings.options);
  try {
    const first = sessions.load(null);
    await first.update({ user: 'alice', visits: 1 });
    const { setCookie } = await sessions.commit(first);
    const cookie = cookieOf(setCookie);
    const second = sessions.load(cookie);
    expect(await second.toJSON()).toEqual({ user: 'alice', visits: 1 });
    await second.set('visits', 2);
    await sessions.commit(second);
    const third = sessions.load(cookie);
    expect(await third.get('visits')).toBe(2);
    await sessions.commit(third);
    return { settings, key: first.sessionKey! };
  } finally {
    await sessions.close();
  }
}

/** Both round trips: without and with SESSION_LOCKING (every server-side engine can lock). */
async function roundTrips(env: Env): Promise<RoundTrip> {
  const locked = await roundTrip({ ...env, SESSION_LOCKING: 'True' });
  expect(locked.settings.options.locking).toBe(true);
  return roundTrip(env);
}

function storeOf(settings: EnvSettings): SessionStore {
  return settings.options.store as SessionStore;
}

/** The data a cache engine stored: the serialized dict alone, unsigned, as Django's cache engine keeps it. */
function plainData(value: string | null | undefined): unknown {
  expect(typeof value).toBe('string');
  return JSON.parse(value!);
}

/** The data stored under `key`, verified and decoded with the test secret. */
function decoded(sessionData: string | null | undefined): unknown {
  expect(typeof sessionData).toBe('string');
  return loads(sessionData!, { key: TEST_SECRET, salt: DATA_SALT });
}

describe('each engine starts with one variable set', () => {
  it('SESSION_ENGINE=cache: the in-process cache', async () => {
    const { settings } = await roundTrips({ SESSION_ENGINE: 'cache' });
    expect(settings.engine).toBe('cache');
    expect(storeOf(settings)).toMatchObject({ name: 'memory' });
    expect(settings.description).toBe('cache — in-process memory cache (lost on restart, not shared between processes)');
  });

  it('SESSION_ENGINE=file: files named sessionid<key> in a private directory (mode 0700) in the temporary directory', async () => {
    const { settings, key } = await roundTrips({ SESSION_ENGINE: 'file' });
    const store = storeOf(settings) as FileStore;
    expect(store).toMatchObject({ name: 'file' });
    expect(realpathSync(store.directory)).toBe(realpathSync(join(tmpdir(), `sessionkit-${process.getuid!()}`)));
    expect(statSync(store.directory).mode & 0o777).toBe(0o700);
    const file = join(store.directory, `sessionid${key}`);
    expect(existsSync(file)).toBe(true);
    unlinkSync(file);
  });

  it('SESSION_ENGINE=cached_db and SESSION_ENGINE=db: db.sqlite3 in the working directory', async () => {
    const before = process.cwd();
    const cwd = mkdtempSync(join(scratch, 'cwd-'));
    process.chdir(cwd);
    try {
      const cachedDb = await roundTrips({ SESSION_ENGINE: 'cached_db' });
      expect(storeOf(cachedDb.settings)).toMatchObject({ name: 'cached_db' });
      expect(cachedDb.settings.description).toBe(
        `cached_db — SQLite ${join(process.cwd(), 'db.sqlite3')}, cached in in-process memory cache (lost on restart, not shared between processes)`,
      );
      const db = await roundTrip({ SESSION_ENGINE: 'db' });
      expect(storeOf(db.settings)).toMatchObject({ name: 'sqlite' });
      const file = new Database(join(cwd, 'db.sqlite3'), { readonly: true });
      const keys = file.prepare('SELECT session_key FROM django_session').pluck().all();
      file.close();
      expect(keys).toEqual(expect.arrayContaining([cachedDb.key, db.key]));
    } finally {
      process.chdir(before);
    }
  });
});

describeIfAvailable('PostgreSQL', postgresUnavailable, 'db engine on PostgreSQL', () => {
  it.each(['postgres', 'postgresql', 'pgsql'])('DATABASE_URL=%s://…', async (scheme) => {
    const url = postgres!.url.replace(/^postgres:/, `${scheme}:`);
    // DATABASE_URL alone selects the db engine.
    const { settings, key } = await roundTrips({ DATABASE_URL: url });
    expect(storeOf(settings)).toMatchObject({ name: 'postgres' });
    expect(settings.description).toMatch(/^db — PostgreSQL 127\.0\.0\.1:5432\/sk_cfg_\w+$/);
    const [row] = await postgres!.query<{ session_data: string }>('SELECT session_data FROM django_session WHERE session_key = $1', [key]);
    expect(decoded(row?.session_data)).toEqual({ user: 'alice', visits: 2 });
  });
});

describeIfAvailable('MySQL/MariaDB', mysqlUnavailable, 'db engine on MySQL/MariaDB', () => {
  it.each([
    ['mysql', 'MySQL'],
    ['mysql2', 'MySQL'],
    ['mariadb', 'MariaDB'],
  ])('DATABASE_URL=%s://…', async (scheme, shown) => {
    const url = mysqlDb!.url.replace(/^mysql:/, `${scheme}:`);
    const { settings, key } = await roundTrips({ SESSION_ENGINE: 'db', DATABASE_URL: url });
    expect(storeOf(settings)).toMatchObject({ name: 'mysql' });
    expect(settings.description).toMatch(new RegExp(`^db — ${shown} 127\\.0\\.0\\.1:3306/sk_cfg_\\w+$`));
    const [row] = await mysqlDb!.query<{ session_data: string }>('SELECT session_data FROM django_session WHERE session_key = ?', [key]);
    expect(decoded(row?.session_data)).toEqual({ user: 'alice', visits: 2 });
  });
});

describeIfAvailable('Redis', redisUnavailable, 'cache engine on Redis', () => {
  it('keys the sessions with CACHE_KEY_PREFIX and CACHE_VERSION, as Django does', async () => {
    const { settings, key } = await roundTrips({
      SESSION_ENGINE: 'cache',
      CACHE_URL: REDIS_URL,
      CACHE_KEY_PREFIX: redisPrefix,
      CACHE_VERSION: '7',
      SESSION_COOKIE_AGE: '600',
    });
    expect(storeOf(settings)).toMatchObject({ name: 'redis' });
    expect(settings.description).toBe(`cache — Redis ${REDIS_URL}`);
    const cacheKey = `${redisPrefix}:7:django.contrib.sessions.cache${key}`;
    expect(plainData(await redis!.get(cacheKey))).toEqual({ user: 'alice', visits: 2 });
    const ttl = await redis!.pttl(cacheKey);
    expect(ttl).toBeGreaterThan(500_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
  });

  it("uses Django's defaults (no prefix, version 1) and accepts version 0", async () => {
    const defaults = await roundTrip({ SESSION_ENGINE: 'django.contrib.sessions.backends.cache', CACHE_URL: REDIS_URL });
    const versionZero = await roundTrip({ SESSION_ENGINE: 'cache', CACHE_URL: REDIS_URL, CACHE_KEY_PREFIX: redisPrefix, CACHE_VERSION: '0' });
    try {
      expect(await redis!.exists(`:1:django.contrib.sessions.cache${defaults.key}`)).toBe(1);
      expect(await redis!.exists(`${redisPrefix}:0:django.contrib.sessions.cache${versionZero.key}`)).toBe(1);
    } finally {
      await redis!.del(`:1:django.contrib.sessions.cache${defaults.key}`);
    }
  });
});

describeIfAvailable('memcached', missingExecutables(MEMCACHED_BIN), 'cache engine on memcached', () => {
  const memcached = useServer(() => startMemcached());

  it('keys the sessions as Django does, on the server CACHE_URL names', async () => {
    const server = memcached();
    const { settings, key } = await roundTrips({
      SESSION_ENGINE: 'cache',
      CACHE_URL: `memcached://127.0.0.1:${server.port}`,
      CACHE_KEY_PREFIX: 'cfg',
      CACHE_VERSION: '2',
    });
    expect(storeOf(settings)).toMatchObject({ name: 'memcached' });
    expect(settings.description).toBe(`cache — memcached memcached://127.0.0.1:${server.port}`);
    const reply = await askTcp(server.port, `get cfg:2:django.contrib.sessions.cache${key}\r\n`, (text) => text.endsWith('END\r\n'));
    const value = /^VALUE \S+ \d+ \d+\r\n(.*)\r\nEND\r\n$/s.exec(reply)?.[1];
    expect(plainData(value)).toEqual({ user: 'alice', visits: 2 });
  });

  it('accepts several servers in one URL', () => {
    const settings = optionsFromEnv(
      { SECRET_KEY: TEST_SECRET, SESSION_ENGINE: 'cache', CACHE_URL: 'memcached://127.0.0.2:11211,127.0.0.3' },
      { logger: recordingLogger() },
    );
    expect(storeOf(settings)).toMatchObject({ name: 'memcached' });
    void storeOf(settings).close?.();
  });
});

describeIfAvailable('PostgreSQL and Redis', postgresUnavailable ?? redisUnavailable, 'cached_db engine: Redis in front of PostgreSQL', () => {
  it("writes the row and its own cache entry, and deletes Django's pickled cache entry on write", async () => {
    const { settings, key } = await roundTrips({
      SESSION_ENGINE: 'cached_db',
      DATABASE_URL: postgres!.url,
      CACHE_URL: REDIS_URL,
      CACHE_KEY_PREFIX: redisPrefix,
    });
    expect(storeOf(settings)).toMatchObject({ name: 'cached_db' });
    expect(settings.description).toMatch(/^cached_db — PostgreSQL 127\.0\.0\.1:5432\/sk_cfg_\w+, cached in Redis redis:\/\//);
    const [row] = await postgres!.query<{ session_data: string }>('SELECT session_data FROM django_session WHERE session_key = $1', [key]);
    expect(decoded(row?.session_data)).toEqual({ user: 'alice', visits: 2 });
    expect(decoded(await redis!.get(`${redisPrefix}:1:sessionkit.cached_db${key}`))).toEqual({ user: 'alice', visits: 2 });
    // A stale pickled copy Django cached for this session is gone after sessionkit's next write.
    const djangoKey = `${redisPrefix}:1:django.contrib.sessions.cached_db${key}`;
    await redis!.set(djangoKey, 'stale pickle', 'EX', 60);
    const env = { SESSION_ENGINE: 'cached_db', DATABASE_URL: postgres!.url, CACHE_URL: REDIS_URL, CACHE_KEY_PREFIX: redisPrefix, SECRET_KEY: TEST_SECRET };
    const reopened = optionsFromEnv(env, { logger: recordingLogger() }).options;
    const sessions = createSessions(reopened);
    const again = sessions.load(`sessionid=${key}`);
    await again.set('visits', 3);
    await sessions.commit(again);
    await sessions.close();
    expect(await redis!.exists(djangoKey)).toBe(0);
    expect(await redis!.get(djangoKey)).toBeNull();
  });
});

describe('file engine', () => {
  it('writes <SESSION_COOKIE_NAME><key> in SESSION_FILE_PATH', async () => {
    const directory = mkdtempSync(join(scratch, 'files-'));
    const { settings, key } = await roundTrips({
      SESSION_ENGINE: 'file',
      SESSION_FILE_PATH: directory,
      SESSION_COOKIE_NAME: 'appsession',
      SESSION_COOKIE_AGE: '3600',
    });
    expect(settings.description).toBe(`file — files ${directory}/appsession<key>`);
    expect(existsSync(join(directory, `appsession${key}`))).toBe(true);
  });
});

describe('bad settings are a SessionConfigError naming the variable, without the password', () => {
  const notADirectory = join(scratch, 'a-file');
  writeFileSync(notADirectory, '');
  const cases: Array<[string, Env, RegExp]> = [
    [
      'a PostgreSQL URL with a bad option',
      { DATABASE_URL: `postgres://app:${PASSWORD}@db:5432/app?sslmode=sometimes` },
      /^sessionkit: DATABASE_URL="postgres:\/\/app:\*\*\*@db:5432\/app\?sslmode=sometimes" cannot be used: postgresStore: sslmode "sometimes" is unknown/,
    ],
    [
      'an unparsable PostgreSQL URL',
      { DATABASE_URL: `postgres://app:${PASSWORD}@db:port/app` },
      /^sessionkit: DATABASE_URL=.* cannot be used: postgresStore: the `url` option is not a valid URL/,
    ],
    [
      'a MySQL URL without a database',
      { DATABASE_URL: `mysql://app:${PASSWORD}@db:3306` },
      /^sessionkit: DATABASE_URL="mysql:\/\/app:\*\*\*@db:3306" cannot be used: mysqlStore: the URL names no database/,
    ],
    [
      'a MariaDB URL with a bad option',
      { DATABASE_URL: `mariadb://app:${PASSWORD}@db/app?ssl_mode=MAYBE` },
      /^sessionkit: DATABASE_URL="mariadb:\/\/app:\*\*\*@db\/app\?ssl_mode=MAYBE" cannot be used: mysqlStore: ssl_mode "MAYBE" is unknown/,
    ],
    [
      'an unknown database',
      { DATABASE_URL: `mssql://app:${PASSWORD}@db/app` },
      /^sessionkit: DATABASE_URL "mssql:\/\/app:\*\*\*@db\/app" uses "mssql:\/\/".*Supported: sqlite:\/\/, postgres:\/\/, postgresql:\/\/, pgsql:\/\/.*mysql:\/\/.*mariadb:\/\//,
    ],
    [
      'a Redis URL without a host',
      { SESSION_ENGINE: 'cache', CACHE_URL: `redis://:${PASSWORD}@/0` },
      /^sessionkit: CACHE_URL="redis:\/\/:\*\*\*@\/0" cannot be used: redisStore: "redis:\/\/:\*\*\*@\/0" is not a Redis URL/,
    ],
    [
      'a memcached URL with a bad port',
      { SESSION_ENGINE: 'cache', CACHE_URL: 'memcached://127.0.0.1:99999' },
      /^sessionkit: CACHE_URL="memcached:\/\/127\.0\.0\.1:99999" cannot be used: memcachedStore: "127\.0\.0\.1:99999" is not a memcached server/,
    ],
    [
      'a locmem URL with junk',
      { SESSION_ENGINE: 'cache', CACHE_URL: 'locmem://a b' },
      /^sessionkit: CACHE_URL="locmem:\/\/a b" cannot be used: "locmem:\/\/a b" is not a local-memory cache URL; write locmem:\/\//,
    ],
    [
      'an unknown cache',
      { SESSION_ENGINE: 'cache', CACHE_URL: `rediscluster://u:${PASSWORD}@h` },
      /^sessionkit: CACHE_URL="rediscluster:\/\/u:\*\*\*@h" uses "rediscluster:\/\/", which sessionkit has no cache for\. Supported: redis:\/\/, rediss:\/\/, memcached:\/\/, locmem:\/\//,
    ],
    ['a cache URL that is no URL', { SESSION_ENGINE: 'cache', CACHE_URL: '127.0.0.1:6379' }, /^sessionkit: CACHE_URL="127\.0\.0\.1:6379" is not a URL/],
    ['a negative CACHE_VERSION', { SESSION_ENGINE: 'cache', CACHE_VERSION: '-1' }, /^sessionkit: CACHE_VERSION="-1" is not a whole number ≥ 0/],
    ['a fractional CACHE_VERSION', { SESSION_ENGINE: 'cached_db', CACHE_VERSION: '1.5' }, /^sessionkit: CACHE_VERSION="1\.5" is not a whole number ≥ 0/],
    ['cached_db with a bad CACHE_URL', { SESSION_ENGINE: 'cached_db', CACHE_URL: 'memcached://' }, /^sessionkit: CACHE_URL="memcached:\/\/" cannot be used/],
    [
      'cached_db with a bad DATABASE_URL',
      { SESSION_ENGINE: 'cached_db', DATABASE_URL: 'postgres://db/app?nonsense=1' },
      /^sessionkit: DATABASE_URL="postgres:\/\/db\/app\?nonsense=1" cannot be used: postgresStore: the URL option "nonsense" is not supported/,
    ],
    [
      'a missing SESSION_FILE_PATH',
      { SESSION_ENGINE: 'file', SESSION_FILE_PATH: join(scratch, 'missing') },
      /^sessionkit: SESSION_ENGINE=file with SESSION_FILE_PATH=".*missing" cannot be used: fileStore: the session directory .* does not exist/,
    ],
    [
      'a SESSION_FILE_PATH that is a file',
      { SESSION_ENGINE: 'file', SESSION_FILE_PATH: notADirectory },
      /^sessionkit: SESSION_ENGINE=file with SESSION_FILE_PATH=".*a-file" cannot be used: fileStore: .* is not a directory/,
    ],
  ];
  it.each(cases)('%s', (_label, env, message) => {
    let thrown: unknown;
    try {
      const settings = optionsFromEnv({ SECRET_KEY: TEST_SECRET, ...env }, { logger: recordingLogger() });
      void storeOf(settings).close?.();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SessionConfigError);
    const text = (thrown as Error).message;
    expect(text).toMatch(message);
    expect(text).not.toContain(PASSWORD);
  });
});
