/**
 * The one thing the store tests cannot show with an injected clock: that Redis and memcached really drop
 * a session when the TTL the store sent runs out. Each server here is started by this file; the test
 * waits out a short TTL in real time.
 */
import { expect, it } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import type { SessionStore } from '../../src/index.js';
import { memcachedStore } from '../../src/stores/memcached.js';
import { redisStore } from '../../src/stores/redis.js';
import { describeIfAvailable } from '../helpers/gate.js';
import {
  type ManagedServer,
  MEMCACHED_BIN,
  missingExecutables,
  REDIS_SERVER_BIN,
  startMemcached,
  startRedisServer,
  useServer,
} from '../helpers/servers.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A server kind, and how long past the TTL its expiry may land (memcached counts whole seconds). */
const SERVERS = [
  {
    kind: 'redis',
    binary: REDIS_SERVER_BIN,
    start: () => startRedisServer(),
    open: (port: number): SessionStore => redisStore({ url: `redis://127.0.0.1:${port}` }),
    slackMs: 100,
  },
  {
    kind: 'memcached',
    binary: MEMCACHED_BIN,
    start: () => startMemcached(),
    open: (port: number): SessionStore => memcachedStore({ url: `memcached://127.0.0.1:${port}` }),
    slackMs: 1000,
  },
] as const satisfies ReadonlyArray<{ start: () => Promise<ManagedServer> } & Record<string, unknown>>;

for (const { kind, binary, start, open, slackMs } of SERVERS) {
  describeIfAvailable(
    kind,
    missingExecutables(binary),
    `${kind}: the server expires a session when its TTL runs out`,
    () => {
      const server = useServer(start);

      it(`${kind} drops a session 1.2 s after it was written with a 1.2 s lifetime, and not before`, async () => {
        const store = open(server().port);
        try {
          const key = generateSessionKey();
          await store.create(key, 'short', new Date(Date.now() + 1200));
          await sleep(900);
          expect((await store.load(key))?.data).toBe('short');
          await sleep(300 + slackMs + 200);
          expect(await store.load(key)).toBeNull();
          expect(await store.exists(key)).toBe(false);
        } finally {
          await store.close?.();
        }
      });
    },
  );
}
