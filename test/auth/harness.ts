/** One sessionkit app with login state for the auth unit tests: memory sessions, in-memory users. */
import { type Auth, type AuthOptions, createAuth } from '../../src/auth/index.js';
import { createSessions, type Session, type SessionManager } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory.js';
import { cookieValue } from '../helpers/cookies.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import { MemoryUsers, type TestUser } from './user-sources.js';

/** A Django password hash the tests use (made by Django 3.2's make_password('x', 's') at 1 iteration). */
export const ALICE_HASH = 'pbkdf2_sha256$1$s$Iw9uUpJ8wkEJJjGR3rcONsswOtuGX7TZe8GsNaKCO3I=';
/** Django's get_session_auth_hash() for {@link ALICE_HASH} under TEST_SECRET (from Django 3.2's salted_hmac). */
export const ALICE_SESSION_HASH = 'f8119ef1fd9d57543466e8510670507ec6c0ada88685e92d3f46057d520a3130';

export const alice: TestUser = { id: 1, username: 'alice', passwordHash: ALICE_HASH, isActive: true };
export const bob: TestUser = { id: 2, username: 'bob', passwordHash: 'pbkdf2_sha256$1$t$bobsHash', isActive: true };

/** What one request did: the callback's result and the session cookie afterwards. */
export interface RequestOutcome<R> {
  readonly result: R;
  /** The cookie the browser holds afterwards: the new value when one was set, `null` when deleted or never set. */
  readonly key: string | null;
}

export interface AuthApp {
  readonly users: MemoryUsers;
  readonly sessions: SessionManager;
  readonly auth: Auth<TestUser>;
  /** Runs `fn` on the session of a request sending `key` (none when null), then commits it. */
  request<R>(key: string | null, fn: (session: Session) => Promise<R>): Promise<RequestOutcome<R>>;
  /** The stored data of `key` as a fresh request sees it (`{}` when there is no such session). */
  stored(key: string): Promise<Record<string, unknown>>;
}

/** An app whose auth is configured by `options` (secret TEST_SECRET, users alice and bob by default). */
export function authApp(options: Partial<AuthOptions<TestUser>> = {}, secret = TEST_SECRET, secretFallbacks: string[] = []): AuthApp {
  const users = new MemoryUsers([alice, bob]);
  const sessions = createSessions({ secret, secretFallbacks, store: memoryStore(), logger: recordingLogger() });
  const auth = createAuth<TestUser>({ secret, secretFallbacks, users, ...options });
  return {
    users,
    sessions,
    auth,
    async request(key, fn) {
      const session = sessions.load(key === null ? undefined : `sessionid=${key}`);
      const result = await fn(session);
      const { setCookie } = await sessions.commit(session);
      const value = setCookie.length > 0 ? cookieValue(setCookie[0]!) : key;
      return { result, key: value === '' || value === '""' ? null : value };
    },
    async stored(key) {
      return (await sessions.load(`sessionid=${key}`).load()) as Record<string, unknown>;
    },
  };
}
