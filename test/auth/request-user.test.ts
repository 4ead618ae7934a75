/** The lazy user of a request (`auth.requestUser`), which every framework adapter hands out next to the session. */

import type { MiddlewareHandler } from 'hono';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { userOf as expressUserOf } from '../../src/adapters/express.js';
import { withSessions as fetchWithSessions } from '../../src/adapters/fetch.js';
import { session as honoSession, type UserEnv } from '../../src/adapters/hono.js';
import { withSessions } from '../../src/adapters/node.js';
import type { RequestUser } from '../../src/auth/index.js';
import type { SessionData } from '../../src/session.js';
import { alice, authApp } from './harness.js';
import type { TestUser } from './user-sources.js';

describe('requestUser', () => {
  it('is typed by the app user, looks up nothing until called, then once however often it is called', async () => {
    const app = authApp();
    const { key } = await app.request(null, async (session) => app.auth.login(session, alice));
    app.users.lookups = 0;
    await app.request(key, async (session) => {
      const user = app.auth.requestUser(session);
      expectTypeOf(user).toEqualTypeOf<RequestUser<TestUser>>();
      expect(app.users.lookups).toBe(0);
      expect(await user()).toEqual(alice);
      expect(await Promise.all([user(), app.auth.requestUser(session)()])).toEqual([alice, alice]);
      expect(app.users.lookups).toBe(1);
    });
  });

  it('follows a password change made through the same auth, and a flush made by getUser', async () => {
    const app = authApp();
    const { key } = await app.request(null, async (session) => app.auth.login(session, alice));
    const changed = app.users.change(alice.id, { passwordHash: 'pbkdf2_sha256$1$s$new' });
    // Another session of alice: getUser finds the old hash, flushes, and the request's user is anonymous.
    await app.request(key, async (session) => {
      expect(await app.auth.requestUser(session)()).toBeNull();
    });
    const fresh = await app.request(null, async (session) => {
      app.users.change(alice.id, { passwordHash: alice.passwordHash });
      await app.auth.login(session, alice);
      app.users.put(changed);
      expect(await app.auth.updateSessionAuthHash(session, changed)).toBe(true);
      return app.auth.requestUser(session)();
    });
    expect(fresh.result).toEqual(changed);
  });

  it('does not remember a failed lookup: the next call asks again', async () => {
    const app = authApp();
    const { key } = await app.request(null, async (session) => app.auth.login(session, alice));
    const getUser = app.users.getUser.bind(app.users);
    let down = true;
    app.users.getUser = async (id: string) => {
      if (down) throw new Error('user table unavailable');
      return getUser(id);
    };
    await app.request(key, async (session) => {
      const user = app.auth.requestUser(session);
      await expect(user()).rejects.toThrow('user table unavailable');
      down = false;
      expect(await user()).toEqual(alice);
    });
  });
});

describe('the adapters give the user the type of the auth they were given', () => {
  it('node:http, Fetch API and Hono infer it; userOf takes it', () => {
    const app = authApp();
    const node = withSessions(
      app.sessions,
      (req) => {
        expectTypeOf(req.user).toEqualTypeOf<RequestUser<TestUser>>();
      },
      { auth: app.auth },
    );
    const fetchHandler = fetchWithSessions(
      app.sessions,
      (_request, _context, _session, user) => {
        expectTypeOf(user).toEqualTypeOf<RequestUser<TestUser>>();
        return new Response();
      },
      { auth: app.auth },
    );
    const hono = honoSession(app.sessions, { auth: app.auth });
    expectTypeOf(hono).toEqualTypeOf<MiddlewareHandler<UserEnv<SessionData, TestUser>>>();
    expectTypeOf(expressUserOf<TestUser>).returns.toEqualTypeOf<RequestUser<TestUser>>();
    expect([node, fetchHandler, hono].every((made) => typeof made === 'function')).toBe(true);
  });
});
