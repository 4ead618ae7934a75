/** createAuth's options: checked once, with errors that say how to fix them. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createAuth } from '../../src/auth/index.js';
import { createSessions, SessionConfigError } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { MemoryUsers, type TestUser } from './user-sources.js';

const users = new MemoryUsers();

describe('createAuth', () => {
  it.each([
    ['no options', undefined, /needs an options object/],
    ['no secret', { users }, /needs `secret`/],
    ['an empty secret', { secret: '', users }, /needs `secret`/],
    ['fallbacks that are not strings', { secret: TEST_SECRET, secretFallbacks: [''], users }, /secretFallbacks/],
    ['fallbacks that are a string', { secret: TEST_SECRET, secretFallbacks: 'old', users }, /secretFallbacks/],
    ['no users', { secret: TEST_SECRET }, /needs `users`/],
    ['users without getUser', { secret: TEST_SECRET, users: {} }, /getUser\(id\)/],
    ['no backends', { secret: TEST_SECRET, users, backends: [] }, /non-empty array of backend paths/],
    ['a backend that is not a string', { secret: TEST_SECRET, users, backends: [1] }, /non-empty array of backend paths/],
  ])('refuses %s', (_label, options, message) => {
    expect(() => createAuth(options as never)).toThrow(SessionConfigError);
    expect(() => createAuth(options as never)).toThrow(message);
  });

  it("does not keep the caller's arrays: changing them later changes nothing", async () => {
    const backends = ['myapp.A'];
    const auth = createAuth({ secret: TEST_SECRET, users, backends });
    backends.push('myapp.B');
    const session = createSessions({ secret: TEST_SECRET, store: memoryStore() }).load(undefined);
    await expect(auth.login(session, { id: 1, username: 'u', passwordHash: 'x', isActive: true }, { backend: 'myapp.B' })).rejects.toThrow(/not in `backends`/);
  });

  it("is typed by the app's user type, and takes sessions of any data type", async () => {
    const carol: TestUser = { id: 3, username: 'carol', passwordHash: 'pbkdf2_sha256$1$s$x', isActive: true };
    const auth = createAuth({ secret: TEST_SECRET, users: new MemoryUsers([carol]) });
    const session = createSessions<{ visit: number }>({ secret: TEST_SECRET, store: memoryStore() }).load(undefined);
    await session.set('visit', 1);
    await auth.login(session, carol);
    const user = await auth.getUser(session);
    expectTypeOf(user).toEqualTypeOf<TestUser | null>();
    expect(user).toEqual(carol);
    expect(await session.get('visit')).toBe(1);
    // @ts-expect-error a user of another shape is refused at compile time
    await expect(auth.login(session, { id: 3 })).rejects.toThrow(SessionConfigError);
  });
});
