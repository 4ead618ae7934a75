/**
 * `getUser` as Django's `django.contrib.auth.get_user` (with Django 4.1+'s fallback secrets): who is logged
 * in, and when the session is flushed. Checked against real Django in test/django/interop-auth.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { BACKEND_SESSION_KEY, HASH_SESSION_KEY, MODEL_BACKEND, USER_ID_SESSION_KEY } from '../../src/auth/index.js';
import { OLD_SECRET, TEST_SECRET } from '../helpers/secrets.js';
import { ALICE_SESSION_HASH, type AuthApp, alice, authApp } from './harness.js';

const loggedIn = async (app: AuthApp): Promise<string> => (await app.request(null, (session) => app.auth.login(session, alice))).key!;

/** A session holding `data` as another program could have written it. */
const written = async (app: AuthApp, data: Record<string, unknown>): Promise<string> =>
  (await app.request(null, (session) => session.update({ ...data, cart: ['x'] }))).key!;

describe('getUser', () => {
  it('answers the logged-in user, leaving the session as it is', async () => {
    const app = authApp();
    const key = await loggedIn(app);
    expect(await app.request(key, (session) => app.auth.getUser(session))).toEqual({ result: alice, key });
  });

  it('answers null for an anonymous session without loading any user', async () => {
    const app = authApp();
    const { key } = await app.request(null, (session) => session.set('cart', ['x']));
    expect(await app.request(key, (session) => app.auth.getUser(session))).toEqual({ result: null, key });
    expect(await app.request(null, (session) => app.auth.getUser(session))).toEqual({ result: null, key: null });
    expect(app.users.lookups).toBe(0);
  });

  it('ends the session after a password change: null, and the session flushed', async () => {
    const app = authApp();
    const key = await loggedIn(app);
    app.users.change(1, { passwordHash: 'pbkdf2_sha256$1$s$changed' });
    expect(await app.request(key, (session) => app.auth.getUser(session))).toEqual({ result: null, key: null });
    expect(await app.stored(key)).toEqual({});
  });

  it.each([
    ['no hash', {}],
    ['an empty hash', { [HASH_SESSION_KEY]: '' }],
    ['a hash that is not a string', { [HASH_SESSION_KEY]: 12 }],
    ['a hash made with another secret', { [HASH_SESSION_KEY]: 'a'.repeat(64) }],
  ])('flushes a login with %s', async (_label, hash) => {
    const app = authApp();
    const key = await written(app, { [USER_ID_SESSION_KEY]: '1', [BACKEND_SESSION_KEY]: MODEL_BACKEND, ...hash });
    expect(await app.request(key, (session) => app.auth.getUser(session))).toEqual({ result: null, key: null });
    expect(await app.stored(key)).toEqual({});
  });

  it.each([
    ['a backend that is not configured', { [BACKEND_SESSION_KEY]: 'myapp.backends.Other' }],
    ['no backend', { [BACKEND_SESSION_KEY]: undefined }],
    ['an unknown user', { [USER_ID_SESSION_KEY]: '404' }],
    ['an id that is not a string', { [USER_ID_SESSION_KEY]: { id: 1 } }],
  ])('answers null and leaves the session alone for %s, as Django does', async (_label, change) => {
    const app = authApp();
    const data = { [USER_ID_SESSION_KEY]: '1', [BACKEND_SESSION_KEY]: MODEL_BACKEND, [HASH_SESSION_KEY]: ALICE_SESSION_HASH, ...change };
    const key = await written(app, Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined)));
    expect(await app.request(key, (session) => app.auth.getUser(session))).toEqual({ result: null, key });
    expect(await app.stored(key)).toMatchObject({ cart: ['x'] });
  });

  it('reads an id another program stored as a number', async () => {
    const app = authApp();
    const key = await written(app, { [USER_ID_SESSION_KEY]: 1, [BACKEND_SESSION_KEY]: MODEL_BACKEND, [HASH_SESSION_KEY]: ALICE_SESSION_HASH });
    expect((await app.request(key, (session) => app.auth.getUser(session))).result).toEqual(alice);
  });

  it("treats an inactive user as anonymous without flushing (ModelBackend's user_can_authenticate)", async () => {
    const app = authApp();
    const key = await loggedIn(app);
    app.users.change(1, { isActive: false });
    expect(await app.request(key, (session) => app.auth.getUser(session))).toEqual({ result: null, key });
    app.users.change(1, { isActive: true });
    expect((await app.request(key, (session) => app.auth.getUser(session))).result).toMatchObject({ id: 1 });
  });

  it('counts a user without isActive, or with null, as active', async () => {
    const app = authApp();
    const { isActive: _dropped, ...withoutFlag } = alice;
    for (const user of [withoutFlag, { ...alice, isActive: null }]) {
      app.users.put(user as never);
      const key = await loggedIn(app);
      expect((await app.request(key, (session) => app.auth.getUser(session))).result).toEqual(user);
    }
  });

  it("lets AllowAllUsersModelBackend's logins through for an inactive user, as that backend does", async () => {
    const backend = 'django.contrib.auth.backends.AllowAllUsersModelBackend';
    const app = authApp({ backends: [backend] });
    app.users.change(1, { isActive: false });
    const key = await loggedIn(app);
    expect((await app.request(key, (session) => app.auth.getUser(session))).result).toMatchObject({ id: 1, isActive: false });
  });

  describe('with secretFallbacks (Django 4.1+)', () => {
    it('accepts a hash made with a fallback secret, then gives the session a new key and rewrites the hash with the current secret', async () => {
      const before = authApp({}, OLD_SECRET);
      const oldKey = await loggedIn(before);
      const oldData = await before.stored(oldKey);

      // The same store with the secrets rotated: copy the session across, as a shared store would hold it.
      const app = authApp({}, TEST_SECRET, [OLD_SECRET]);
      const { key: copied } = await app.request(null, (session) => session.update(oldData));
      const { result, key } = await app.request(copied, (session) => app.auth.getUser(session));
      expect(result).toEqual(alice);
      expect(key).not.toBe(copied);
      expect(await app.stored(copied!)).toEqual({});
      expect((await app.stored(key!))[HASH_SESSION_KEY]).toBe(ALICE_SESSION_HASH);
      expect(oldData[HASH_SESSION_KEY]).not.toBe(ALICE_SESSION_HASH);

      // Once rewritten, the login no longer needs the fallback.
      const withoutFallback = authApp({}, TEST_SECRET);
      const rewritten = await app.stored(key!);
      const { key: copiedAgain } = await withoutFallback.request(null, (session) => session.update(rewritten));
      expect((await withoutFallback.request(copiedAgain, (session) => withoutFallback.auth.getUser(session))).result).toEqual(alice);
    });

    it('flushes a hash made with an old secret that is not among the fallbacks', async () => {
      const before = authApp({}, OLD_SECRET);
      const oldData = await before.stored(await loggedIn(before));
      const app = authApp({}, TEST_SECRET);
      const { key } = await app.request(null, (session) => session.update(oldData));
      expect(await app.request(key, (session) => app.auth.getUser(session))).toEqual({ result: null, key: null });
    });
  });
});
