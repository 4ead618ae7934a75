/**
 * The demo's users against a real Django 3.2 app (test/django/bridge.py) on the same database and
 * SECRET_KEY: on SQLite, PostgreSQL and MySQL with the db engine (the users read through the session
 * store's connection), and with signed cookies (the users in SQLite). Each sees the other's logins; a wrong
 * password and an inactive user are refused on both sides; a password change in the demo keeps that session,
 * ends the user's Django sessions and leaves a hash Django accepts; one in Django ends the demo's session; a
 * logout on either side ends the session for the other; a login Django made under the previous secret counts
 * in the demo through SECRET_KEY_FALLBACKS (Django 3.2 has none), which rewrites it for Django; a user made
 * by `sessionkit createsuperuser --noinput` logs in to Django and to the demo.
 *
 * Both sides hash at one PBKDF2 count, as a project sharing its users with Django sets it: with another
 * count each side would rehash the other's passwords at login, and every such rehash ends the user's
 * sessions on both sides (see the README). Most tests use the tests' low count (the demo's and the command's
 * PBKDF2_ITERATIONS = FAST_ITERATIONS, Django's fast hasher through the bridge's FAST_PASSWORD_HASHER); the
 * two about the count itself (a password change in the demo, createsuperuser) give the demo and the command
 * Django 3.2's count through PBKDF2_ITERATIONS=260000, beside Django 3.2's default hashers, as the README says.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WhoAmI } from '../../examples/demo/app.js';
import type { Env } from '../../src/config/env.js';
import { removeCompiledCli, runCli } from '../cli/run-cli.js';
import { describeWithDjango, djangoDatabaseSettings, djangoDriverFor } from '../django/bridge.js';
import { type DjangoProcess, startDjango } from '../django/django-process.js';
import { DJANGO_32_ITERATIONS, FAST_ITERATIONS, pbkdf2Env } from '../helpers/password-count.js';
import { createScratchMysql, createScratchPostgres, describeNeeding, type ScratchDatabase, unavailability } from '../helpers/scratch-databases.js';
import { OLD_SECRET, TEST_SECRET } from '../helpers/secrets.js';
import type { Browser } from './browser.js';
import { type Demo, demoHarness, type EngineCase } from './harness.js';

/** Django 3.2's PBKDF2 count, as the README says to set it beside Django 3.2. */
const DJANGO_32_COUNT: Env = pbkdf2Env(DJANGO_32_ITERATIONS);
/** The tests' low count, the count of the bridge's fast hasher. */
const FAST_COUNT: Env = pbkdf2Env(FAST_ITERATIONS);
/** Django's hashers in a batch: its fast hasher (FAST_ITERATIONS), or its default ones (260,000 on Django 3.2). */
type Hashers = 'fast' | 'django';
const PASSWORDS = {
  alice: 'alice-pw 😀',
  bob: 'bob-pw',
  carol: 'carol-pw',
  dave: 'dave-pw',
  erin: 'erin-pw',
  frank: 'frank-pw',
  inactive: 'inactive-pw',
  root: 'root-pw',
} as const;
type Username = keyof typeof PASSWORDS;

const { engines, start } = demoHarness();
const dbEngine = engines.find((engine) => engine.label === 'SQLite')!;
const signedCookiesEngine = engines.find((engine) => !engine.serverSide)!;
const scratch = mkdtempSync(join(tmpdir(), 'sessionkit-demo-accounts-django-'));
const dropped: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(dropped.map((drop) => drop()));
  rmSync(scratch, { recursive: true, force: true });
  removeCompiledCli();
});

/** A database the demo and Django share, with the engine both keep sessions in. */
interface Target {
  readonly label: string;
  readonly unavailable: string | undefined;
  /** The Python modules Django needs for the database. */
  readonly requires: readonly string[];
  /** The demo's engine. */
  readonly engine: EngineCase;
  /** Django's SESSION_ENGINE. */
  readonly djangoEngine: string;
  /** Makes the empty database; resolves its DATABASE_URL and the bridge's settings for it. */
  database(): Promise<{ url: string; django: Record<string, unknown> }>;
}

let files = 0;
function sqliteDatabase(): Promise<{ url: string; django: Record<string, unknown> }> {
  const file = join(scratch, `db-${++files}.sqlite3`);
  return Promise.resolve({ url: `sqlite:///${file}`, django: { DATABASE_NAME: file } });
}

async function serverTarget(label: string, create: (name: string) => Promise<ScratchDatabase>): Promise<Target> {
  let made: ScratchDatabase | undefined;
  const unavailable = await unavailability(label, async () => {
    made = await create('demoaccounts');
    dropped.push(() => made!.drop());
  });
  return {
    label: `${label} (db engine)`,
    unavailable,
    requires: made === undefined ? [] : [djangoDriverFor(made.url)],
    engine: dbEngine,
    djangoEngine: 'django.contrib.sessions.backends.db',
    database: async () => ({ url: made!.url, django: djangoDatabaseSettings(made!.url) }),
  };
}

const targets: Target[] = [
  {
    label: 'SQLite (db engine)',
    unavailable: undefined,
    requires: [],
    engine: dbEngine,
    djangoEngine: 'django.contrib.sessions.backends.db',
    database: sqliteDatabase,
  },
  await serverTarget('PostgreSQL', createScratchPostgres),
  await serverTarget('MySQL', createScratchMysql),
  {
    label: 'signed cookies (users in SQLite)',
    unavailable: undefined,
    requires: [],
    engine: signedCookiesEngine,
    djangoEngine: 'django.contrib.sessions.backends.signed_cookies',
    database: sqliteDatabase,
  },
];

/** What the bridge's auth ops answer about a session. */
interface DjangoSeen {
  readonly authenticated: boolean;
  readonly id: number | null;
  readonly username: string | null;
  /** The session cookie after the request ('' when deleted). */
  readonly key: string | null;
}

const anonymous: WhoAmI = { authenticated: false, id: null, username: null };

for (const target of targets) {
  describeNeeding(`the demo's users beside Django on ${target.label}`, target.unavailable, () => {
    describeWithDjango(
      `the demo's users and Django 3.2 on ${target.label}, one database and one SECRET_KEY`,
      () => {
        let url: string;
        let djangoDatabase: Record<string, unknown>;
        const settings = (secret = TEST_SECRET, hashers: Hashers = 'fast'): Record<string, unknown> => ({
          SECRET_KEY: secret,
          SESSION_ENGINE: target.djangoEngine,
          FAST_PASSWORD_HASHER: hashers === 'fast',
          ...djangoDatabase,
        });
        const ids = new Map<Username, number>();
        // One Django process answers every op of this target; each batch gives only the secret it signs with and its hashers.
        let bridge: DjangoProcess;
        const django = (batch: Record<string, unknown>, ops: Array<Record<string, unknown>>): Promise<unknown[]> =>
          bridge.run(ops, { SECRET_KEY: batch['SECRET_KEY'], FAST_PASSWORD_HASHER: batch['FAST_PASSWORD_HASHER'] });
        afterAll(() => bridge?.close());

        beforeAll(async () => {
          ({ url, django: djangoDatabase } = await target.database());
          bridge = startDjango(settings());
          const create = async (hashers: Hashers, users: Username[]): Promise<Array<{ id: number; password: string }>> => {
            const made = (await django(
              settings(TEST_SECRET, hashers),
              users.map((username) => ({ op: 'auth_create_user', username, password: PASSWORDS[username], is_active: username !== 'inactive' })),
            )) as Array<{ id: number; password: string }>;
            for (const [index, username] of users.entries()) ids.set(username, made[index]!.id);
            return made;
          };
          await django(settings(), [{ op: 'auth_migrate' }]);
          const fast = await create('fast', ['alice', 'bob', 'dave', 'erin', 'frank', 'inactive']);
          expect(fast[0]!.password).toMatch(new RegExp(`^pbkdf2_sha256\\$${FAST_ITERATIONS}\\$`));
          // Carol's by Django 3.2's default hasher, for the test of a password change at its count.
          const real = await create('django', ['carol']);
          expect(real[0]!.password).toMatch(/^pbkdf2_sha256\$260000\$/);
        });

        /** The demo on the shared database, at the tests' count (from PBKDF2_ITERATIONS) unless `env` gives another. */
        const startDemo = (env: Env = {}): Promise<Demo> => start(target.engine, { DATABASE_URL: url, ...FAST_COUNT, ...env }, { users: {} });

        async function whoami(browser: Browser): Promise<WhoAmI> {
          return (await (await browser.fetch('/whoami')).json()) as WhoAmI;
        }

        /** Logs in on the demo; resolves the status. */
        async function demoLogin(browser: Browser, username: Username, password: string = PASSWORDS[username]): Promise<number> {
          return (await browser.postForm('/accounts/login/', { username, password })).status;
        }

        /** Logs in on Django (authenticate, then login); resolves the session key. */
        async function djangoLogin(username: Username, secret = TEST_SECRET, hashers: Hashers = 'fast'): Promise<string> {
          const [login] = (await django(settings(secret, hashers), [{ op: 'auth_login', username, password: PASSWORDS[username] }])) as [
            { logged_in: boolean; key: string },
          ];
          expect(login.logged_in, username).toBe(true);
          return login.key;
        }

        async function djangoSees(key: string, secret = TEST_SECRET): Promise<DjangoSeen> {
          const [seen] = (await django(settings(secret), [{ op: 'auth_get_user', key }])) as [DjangoSeen];
          return seen;
        }

        /** A browser of `demo` holding the session `key`. */
        function holding(demo: Demo, key: string): Browser {
          const browser = demo.browser();
          browser.cookies.set('sessionid', key);
          return browser;
        }

        it("each sees the other's logins: Django's login in the demo's /whoami and profile, the demo's in Django's get_user", async () => {
          const demo = await startDemo();
          const fromDjango = holding(demo, await djangoLogin('alice'));
          expect(await whoami(fromDjango)).toEqual({ authenticated: true, id: ids.get('alice'), username: 'alice' });
          expect(await fromDjango.text('/accounts/profile/')).toContain('data-username="alice"');

          const inDemo = demo.browser();
          expect(await demoLogin(inDemo, 'bob')).toBe(303);
          expect(await djangoSees(inDemo.sessionId!)).toMatchObject({ authenticated: true, id: ids.get('bob'), username: 'bob' });
          expect(demo.logger.errors).toEqual([]);
        });

        it('refuses a wrong password and an inactive user on both sides', async () => {
          const demo = await startDemo();
          const cases: Array<[Username, string]> = [
            ['bob', 'not-bob-pw'],
            ['bob', PASSWORDS.alice],
            ['inactive', PASSWORDS.inactive],
          ];
          const answers = (await django(
            settings(),
            cases.map(([username, password]) => ({ op: 'auth_authenticate', username, password })),
          )) as Array<{ authenticated: boolean }>;
          for (const [index, [username, password]] of cases.entries()) {
            expect(answers[index]!.authenticated, `Django: ${username}`).toBe(false);
            const browser = demo.browser();
            expect(await demoLogin(browser, username, password), `demo: ${username}`).toBe(200);
            expect(await whoami(browser)).toEqual(anonymous);
          }
          // Django's login of the inactive user (without a password check) is anonymous in the demo, as in Django.
          const [forced] = (await django(settings(), [{ op: 'auth_login', username: 'inactive' }])) as [{ key: string }];
          expect(await djangoSees(forced.key)).toMatchObject({ authenticated: false });
          expect(await whoami(holding(demo, forced.key))).toEqual(anonymous);
        });

        it("a password change in the demo keeps that session and ends the user's Django sessions; Django accepts the new hash", async () => {
          // At Django 3.2's count on both sides: neither rehashes the other's hash (which would end the sessions).
          const demo = await startDemo(DJANGO_32_COUNT);
          const djangoKey = await djangoLogin('carol', TEST_SECRET, 'django');
          const browser = demo.browser();
          expect(await demoLogin(browser, 'carol')).toBe(303);
          // Both alive before the change: what ends afterwards is the change's doing.
          expect(await djangoSees(djangoKey)).toMatchObject({ authenticated: true, username: 'carol' });

          const changed = await browser.postForm('/accounts/password/', { new_password: 'carol new pw ✓' });
          expect([changed.status, changed.headers.get('location')]).toEqual([303, '/accounts/profile/']);
          expect(await whoami(browser)).toMatchObject({ authenticated: true, username: 'carol' });
          const [ended, stillHere, row] = (await django(settings(TEST_SECRET, 'django'), [
            { op: 'auth_get_user', key: djangoKey },
            { op: 'auth_get_user', key: browser.sessionId },
            { op: 'auth_user', username: 'carol' },
          ])) as [DjangoSeen, DjangoSeen, { password: string }];
          expect(ended.authenticated).toBe(false);
          expect(stillHere).toMatchObject({ authenticated: true, username: 'carol' });
          expect(row.password).toMatch(/^pbkdf2_sha256\$260000\$[A-Za-z0-9]{22}\$/);
          const [checked, withNew, withOld, after] = (await django(settings(TEST_SECRET, 'django'), [
            { op: 'auth_check_password', password: 'carol new pw ✓', encoded: row.password },
            { op: 'auth_authenticate', username: 'carol', password: 'carol new pw ✓' },
            { op: 'auth_authenticate', username: 'carol', password: PASSWORDS.carol },
            { op: 'auth_user', username: 'carol' },
          ])) as [boolean, { authenticated: boolean }, { authenticated: boolean }, { password: string }];
          expect([checked, withNew.authenticated, withOld.authenticated]).toEqual([true, true, false]);
          // Django found nothing to upgrade in the hash Node wrote.
          expect(after.password).toBe(row.password);
          expect(await whoami(browser)).toMatchObject({ authenticated: true, username: 'carol' });
        });

        it("a password change in Django ends the demo's session", async () => {
          const demo = await startDemo();
          const browser = demo.browser();
          expect(await demoLogin(browser, 'dave')).toBe(303);
          expect(await whoami(browser)).toMatchObject({ authenticated: true, username: 'dave' });
          await django(settings(), [{ op: 'auth_change_password', username: 'dave', password: 'dave new pw' }]);
          expect(await whoami(browser)).toEqual(anonymous);
          expect(await demoLogin(demo.browser(), 'dave')).toBe(200);
          expect(await demoLogin(demo.browser(), 'dave', 'dave new pw')).toBe(303);
        });

        it('a logout on either side ends the session for the other', async () => {
          const demo = await startDemo();
          const browser = demo.browser();
          expect(await demoLogin(browser, 'erin')).toBe(303);
          const key = browser.sessionId!;
          expect(await djangoSees(key)).toMatchObject({ authenticated: true, username: 'erin' });
          const logout = await browser.fetch('/accounts/logout/', { method: 'POST' });
          expect(logout.status).toBe(200);
          // The browser has no session left to send, to either side.
          expect(browser.sessionId).toBeUndefined();
          if (target.engine.serverSide) {
            // A server-side session is gone for everyone, even for a copy of its key. (A signed cookie cannot be
            // revoked: a copy kept elsewhere stays valid until it expires, on both sides alike.)
            expect(await djangoSees(key)).toMatchObject({ authenticated: false });

            const djangoKey = await djangoLogin('erin');
            const fromDjango = holding(demo, djangoKey);
            expect(await whoami(fromDjango)).toMatchObject({ authenticated: true, username: 'erin' });
            await django(settings(), [{ op: 'auth_logout', key: djangoKey }]);
            expect(await whoami(fromDjango)).toEqual(anonymous);
          }
        });

        it('counts a login Django made under the previous SECRET_KEY through SECRET_KEY_FALLBACKS, rewriting it for Django', async () => {
          const oldKey = await djangoLogin('frank', OLD_SECRET);
          // Django 3.2 has no fallbacks: after the rotation the login is lost to it, and to a demo without them.
          expect(await djangoSees(oldKey)).toMatchObject({ authenticated: false });
          const strict = await startDemo();
          expect(await whoami(holding(strict, oldKey))).toEqual(anonymous);

          const demo = await startDemo({ SECRET_KEY_FALLBACKS: OLD_SECRET });
          const browser = holding(demo, oldKey);
          expect(await whoami(browser)).toEqual({ authenticated: true, id: ids.get('frank'), username: 'frank' });
          // A new key, its data and hash made again with the current secret: Django counts it again.
          expect(browser.sessionId).not.toBe(oldKey);
          expect(await djangoSees(browser.sessionId!)).toMatchObject({ authenticated: true, username: 'frank' });
        });

        it('lets a user made by `npx sessionkit createsuperuser --noinput` with PBKDF2_ITERATIONS=260000 log in to Django, unrehashed, and to the demo', async () => {
          const made = await runCli(['createsuperuser', '--noinput', '--username', 'root', '--email', 'root@example.com'], {
            DATABASE_URL: url,
            SECRET_KEY: TEST_SECRET,
            DJANGO_SUPERUSER_PASSWORD: PASSWORDS.root,
            ...DJANGO_32_COUNT,
          });
          expect(made).toMatchObject({ status: 0, stdout: 'Superuser created successfully.\n', stderr: '' });
          const [before, login, after] = (await django(settings(TEST_SECRET, 'django'), [
            { op: 'auth_user', username: 'root' },
            { op: 'auth_login', username: 'root', password: PASSWORDS.root },
            { op: 'auth_user', username: 'root' },
          ])) as [{ password: string }, { logged_in: boolean; key: string }, { password: string }];
          expect(before.password).toMatch(/^pbkdf2_sha256\$260000\$[A-Za-z0-9]{22}\$/);
          expect(login.logged_in).toBe(true);
          // Django's login found nothing to upgrade: the session auth hash, and the demo's sessions, stay.
          expect(after.password).toBe(before.password);
          const djangoKey = login.key;
          const demo = await startDemo(DJANGO_32_COUNT);
          expect(await whoami(holding(demo, djangoKey))).toMatchObject({ authenticated: true, username: 'root' });
          const browser = demo.browser();
          expect(await demoLogin(browser, 'root')).toBe(303);
          expect(await djangoSees(browser.sessionId!)).toMatchObject({ authenticated: true, username: 'root' });
          // Staff in the demo's session admin.
          expect((await browser.fetch('/admin/sessions/')).status).toBe(200);
        });
      },
      target.requires,
    );
  });
}
