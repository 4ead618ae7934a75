/**
 * Django's `login` and `logout` on a session.
 * @module
 */
import { SessionConfigError } from '../errors.js';
import type { Session, SessionData } from '../session.js';
import { constantTimeEqual } from '../signing/salted-hmac.js';
import type { ResolvedAuthOptions } from './auth-options.js';
import { sessionAuthHash } from './session-auth-hash.js';
import { authView, BACKEND_SESSION_KEY, HASH_SESSION_KEY, storedUserId, USER_ID_SESSION_KEY } from './session-keys.js';
import type { SessionUser } from './user.js';
import { userIdString } from './user-id.js';

// Django takes `backend`, else the only configured one, else refuses; sessionkit also refuses a backend its
// own getUser would not accept, which would make the login count for nobody here.
function loginBackend(backends: readonly string[], backend: string | undefined): string {
  if (backend === undefined) {
    if (backends.length === 1) return backends[0]!;
    throw new SessionConfigError(
      `several backends are configured (${backends.join(', ')}), so login() needs { backend } naming the one that authenticated the user.`,
    );
  }
  if (typeof backend !== 'string' || !backends.includes(backend)) {
    throw new SessionConfigError(
      `login() was given the backend ${JSON.stringify(backend)}, which is not in \`backends\` (${backends.join(', ')}); add it there, or getUser() would treat the login as anonymous.`,
    );
  }
  return backend;
}

/**
 * Django's `login(request, user, backend)`: stores the user's id, backend and session auth hash. A session
 * holding another user, or this user with another hash, is flushed first (its data dropped); a session
 * holding no user keeps its data under a new key (against session fixation). A session already holding this
 * user with this hash keeps its key, as in Django. Then the user source's `userLoggedIn` runs (Django's
 * `user_logged_in` signal, which updates `last_login`).
 */
export async function logIn<U extends SessionUser, T extends SessionData>(
  options: ResolvedAuthOptions<U>,
  session: Session<T>,
  user: U,
  backend: string | undefined,
): Promise<void> {
  const chosenBackend = loginBackend(options.backends, backend);
  const userId = userIdString(user.id);
  const hash = sessionAuthHash(user, options.secret);
  const auth = authView(session);
  if (await auth.has(USER_ID_SESSION_KEY)) {
    const storedHash = await auth.get(HASH_SESSION_KEY);
    const sameLogin = storedUserId(await auth.get(USER_ID_SESSION_KEY)) === userId && constantTimeEqual(typeof storedHash === 'string' ? storedHash : '', hash);
    if (!sameLogin) await session.flush();
  } else {
    await session.cycleKey();
  }
  await auth.set(USER_ID_SESSION_KEY, userId);
  await auth.set(BACKEND_SESSION_KEY, chosenBackend);
  await auth.set(HASH_SESSION_KEY, hash);
  // Django sends user_logged_in last, once the session holds the login.
  await options.users.userLoggedIn?.(user);
}

/** Django's `logout`: flushes the session (its data and its stored record; the next response gets a new key). */
export async function logOut<T extends SessionData>(session: Session<T>): Promise<void> {
  await session.flush();
}
