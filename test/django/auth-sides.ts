/**
 * The two sides of the auth interop tests: what the bridge's auth ops answer (Django's side), and a
 * sessionkit app logging users in on a session store (Node's side).
 * @module
 */
import { type Auth, createAuth, verifyPassword } from '../../src/auth/index.js';
import type { SessionStore } from '../../src/core/store-contract.js';
import { createSessions, type Session } from '../../src/index.js';
import { SqliteAuthUsers, type TestUser } from '../auth/user-sources.js';
import { cookieValue } from '../helpers/cookies.js';
import { FAST_ITERATIONS } from '../helpers/password-count.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';

/** What the bridge's auth ops answer for one request. */
export interface DjangoSeen {
  readonly authenticated: boolean;
  readonly id: number | null;
  readonly username: string | null;
  readonly data: Record<string, unknown>;
  /** The session cookie after the request: the new key, `''` when deleted. */
  readonly key: string | null;
}

/** What the bridge's `auth_login` answers. */
export interface DjangoLogin {
  readonly logged_in: boolean;
  readonly data?: Record<string, unknown>;
  readonly key: string | null;
}

/** Whether a cookie value the bridge reports is a deletion. */
export const deleted = (key: string | null): boolean => key === '' || key === '""';

/** The sessionkit side: sessions in a store, users from a SQLite file's auth_user table. */
export interface NodeSide {
  readonly users: SqliteAuthUsers;
  readonly auth: Auth<TestUser>;
  /** Runs `fn` in a request sending the session cookie `key`; the cookie afterwards (`null` when deleted). */
  request<R>(key: string | null, fn: (session: Session) => Promise<R>): Promise<{ result: R; key: string | null }>;
  /**
   * Checks the password as a login form would, the app's count being the tests' FAST_ITERATIONS (what Django's
   * fast hasher writes), then logs in. The key, or `null` for a refused password.
   */
  login(username: string, password: string, key?: string | null): Promise<string | null>;
  getUser(key: string): Promise<{ result: TestUser | null; key: string | null }>;
  logout(key: string): Promise<{ key: string | null }>;
  /** Closes the sessions (and their store) and the users' file. */
  close(): Promise<void>;
}

/** Node's side on `store`, with the users of the SQLite file `usersFile`. */
export function nodeSide(store: SessionStore, usersFile: string, secret = TEST_SECRET, secretFallbacks: string[] = []): NodeSide {
  const sessions = createSessions({ secret, secretFallbacks, store, logger: recordingLogger() });
  const users = new SqliteAuthUsers(usersFile);
  const auth = createAuth({ secret, secretFallbacks, users });
  const side: NodeSide = {
    users,
    auth,
    async request(key, fn) {
      const session = sessions.load(key ? `sessionid=${key}` : undefined);
      const result = await fn(session);
      const { setCookie } = await sessions.commit(session);
      const value = setCookie.length > 0 ? cookieValue(setCookie[0]!) : key;
      return { result, key: value === '' || value === '""' ? null : value };
    },
    async login(username, password, key = null) {
      const user = users.byUsername(username);
      if (!(await verifyPassword(password, user.passwordHash, { iterations: FAST_ITERATIONS }))) return null;
      return (await side.request(key, (session) => auth.login(session, user))).key;
    },
    getUser: (key) => side.request(key, (session) => auth.getUser(session)),
    logout: (key) => side.request(key, (session) => auth.logout(session)),
    async close() {
      await sessions.close();
      users.close();
    },
  };
  return side;
}
