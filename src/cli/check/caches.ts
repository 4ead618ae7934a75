/**
 * `sessionkit check` on a cache: each server answers (Redis: PING, and `SELECT n` for the URL's database
 * index, which a server without that many databases refuses; memcached: `version` on every server of the
 * URL), then a throwaway session goes through the configured store and back: written, read, deleted.
 */
import { connect } from 'node:net';
import type * as ioredis from 'ioredis';
import { redisDatabaseIndex } from '../../config/cache-url.js';
import { redactUrl } from '../../config/variable-errors.js';
import { generateSessionKey } from '../../core/session-key.js';
import type { SessionStore } from '../../core/store-contract.js';
import { loadOptionalDriver } from '../../stores/internal/optional-driver.js';
import { reasonOf } from '../failures.js';
import { CHECK_IDS, type Problem } from './problem.js';

const TIMEOUT_MS = 3000;
const MEMCACHED_PORT = 11211;
const PROBE_DATA = '{"sessionkit check":true}';

/** Checks the Redis server `url` names: it answers, and has the database the URL selects. */
export async function checkRedisServer(url: string): Promise<Problem[]> {
  const index = redisDatabaseIndex(url);
  const shown = redactUrl(url);
  const driver = loadOptionalDriver<typeof ioredis>('ioredis', 'redis');
  // Database 0 first, so that a missing database is told apart from an unreachable server.
  const client = new driver.Redis(url, {
    db: 0,
    lazyConnect: true,
    connectTimeout: TIMEOUT_MS,
    commandTimeout: TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    disconnectTimeout: 0,
  });
  let lastError: unknown;
  client.on('error', (error: unknown) => (lastError = error));
  try {
    try {
      await client.connect();
      await client.ping();
    } catch (error) {
      return [
        {
          id: CHECK_IDS.unreachable,
          message: `cannot reach the Redis server ${shown}: ${reasonOf(lastError ?? error)}. Check that it runs and that CACHE_URL names its host, port and password.`,
        },
      ];
    }
    if (index === 0) return [];
    try {
      await client.select(index);
    } catch (error) {
      return [
        {
          id: CHECK_IDS.noRedisDatabase,
          message: `the Redis server ${shown} has no database ${index} (${reasonOf(error)}): the sessions would go elsewhere. End CACHE_URL with a database the server has, 0 to ${(await databaseCount(client)) - 1}, or raise the server's "databases" setting.`,
        },
      ];
    }
    return [];
  } finally {
    client.disconnect();
  }
}

// The server's `databases` setting; 16, Redis's default, when CONFIG is not allowed.
async function databaseCount(client: ioredis.Redis): Promise<number> {
  try {
    const reply = (await client.config('GET', 'databases')) as unknown as string[];
    const count = Number(reply[1]);
    return Number.isSafeInteger(count) && count > 0 ? count : 16;
  } catch {
    return 16;
  }
}

/** Checks that every memcached server `url` lists answers `version`. */
export async function checkMemcachedServers(url: string): Promise<Problem[]> {
  const servers = url
    .replace(/^memcached:\/\//i, '')
    .replace(/\/$/, '')
    .split(',');
  const problems = await Promise.all(
    servers.map(async (server): Promise<Problem | undefined> => {
      const [host = '', port = String(MEMCACHED_PORT)] = server.trim().split(':');
      try {
        await askVersion(host, Number(port));
        return undefined;
      } catch (error) {
        return {
          id: CHECK_IDS.unreachable,
          message: `cannot reach the memcached server ${host}:${port}: ${reasonOf(error)}. Check that it runs and that CACHE_URL lists it rightly.`,
        };
      }
    }),
  );
  return problems.filter((problem) => problem !== undefined);
}

/** Sends memcached's `version` and resolves when a `VERSION` line comes back. */
function askVersion(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let reply = '';
    const finish = (error?: Error): void => {
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.setTimeout(TIMEOUT_MS, () => finish(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    socket.once('error', finish);
    socket.once('connect', () => socket.write('version\r\n'));
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      reply += chunk;
      if (!reply.includes('\r\n')) return;
      finish(reply.startsWith('VERSION ') ? undefined : new Error(`it answered ${JSON.stringify(reply.trim().slice(0, 80))}, not memcached's VERSION`));
    });
  });
}

/**
 * Writes a throwaway session through `store` (with a fresh random key, living `cookieAge` seconds as the
 * app's sessions do), reads it back and deletes it; resolves the problem when any step fails or gives the
 * wrong answer.
 */
export async function checkCacheRoundTrip(store: SessionStore, where: string, cookieAge: number): Promise<Problem | undefined> {
  const key = generateSessionKey();
  const expireDate = new Date(Date.now() + cookieAge * 1000);
  const fail = (
    what: string,
    fix = "Check the server's memory and eviction settings, and that the user CACHE_URL names may write and delete keys",
  ): Problem => ({
    id: CHECK_IDS.cacheRoundTrip,
    message: `the cache (${where}) ${what}. ${fix}.`,
  });
  try {
    if (!(await store.create(key, PROBE_DATA, expireDate))) return fail('refused to store a new session');
    const loaded = await store.load(key);
    await store.delete(key);
    if (loaded?.data !== PROBE_DATA) return fail('did not give back a session just stored');
    if ((await store.load(key)) !== null) return fail('still holds a session just deleted');
    return undefined;
  } catch (error) {
    return fail(`failed a session's write, read or delete: ${reasonOf(error)}`);
  }
}
