/**
 * The memcached store when its server dies, hangs and comes back, against memcached processes this file
 * starts on free ports: the command timeout, a refused connection that fails faster than it, and one dead
 * server among three. These bound real time, so they live here.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import { memcachedStore } from '../../src/stores/memcached.js';
import { describeIfAvailable } from '../helpers/gate.js';
import { type ManagedServer, MEMCACHED_BIN, missingExecutables, startMemcached, waitUntil } from '../helpers/servers.js';
import { rawGet } from '../stores/memcached-raw.js';

const CACHE = 'django.contrib.sessions.cache';
const noMemcached = missingExecutables(MEMCACHED_BIN);

const future = (seconds = 3600): Date => new Date(Date.now() + seconds * 1000);

describeIfAvailable('memcached', noMemcached, 'memcached store: server failures', () => {
  const TIMEOUT_MS = 400;
  // "Fast": well under what a queue or the clients' default retries would take, with room for a busy machine.
  const FAST_MS = TIMEOUT_MS + 600;
  const RETRY_MS = 200;
  let server: ManagedServer;

  beforeAll(async () => {
    server = await startMemcached();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('with poolSize 1, a command lost with its connection (server frozen, then killed) gives its slot back: refused while dead, working after a restart', async () => {
    const single = memcachedStore({
      url: `memcached://127.0.0.1:${server.port}`,
      commandTimeoutMs: TIMEOUT_MS,
      connectTimeoutMs: TIMEOUT_MS,
      retryMs: RETRY_MS,
      poolSize: 1,
    });
    try {
      const key = generateSessionKey();
      await single.create(key, 'kept', future());
      await server.pause();
      // Never answered: the kill closes its connection, and the client never calls it back.
      await expect(single.load(key)).rejects.toThrow(new RegExp(`gets timed out after ${TIMEOUT_MS} ms$`));
      await server.kill();
      // The failures of the closed connection are past; each attempt now meets a refused connection.
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS + 100));
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        await expect(single.load(key)).rejects.toThrow(/ECONNREFUSED/);
        expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);
      }
      await server.start();
      await waitUntil('the one slot to carry commands again', async () => (await single.create(generateSessionKey(), 'x', future())) === true, 2000);
    } finally {
      await single.close();
    }
  });

  it('with three servers, only the sessions of a dead one fail, and they work again when it returns', async () => {
    const others = await Promise.all([startMemcached(), startMemcached()]);
    const all = [server, ...others];
    const spread = memcachedStore({
      servers: all.map((m) => `127.0.0.1:${m.port}`),
      commandTimeoutMs: TIMEOUT_MS,
      connectTimeoutMs: TIMEOUT_MS,
      retryMs: RETRY_MS,
    });
    try {
      const keys = Array.from({ length: 30 }, () => generateSessionKey());
      for (const key of keys) await spread.create(key, 'x', future());
      const onDead = new Set<string>();
      for (const key of keys) if ((await rawGet(server.port, `:1:${CACHE}${key}`)) !== null) onDead.add(key);
      expect(onDead.size).toBeGreaterThan(0);
      await server.kill();
      const started = Date.now();
      const loads = await Promise.allSettled(keys.map((key) => spread.load(key)));
      expect(Date.now() - started).toBeLessThan(FAST_MS);
      keys.forEach((key, i) => {
        const outcome = loads[i]!;
        if (onDead.has(key)) expect(outcome.status).toBe('rejected');
        else expect(outcome.status === 'fulfilled' && outcome.value?.data).toBe('x');
      });
      await server.start();
      // The restarted server is empty: its sessions are gone (as after any memcached restart), not failing.
      await waitUntil(
        'the restarted server to be used again',
        async () => {
          const results = await Promise.all(keys.map((key) => spread.load(key)));
          return results.every((result, i) => (onDead.has(keys[i]!) ? result === null : result?.data === 'x'));
        },
        5000,
      );
    } finally {
      await spread.close();
      await Promise.all(others.map((m) => m.stop()));
    }
  });
});
