/**
 * `createAuth`: Django's login, logout and get_user bound to one configuration.
 * @module
 */
import type { Session, SessionData } from '../session.js';
import { type AuthOptions, resolveAuthOptions } from './auth-options.js';
import { loggedInUser } from './get-user.js';
import { logIn, logOut } from './login.js';
import { type RequestUser, RequestUsers } from './request-user.js';
import { updateHash } from './update-session-auth-hash.js';
import type { SessionUser } from './user.js';

/** Options of {@link Auth.login}. */
export interface LoginOptions {
  /**
   * The backend path stored as `_auth_user_backend`. Must be one of `backends`.
   * @default the only entry of `backends` (an error when there are several)
   */
  readonly backend?: string | undefined;
}

/**
 * Login state on a session, as Django's `django.contrib.auth` keeps it, for users of type `U`.
 *
 * @typeParam U - The app's user type.
 */
export interface Auth<U extends SessionUser> {
  /**
   * Django's `login`: stores `_auth_user_id`, `_auth_user_backend` and `_auth_user_hash`. Call it after
   * checking the user's credentials (e.g. with `verifyPassword`).
   */
  login<T extends SessionData>(session: Session<T>, user: U, options?: LoginOptions): Promise<void>;
  /** Django's `get_user`: the logged-in user, or `null` for anonymous. */
  getUser<T extends SessionData>(session: Session<T>): Promise<U | null>;
  /** Django's `logout`: flushes the session. */
  logout<T extends SessionData>(session: Session<T>): Promise<void>;
  /**
   * Django's `update_session_auth_hash`: call it after saving `user`'s new password hash. The session gets a
   * new key and stays logged in; the user's other sessions end at their next request.
   *
   * @returns Whether the session is logged in as `user` (only then is its hash updated).
   */
  updateSessionAuthHash<T extends SessionData>(session: Session<T>, user: U): Promise<boolean>;
  /**
   * The lazy user of a request's session, as the framework adapters give it next to the session (`{ auth }`):
   * no query until it is called, then {@link Auth.getUser} once for the request. A `login`, `logout` or
   * `updateSessionAuthHash` made through this object on the same session changes what it answers.
   */
  requestUser<T extends SessionData>(session: Session<T>): RequestUser<U>;
}

/**
 * Django's login state for an app's users.
 *
 * @example
 * ```ts
 * const auth = createAuth({ secret: process.env.SECRET_KEY!, users: { getUser: (id) => db.findUser(id) } });
 * const user = await auth.getUser(req.session); // null when anonymous
 * ```
 * @throws SessionConfigError when the options cannot work, saying what to fix.
 */
export function createAuth<U extends SessionUser>(options: AuthOptions<U>): Auth<U> {
  const resolved = resolveAuthOptions(options);
  const requestUsers = new RequestUsers<U>((session) => loggedInUser(resolved, session));
  return {
    login: async (session, user, loginOptions = {}) => {
      await logIn(resolved, session, user, loginOptions.backend);
      requestUsers.remember(session, user);
    },
    getUser: (session) => loggedInUser(resolved, session),
    logout: async (session) => {
      await logOut(session);
      requestUsers.remember(session, null);
    },
    updateSessionAuthHash: async (session, user) => {
      const updated = await updateHash(resolved, session, user);
      if (updated) requestUsers.remember(session, user);
      return updated;
    },
    requestUser: (session) => requestUsers.of(session),
  };
}
