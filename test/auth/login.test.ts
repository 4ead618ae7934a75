/**
 * `login` and `logout` as Django's `django.contrib.auth.login` / `logout` treat the session: the three keys,
 * flush against another login, a new key against fixation. Checked against real Django in
 * test/django/interop-auth.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { BACKEND_SESSION_KEY, HASH_SESSION_KEY, MODEL_BACKEND, USER_ID_SESSION_KEY } from '../../src/auth/index.js';
import { SessionConfigError } from '../../src/index.js';
import { ALICE_HASH, ALICE_SESSION_HASH, alice, authApp, bob } from './harness.js';

/** A session in which `user` logged in and then put `item` in a cart; resolves its key. */
async function loggedInWithCart(app: ReturnType<typeof authApp>, user: typeof alice, item: string): Promise<string | null> {
  const { key } = await app.request(null, async (session) => {
    await app.auth.login(session, user);
    await session.set('cart', [item]);
  });
  return key;
}

describe('login', () => {
  it("stores the id as a string, Django's default backend and the session auth hash Django computes", async () => {
    const app = authApp();
    const { key } = await app.request(null, (session) => app.auth.login(session, alice));
    expect(await app.stored(key!)).toEqual({
      [USER_ID_SESSION_KEY]: '1',
      [BACKEND_SESSION_KEY]: MODEL_BACKEND,
      [HASH_SESSION_KEY]: ALICE_SESSION_HASH,
    });
  });

  it('keeps the anonymous data under a new key and deletes the old record (no session fixation)', async () => {
    const app = authApp();
    const { key: before } = await app.request(null, (session) => session.set('cart', ['book']));
    const { key: after } = await app.request(before, (session) => app.auth.login(session, alice));
    expect(after).not.toBe(before);
    expect(await app.stored(after!)).toMatchObject({ cart: ['book'], [USER_ID_SESSION_KEY]: '1' });
    expect(await app.stored(before!)).toEqual({});
  });

  it("flushes a session holding another user's login: that user's data does not carry over", async () => {
    const app = authApp();
    const bobs = await loggedInWithCart(app, bob, 'bob-only');
    const { key } = await app.request(bobs, (session) => app.auth.login(session, alice));
    expect(key).not.toBe(bobs);
    expect(await app.stored(key!)).toEqual({ [USER_ID_SESSION_KEY]: '1', [BACKEND_SESSION_KEY]: MODEL_BACKEND, [HASH_SESSION_KEY]: ALICE_SESSION_HASH });
    expect(await app.stored(bobs!)).toEqual({});
  });

  it('flushes a session holding the same user with another hash (the password changed since)', async () => {
    const app = authApp();
    const old = await loggedInWithCart(app, alice, 'stale');
    const changed = app.users.change(1, { passwordHash: 'pbkdf2_sha256$1$s$new' });
    const { key } = await app.request(old, (session) => app.auth.login(session, changed));
    expect(key).not.toBe(old);
    expect(await app.stored(key!)).not.toHaveProperty('cart');
    expect(await app.stored(old!)).toEqual({});
  });

  it('keeps the key and the data when the session already holds this user with this hash, as Django does', async () => {
    const app = authApp();
    const first = await loggedInWithCart(app, alice, 'kept');
    const { key } = await app.request(first, (session) => app.auth.login(session, alice));
    expect(key).toBe(first);
    expect(await app.stored(first!)).toMatchObject({ cart: ['kept'], [USER_ID_SESSION_KEY]: '1' });
  });

  it('stores a bigint or string id as its string', async () => {
    const app = authApp();
    for (const id of [12345678901234567890n, 'd3b07384-d113-4ec6-a5c5-0c3d5e7c1f0e']) {
      const { key } = await app.request(null, (session) => app.auth.login(session, { ...alice, id: id as never }));
      expect((await app.stored(key!))[USER_ID_SESSION_KEY]).toBe(String(id));
    }
  });

  it('uses sessionAuthSecret instead of a password hash when the user has one', async () => {
    const app = authApp();
    const user = { id: 9, username: 'token-user', sessionAuthSecret: ALICE_HASH, isActive: true };
    const { key } = await app.request(null, (session) => app.auth.login(session, user as never));
    expect((await app.stored(key!))[HASH_SESSION_KEY]).toBe(ALICE_SESSION_HASH);
  });

  it('stores the backend it is given, and the only configured one by default', async () => {
    const backends = [MODEL_BACKEND, 'myapp.backends.EmailBackend'];
    const app = authApp({ backends });
    const { key } = await app.request(null, (session) => app.auth.login(session, alice, { backend: 'myapp.backends.EmailBackend' }));
    expect((await app.stored(key!))[BACKEND_SESSION_KEY]).toBe('myapp.backends.EmailBackend');

    const single = authApp({ backends: ['myapp.backends.EmailBackend'] });
    const { key: other } = await single.request(null, (session) => single.auth.login(session, alice));
    expect((await single.stored(other!))[BACKEND_SESSION_KEY]).toBe('myapp.backends.EmailBackend');
  });

  it('refuses, changing nothing, when several backends are configured and none is named', async () => {
    const app = authApp({ backends: [MODEL_BACKEND, 'myapp.backends.EmailBackend'] });
    const { key } = await app.request(null, (session) => session.set('cart', ['x']));
    await expect(app.request(key, (session) => app.auth.login(session, alice))).rejects.toThrow(/several backends are configured/);
    expect(await app.stored(key!)).toEqual({ cart: ['x'] });
  });

  it('refuses a backend that getUser would not accept', async () => {
    const app = authApp();
    await expect(app.request(null, (session) => app.auth.login(session, alice, { backend: 'myapp.Other' }))).rejects.toThrow(SessionConfigError);
  });

  it('refuses a user without a password hash or session auth secret, and an id that cannot be stored', async () => {
    const app = authApp();
    await expect(app.request(null, (session) => app.auth.login(session, { id: 1, password: 'x' } as never))).rejects.toThrow(
      /neither a string `passwordHash` nor a string `sessionAuthSecret`/,
    );
    for (const id of ['', 1.5, null, {}]) {
      await expect(app.request(null, (session) => app.auth.login(session, { ...alice, id: id as never }))).rejects.toThrow(SessionConfigError);
    }
  });
});

describe('logout', () => {
  it('flushes: the stored session is deleted and the cookie with it', async () => {
    const app = authApp();
    const { key } = await app.request(null, async (session) => {
      await app.auth.login(session, alice);
      await session.set('cart', ['x']);
    });
    const out = await app.request(key, async (session) => {
      await app.auth.logout(session);
      return app.auth.getUser(session);
    });
    expect(out).toEqual({ result: null, key: null });
    expect(await app.stored(key!)).toEqual({});
  });

  it('is harmless on an anonymous session', async () => {
    const app = authApp();
    expect(await app.request(null, (session) => app.auth.logout(session))).toEqual({ result: undefined, key: null });
  });
});
