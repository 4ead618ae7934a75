/**
 * Logged-in users shared with Django 3.2 and 5.2, in both directions, on one SQLite file (Django's `db`
 * engine and sessionkit's SQLite store, Django's `auth_user` table): each side sees the other's logins,
 * password changes and logouts; password hashes made by one side are accepted by the other. One Django
 * process per version answers every op (bridge.py --serve), each case on a SQLite file of its own.
 *
 * Both sides hash at the tests' low PBKDF2 count (Node's FAST_ITERATIONS, Django's fast hasher through the
 * bridge's FAST_PASSWORD_HASHER: Django's own pbkdf2_sha256 at 1,000 iterations), each reading the count
 * of a hash from the hash; the two tests whose subject is the count use Django's default hashers, at its
 * real counts.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKEND_SESSION_KEY,
  HASH_SESSION_KEY,
  MODEL_BACKEND,
  makePassword,
  sessionAuthHash,
  USER_ID_SESSION_KEY,
  verifyPassword,
} from '../../src/auth/index.js';
import { ARGON2_DRIVERS, BCRYPT_DRIVERS } from '../../src/auth/passwords/drivers.js';
import { sqliteStore } from '../../src/stores/sqlite.js';
import { FAST_ITERATIONS } from '../helpers/password-count.js';
import { OLD_SECRET, TEST_SECRET } from '../helpers/secrets.js';
import { type DjangoLogin, type DjangoSeen, deleted, type NodeSide, nodeSide as nodeSideOn } from './auth-sides.js';
import { describeWithDjango, django as djangoOnce } from './bridge.js';
import { describeWithInstall, djangoInstalls } from './django-installs.js';
import { type DjangoProcess, startDjango } from './django-process.js';

const dir = mkdtempSync(join(tmpdir(), 'sessionkit-django-auth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PASSWORDS = { alice: 'alice-pw 😀', bob: 'bob-pw', inactive: 'inactive-pw' } as const;

/**
 * The bridge's settings for one batch: the SQLite file (the process's own when absent), the secret, and
 * Django's fast hasher (FAST_ITERATIONS).
 */
const settings = (file?: string, secret = TEST_SECRET): Record<string, unknown> => ({
  SECRET_KEY: secret,
  FAST_PASSWORD_HASHER: true,
  ...(file ? { DATABASE_NAME: file } : {}),
});
/** The bridge's settings for a batch whose subject is Django's own count: its default hashers (260,000 on 3.2, 1,000,000 on 5.2). */
const DJANGO_DEFAULT_HASHERS: Record<string, unknown> = { SECRET_KEY: TEST_SECRET, FAST_PASSWORD_HASHER: false };

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers) await close();
});

/** Node's side on the same file: sessions in its django_session table, users from its auth_user table. */
function nodeSide(file: string, secret = TEST_SECRET, secretFallbacks: string[] = []): NodeSide {
  const side = nodeSideOn(sqliteStore({ path: file }), file, secret, secretFallbacks);
  closers.push(() => side.close());
  return side;
}

for (const install of djangoInstalls) {
  describeWithInstall(install, `logged-in users shared with ${install.label} (db engine, auth_user on SQLite)`, () => {
    let bridge: DjangoProcess;
    beforeAll(() => {
      bridge = startDjango(settings(join(dir, `${install.label}.sqlite3`)), install.python);
    });
    afterAll(() => bridge.close());
    /** Runs `ops` in this suite's Django under `batchSettings`. */
    const django = (batchSettings: Record<string, unknown>, ops: Array<Record<string, unknown>>): Promise<unknown[]> => bridge.run(ops, batchSettings);
    /** Django's tables and four users (alice, bob, an inactive one, one with an unusable password), made once per secret. */
    const templates = new Map<string, string>();
    async function databaseFile(secret = TEST_SECRET): Promise<string> {
      let template = templates.get(secret);
      if (template === undefined) {
        template = join(dir, `${install.label}-template-${templates.size}.sqlite3`);
        await django(settings(template, secret), [
          { op: 'auth_migrate' },
          { op: 'auth_create_user', username: 'alice', password: PASSWORDS.alice },
          { op: 'auth_create_user', username: 'bob', password: PASSWORDS.bob },
          { op: 'auth_create_user', username: 'inactive', password: PASSWORDS.inactive, is_active: false },
          { op: 'auth_create_user', username: 'nopassword', password: null },
        ]);
        templates.set(secret, template);
      }
      const file = join(dir, `case-${Math.random().toString(36).slice(2)}.sqlite3`);
      copyFileSync(template, file);
      return file;
    }

    it('Django logs in, and Node getUser sees the user', async () => {
      const file = await databaseFile();
      const [login] = (await django(settings(file), [{ op: 'auth_login', username: 'alice', password: PASSWORDS.alice }])) as [DjangoLogin];
      expect(login.logged_in).toBe(true);

      const node = nodeSide(file);
      const seen = await node.getUser(login.key!);
      expect(seen.result).toMatchObject({ id: 1, username: 'alice', isActive: true });
      expect(seen.key).toBe(login.key);
      // Made by Django's fast hasher, at the tests' count.
      expect(seen.result!.passwordHash).toMatch(new RegExp(`^pbkdf2_sha256\\$${FAST_ITERATIONS}\\$`));
    });

    it("Node logs in, and Django's get_user sees the user with the hash Django computes", async () => {
      const file = await databaseFile();
      const node = nodeSide(file);
      const key = await node.login('alice', PASSWORDS.alice);
      expect(key).toMatch(/^[a-z0-9]{32}$/);

      const [seen, djangoHash] = (await django(settings(file), [
        { op: 'auth_get_user', key },
        { op: 'auth_session_hash', username: 'alice' },
      ])) as [DjangoSeen, string];
      expect(seen).toMatchObject({ authenticated: true, id: 1, username: 'alice', key });
      expect(seen.data).toEqual({ [USER_ID_SESSION_KEY]: '1', [BACKEND_SESSION_KEY]: MODEL_BACKEND, [HASH_SESSION_KEY]: djangoHash });
      expect(sessionAuthHash(node.users.byUsername('alice'), TEST_SECRET)).toBe(djangoHash);
    });

    it("Node's login over a session where Django logged in another user flushes it, and Django sees the new user", async () => {
      const file = await databaseFile();
      const [bobs] = (await django(settings(file), [{ op: 'auth_login', username: 'bob' }])) as [DjangoLogin];
      const node = nodeSide(file);
      const key = await node.login('alice', PASSWORDS.alice, bobs.key);
      expect(key).not.toBe(bobs.key);

      const [onNew, onOld] = (await django(settings(file), [
        { op: 'auth_get_user', key },
        { op: 'auth_get_user', key: bobs.key },
      ])) as [DjangoSeen, DjangoSeen];
      expect(onNew).toMatchObject({ authenticated: true, username: 'alice' });
      expect(onOld).toMatchObject({ authenticated: false, data: {} });
    });

    it("Django's login over a Node login of another user flushes it, as Node's does", async () => {
      const file = await databaseFile();
      const node = nodeSide(file);
      const nodeKey = await node.login('bob', PASSWORDS.bob);
      const [login] = (await django(settings(file), [{ op: 'auth_login', username: 'alice', key: nodeKey }])) as [DjangoLogin];
      expect(login.key).not.toBe(nodeKey);
      expect((await node.getUser(login.key!)).result).toMatchObject({ username: 'alice' });
      expect(await node.getUser(nodeKey!)).toEqual({ result: null, key: null });
    });

    it("a password change in Django ends the user's Node sessions; the session that changed it stays logged in for Node too", async () => {
      const file = await databaseFile();
      const node = nodeSide(file);
      const nodeKey = await node.login('alice', PASSWORDS.alice);
      const [djangoLogin] = (await django(settings(file), [{ op: 'auth_login', username: 'alice' }])) as [DjangoLogin];
      const [change] = (await django(settings(file), [{ op: 'auth_change_password', username: 'alice', password: 'new-pw', key: djangoLogin.key }])) as [
        { was: { username: string }; password: string; key: string },
      ];
      expect(change.was.username).toBe('alice');
      expect(change.key).not.toBe(djangoLogin.key);

      expect(await node.getUser(nodeKey!)).toEqual({ result: null, key: null });
      expect((await node.getUser(change.key)).result).toMatchObject({ username: 'alice', passwordHash: change.password });
      expect(await node.login('alice', PASSWORDS.alice)).toBeNull();
      expect(await node.login('alice', 'new-pw')).not.toBeNull();
    });

    it("a password change in Node keeps that session, ends the user's Django sessions, and Django accepts the hash Node wrote", async () => {
      const file = await databaseFile();
      const node = nodeSide(file);
      const [djangoLogin] = (await django(settings(file), [{ op: 'auth_login', username: 'alice', password: PASSWORDS.alice }])) as [DjangoLogin];
      const nodeKey = await node.login('alice', PASSWORDS.alice);

      const changed = node.users.setPasswordHash('alice', await makePassword('changed in node', { iterations: FAST_ITERATIONS }));
      const { result: kept, key: newKey } = await node.request(nodeKey, (session) => node.auth.updateSessionAuthHash(session, changed));
      expect(kept).toBe(true);
      expect(newKey).not.toBe(nodeKey);

      const [djangoSession, nodeSession, oldNodeKey, checked, loginWithNew, loginWithOld] = (await django(settings(file), [
        { op: 'auth_get_user', key: djangoLogin.key },
        { op: 'auth_get_user', key: newKey },
        { op: 'auth_get_user', key: nodeKey },
        { op: 'auth_check_password', password: 'changed in node', encoded: changed.passwordHash },
        { op: 'auth_login', username: 'alice', password: 'changed in node' },
        { op: 'auth_login', username: 'alice', password: PASSWORDS.alice },
      ])) as [DjangoSeen, DjangoSeen, DjangoSeen, boolean, DjangoLogin, DjangoLogin];
      expect(djangoSession.authenticated).toBe(false);
      expect(deleted(djangoSession.key)).toBe(true);
      expect(nodeSession).toMatchObject({ authenticated: true, username: 'alice', key: newKey });
      expect(oldNodeKey).toMatchObject({ authenticated: false, data: {} });
      expect(checked).toBe(true);
      expect(loginWithNew.logged_in).toBe(true);
      expect(loginWithOld.logged_in).toBe(false);
    });

    it('a logout in Node ends the session for Django', async () => {
      const file = await databaseFile();
      const [login] = (await django(settings(file), [{ op: 'auth_login', username: 'alice' }])) as [DjangoLogin];
      const node = nodeSide(file);
      expect(await node.request(login.key, (session) => node.auth.logout(session))).toEqual({ result: undefined, key: null });
      const [seen, exists] = (await django(settings(file), [
        { op: 'auth_get_user', key: login.key },
        { op: 'session_exists', engine: 'db', key: login.key },
      ])) as [DjangoSeen, boolean];
      expect(seen).toMatchObject({ authenticated: false, data: {} });
      expect(exists).toBe(false);
    });

    it('a logout in Django ends the session for Node', async () => {
      const file = await databaseFile();
      const node = nodeSide(file);
      const key = await node.login('alice', PASSWORDS.alice);
      const [logout] = (await django(settings(file), [{ op: 'auth_logout', key }])) as [{ key: string }];
      expect(deleted(logout.key)).toBe(true);
      expect(await node.getUser(key!)).toEqual({ result: null, key: null });
    });

    it('a login signed with a fallback secret counts in Node, which rewrites it under the current secret for Django (Django 4.1+ behaviour)', async () => {
      // Django 3.2 has no SECRET_KEY_FALLBACKS: it plays the app before the rotation (signing with OLD_SECRET)
      // and after it (TEST_SECRET only); Node plays Django 4.1+ with SECRET_KEY_FALLBACKS = [OLD_SECRET].
      const file = await databaseFile(OLD_SECRET);
      const [before, other] = (await django(settings(file, OLD_SECRET), [
        { op: 'auth_login', username: 'alice' },
        { op: 'auth_login', username: 'bob' },
      ])) as [DjangoLogin, DjangoLogin];

      const node = nodeSide(file, TEST_SECRET, [OLD_SECRET]);
      const seen = await node.getUser(before.key!);
      expect(seen.result).toMatchObject({ username: 'alice' });
      expect(seen.key).not.toBe(before.key);

      const [afterRotation, unrotated] = (await django(settings(file, TEST_SECRET), [
        { op: 'auth_get_user', key: seen.key },
        { op: 'auth_get_user', key: other.key },
      ])) as [DjangoSeen, DjangoSeen];
      expect(afterRotation).toMatchObject({ authenticated: true, username: 'alice' });
      expect(afterRotation.data[HASH_SESSION_KEY]).toBe(sessionAuthHash(node.users.byUsername('alice'), TEST_SECRET));
      // Bob's session, not yet read by Node, is still under the old secret: Django 3.2 with the new secret alone refuses it.
      expect(unrotated.authenticated).toBe(false);

      // Without the fallback, Node refuses such a login too.
      const [again] = (await django(settings(file, OLD_SECRET), [{ op: 'auth_login', username: 'alice' }])) as [DjangoLogin];
      const strict = nodeSide(file, TEST_SECRET);
      expect((await strict.getUser(again.key!)).result).toBeNull();
    });

    it('an inactive user is refused on both sides, and a user deactivated after login is anonymous on both', async () => {
      const file = await databaseFile();
      const node = nodeSide(file);
      // The password is right; Django's ModelBackend still refuses the login.
      const [refused] = (await django(settings(file), [{ op: 'auth_login', username: 'inactive', password: PASSWORDS.inactive }])) as [DjangoLogin];
      expect(refused.logged_in).toBe(false);
      // Node's login() does not check (Django's login() does not either); getUser on both sides treats it as anonymous.
      const forced = await node.login('inactive', PASSWORDS.inactive);
      expect((await node.getUser(forced!)).result).toBeNull();

      const aliceKey = await node.login('alice', PASSWORDS.alice);
      const [onForced] = (await django(settings(file), [
        { op: 'auth_get_user', key: forced },
        { op: 'auth_set_active', username: 'alice', is_active: false },
      ])) as [DjangoSeen];
      expect(onForced.authenticated).toBe(false);

      // Deactivated: anonymous, but neither side flushes the session (Django's get_user returns before the hash check).
      expect(await node.getUser(aliceKey!)).toEqual({ result: null, key: aliceKey });
      const [djangoSees] = (await django(settings(file), [{ op: 'auth_get_user', key: aliceKey }])) as [DjangoSeen];
      expect(djangoSees).toMatchObject({ authenticated: false, key: aliceKey });
      expect(djangoSees.data[USER_ID_SESSION_KEY]).toBe('1');
    });

    it('an unusable password never matches on either side, yet its user can be logged in by other means', async () => {
      const file = await databaseFile();
      const node = nodeSide(file);
      const user = node.users.byUsername('nopassword');
      expect(user.passwordHash).toMatch(/^!/);
      for (const guess of ['', user.passwordHash, user.passwordHash.slice(1)]) {
        expect(await verifyPassword(guess, user.passwordHash, { iterations: 1 })).toBe(false);
      }
      const unusable = await makePassword(null);
      const key = (await node.request(null, (session) => node.auth.login(session, user))).key;
      const [checked, seen] = (await django(settings(file), [
        { op: 'auth_check_password', password: '', encoded: unusable },
        { op: 'auth_get_user', key },
      ])) as [boolean, DjangoSeen];
      expect(checked).toBe(false);
      expect(seen).toMatchObject({ authenticated: true, username: 'nopassword' });
    });

    it('a wrong password is refused by Node for a hash Django made, and by Django for a hash Node made', async () => {
      const file = await databaseFile();
      const node = nodeSide(file);
      expect(await node.login('alice', 'alice-pw')).toBeNull();
      expect(await node.login('alice', `${PASSWORDS.alice} `)).toBeNull();
      const nodeHash = await makePassword('right one', { iterations: FAST_ITERATIONS });
      const [wrong, right] = (await django(settings(file), [
        { op: 'auth_check_password', password: 'wrong one', encoded: nodeHash },
        { op: 'auth_check_password', password: 'right one', encoded: nodeHash },
      ])) as [boolean, boolean];
      expect(wrong).toBe(false);
      expect(right).toBe(true);
    });

    it("Node's makePassword hashes are accepted by Django's check_password, byte for byte what Django's encode makes", async () => {
      const password = 'naïve pässwörd 😀';
      const ours = await makePassword(password);
      const [checked, checkedWrong, djangoSame] = (await django(DJANGO_DEFAULT_HASHERS, [
        { op: 'auth_check_password', password, encoded: ours },
        { op: 'auth_check_password', password: 'naive', encoded: ours },
        { op: 'auth_make_password', password, salt: 'fixedSALT123' },
      ])) as [boolean, boolean, string];
      expect(ours).toMatch(/^pbkdf2_sha256\$1000000\$/);
      expect(checked).toBe(true);
      expect(checkedWrong).toBe(false);
      // At the count of this Django version's default (260,000 on 3.2, 1,000,000 on 5.2).
      const djangoCount = Number(djangoSame.split('$')[1]);
      expect(djangoCount).toBe(install.label === 'Django 3.2' ? 260_000 : 1_000_000);
      expect(await makePassword(password, { salt: 'fixedSALT123', iterations: djangoCount })).toBe(djangoSame);
    });

    it("Node verifies Django's pbkdf2_sha256 at Django 3.2's to Django 6's counts, and pbkdf2_sha1", async () => {
      const password = 'any count';
      // Django 3.2's 260,000 (the lowest), Django 5.2's 1,000,000 and Django 6's 1,200,000 (the highest). Every
      // count takes the same path in Node, so Django 4.2's 600,000, between them, would only repeat it, at the
      // cost of one more hash in Django and two in Node for each Django version.
      const counts = [260_000, 1_000_000, 1_200_000];
      const made = (await django(DJANGO_DEFAULT_HASHERS, [
        ...counts.map((iterations) => ({ op: 'auth_make_password', password, iterations })),
        { op: 'auth_make_password', password, hasher: 'pbkdf2_sha1' },
      ])) as string[];
      for (const encoded of made) {
        expect(await verifyPassword(password, encoded)).toBe(true);
        expect(await verifyPassword('other', encoded, { iterations: 1 })).toBe(false);
      }
    });
  });
}

describeWithDjango('argon2 and bcrypt_sha256 hashes Django made, verified in Node through each driver', () => {
  const password = 'hashed by Django 😀';
  let argon2: string;
  let bcrypt: string;
  beforeAll(async () => {
    [argon2, bcrypt] = (await djangoOnce(settings(), [
      { op: 'auth_make_password', password, hasher: 'argon2' },
      { op: 'auth_make_password', password, hasher: 'bcrypt_sha256' },
    ])) as [string, string];
  });

  describe.each(ARGON2_DRIVERS.map((driver) => [driver]))('argon2 through %s', (driver) => {
    it('accepts the password Django hashed and refuses another', async () => {
      expect(argon2).toMatch(/^argon2\$argon2id\$v=19\$m=102400,t=2,p=8\$/);
      expect(await verifyPassword(password, argon2, { argon2: driver })).toBe(true);
      expect(await verifyPassword('hashed by Django', argon2, { argon2: driver })).toBe(false);
    });
  });

  describe.each(BCRYPT_DRIVERS.map((driver) => [driver]))('bcrypt_sha256 through %s', (driver) => {
    it('accepts the password Django hashed and refuses another', async () => {
      expect(bcrypt).toMatch(/^bcrypt_sha256\$\$2b\$12\$/);
      expect(await verifyPassword(password, bcrypt, { bcrypt: driver })).toBe(true);
      expect(await verifyPassword('hashed by Django', bcrypt, { bcrypt: driver })).toBe(false);
    });
  });
}, ['argon2', 'bcrypt']);
