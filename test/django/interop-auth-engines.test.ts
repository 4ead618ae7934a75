/**
 * Logged-in users shared with Django on the `cached_db` and `file` engines, against Django 3.2 and 5.2:
 * Django logs in and Node sees the user, Node logs in and Django's get_user sees it, and a logout on
 * either side is a logout for the other. Users live in one SQLite file's auth_user table.
 *
 * cached_db: each side keeps a cache entry per session in one memcached. Django's entries are pickles,
 * Node's signed strings, so each side deletes the other's entry when it saves or deletes a session: Node
 * through `cachedDbStore`'s `djangoCache`, Django through the engine in shared_cached_db.py. Without the
 * latter, Node goes on serving a session Django logged out of from its own entry (the last case shows it).
 *
 * One Django process per suite (bridge.py --serve) answers every op of its cases. Both sides hash at the
 * tests' low PBKDF2 count: Django's fast hasher (the bridge's FAST_PASSWORD_HASHER), Node's FAST_ITERATIONS.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SessionStore } from '../../src/core/store-contract.js';
import { cachedDbStore } from '../../src/stores/cached-db.js';
import { fileStore } from '../../src/stores/file.js';
import { memcachedStore } from '../../src/stores/memcached.js';
import { sqliteStore } from '../../src/stores/sqlite.js';
import { FAST_ITERATIONS } from '../helpers/password-count.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { type ManagedServer, startMemcached } from '../helpers/servers.js';
import { type DjangoLogin, type DjangoSeen, deleted, type NodeSide, nodeSide } from './auth-sides.js';
import { describeWithInstall, djangoInstalls } from './django-installs.js';
import { type DjangoProcess, startDjango } from './django-process.js';

const dir = mkdtempSync(join(tmpdir(), 'sessionkit-django-auth-engines-'));
const PASSWORD = 'alice-pw 😀';
const NODE_CACHE_PREFIX = 'sessionkit.cached_db';
const DJANGO_CACHE_PREFIX = 'django.contrib.sessions.cached_db';

let memcached: ManagedServer | undefined;
const memcachedServers = (): string[] => [`127.0.0.1:${memcached!.port}`];
afterAll(async () => {
  await memcached?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** One engine as both sides configure it, on the SQLite file `file` (which also holds the users). */
interface EngineCase {
  readonly label: string;
  /** Python modules Django needs for it. */
  readonly requires: readonly string[];
  /** Django's settings for it. */
  django(file: string): Promise<Record<string, unknown>>;
  /** Node's store for it. */
  node(file: string): SessionStore;
}

const engines: EngineCase[] = [
  {
    label: 'cached_db (memcached in front of SQLite)',
    requires: ['pymemcache'],
    async django() {
      memcached ??= await startMemcached();
      return {
        SESSION_ENGINE: 'shared_cached_db',
        CACHES: { default: { BACKEND: 'django.core.cache.backends.memcached.PyMemcacheCache', LOCATION: memcachedServers()[0] } },
      };
    },
    node: (file) =>
      cachedDbStore({
        cache: memcachedStore({ servers: memcachedServers(), cachePrefix: NODE_CACHE_PREFIX }),
        db: sqliteStore({ path: file }),
        djangoCache: memcachedStore({ servers: memcachedServers(), cachePrefix: DJANGO_CACHE_PREFIX }),
      }),
  },
  {
    label: 'file',
    requires: [],
    async django(file) {
      return { SESSION_ENGINE: 'django.contrib.sessions.backends.file', SESSION_FILE_PATH: sessionDirectory(file) };
    },
    node: (file) => fileStore({ directory: sessionDirectory(file) }),
  },
];

function sessionDirectory(file: string): string {
  const directory = `${file}.sessions`;
  mkdirSync(directory, { recursive: true });
  return directory;
}

let suites = 0;
for (const install of djangoInstalls) {
  for (const engine of engines) {
    describeWithInstall(
      install,
      `logged-in users shared with ${install.label} on the ${engine.label} engine`,
      () => {
        const file = join(dir, `suite-${++suites}.sqlite3`);
        let django: DjangoProcess;
        let node: NodeSide;
        beforeAll(async () => {
          django = startDjango({ SECRET_KEY: TEST_SECRET, DATABASE_NAME: file, FAST_PASSWORD_HASHER: true, ...(await engine.django(file)) }, install.python);
          const made = await django.run([{ op: 'auth_migrate' }, { op: 'auth_create_user', username: 'alice', password: PASSWORD, hasher: 'pbkdf2_sha256' }]);
          expect(made[1]).toMatchObject({ id: 1, password: expect.stringMatching(new RegExp(`^pbkdf2_sha256\\$${FAST_ITERATIONS}\\$`)) });
          node = nodeSide(engine.node(file), file);
        });
        afterAll(async () => {
          await node?.close();
          await django?.close();
        });

        const djangoLogin = async (): Promise<string> => {
          const [login] = (await django.run([{ op: 'auth_login', username: 'alice', password: PASSWORD }])) as [DjangoLogin];
          expect(login.logged_in).toBe(true);
          return login.key!;
        };
        const djangoSees = async (key: string): Promise<DjangoSeen> => ((await django.run([{ op: 'auth_get_user', key }])) as [DjangoSeen])[0];
        const nodeLogin = async (): Promise<string> => {
          const key = await node.login('alice', PASSWORD);
          expect(key).toMatch(/^[a-z0-9]{32}$/);
          return key!;
        };

        it('Django logs in and Node sees the user; a Django logout is one for Node too', async () => {
          const key = await djangoLogin();
          expect((await node.getUser(key)).result).toMatchObject({ id: 1, username: 'alice' });
          expect((await node.getUser(key)).result).toMatchObject({ id: 1, username: 'alice' }); // from Node's cache, on cached_db
          const [logout] = (await django.run([{ op: 'auth_logout', key }])) as [{ key: string }];
          expect(deleted(logout.key)).toBe(true);
          expect((await node.getUser(key)).result).toBeNull();
        });

        it("Node logs in and Django's get_user sees the user; a Node logout is one for Django too", async () => {
          const key = await nodeLogin();
          expect(await djangoSees(key)).toMatchObject({ authenticated: true, id: 1, username: 'alice', key });
          expect(await djangoSees(key)).toMatchObject({ authenticated: true }); // from Django's cache, on cached_db
          expect(await node.logout(key)).toEqual({ key: null });
          expect(await djangoSees(key)).toMatchObject({ authenticated: false, data: {} });
        });

        if (engine.label.startsWith('cached_db')) {
          it("a Django logout deletes the row and both cache entries; with Django's own cached_db engine Node's entry stays", async () => {
            const entries = (prefix: string): SessionStore => memcachedStore({ servers: memcachedServers(), cachePrefix: prefix });
            const [nodeEntries, djangoEntries, rows] = [entries(NODE_CACHE_PREFIX), entries(DJANGO_CACHE_PREFIX), sqliteStore({ path: file })];
            try {
              const key = await djangoLogin();
              expect((await node.getUser(key)).result).toMatchObject({ username: 'alice' });
              expect([await rows.exists(key), await djangoEntries.exists(key), await nodeEntries.exists(key)]).toEqual([true, true, true]);
              await django.run([{ op: 'auth_logout', key }]);
              expect([await rows.exists(key), await djangoEntries.exists(key), await nodeEntries.exists(key)]).toEqual([false, false, false]);

              // Django's engine alone leaves Node's entry, which still holds the login.
              const plain = { SESSION_ENGINE: 'django.contrib.sessions.backends.cached_db' };
              const [login] = (await django.run([{ op: 'auth_login', username: 'alice', password: PASSWORD }], plain)) as [DjangoLogin];
              expect((await node.getUser(login.key!)).result).toMatchObject({ username: 'alice' });
              await django.run([{ op: 'auth_logout', key: login.key }], plain);
              expect([await rows.exists(login.key!), await djangoEntries.exists(login.key!), await nodeEntries.exists(login.key!)]).toEqual([
                false,
                false,
                true,
              ]);
              expect((await node.getUser(login.key!)).result).toMatchObject({ username: 'alice' });
            } finally {
              await Promise.all([nodeEntries.close?.(), djangoEntries.close?.(), rows.close?.()]);
            }
          });
        }
      },
      engine.requires,
    );
  }
}
