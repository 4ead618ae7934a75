/**
 * Django's `get_user`: who a session is logged in as, checked against the user's current password.
 * @module
 */
import type { Session, SessionData } from '../session.js';
import { constantTimeEqual } from '../signing/salted-hmac.js';
import type { ResolvedAuthOptions } from './auth-options.js';
import { sessionAuthHash } from './session-auth-hash.js';
import { authView, BACKEND_SESSION_KEY, HASH_SESSION_KEY, storedUserId, USER_ID_SESSION_KEY } from './session-keys.js';
import type { SessionUser } from './user.js';

// Django's backends whose get_user returns inactive users too.
const BACKENDS_ALLOWING_INACTIVE: ReadonlySet<string> = new Set([
  'django.contrib.auth.backends.AllowAllUsersModelBackend',
  'django.contrib.auth.backends.AllowAllUsersRemoteUserBackend',
]);

// ModelBackend.user_can_authenticate: `is_active or is_active is None`.
function canAuthenticate(user: SessionUser, backend: string): boolean {
  const active: unknown = user.isActive;
  return active === undefined || active === null || Boolean(active) || BACKENDS_ALLOWING_INACTIVE.has(backend);
}

/**
 * The user the session is logged in as, or `null` (anonymous).
 *
 * - No user id or backend in the session, a backend not in `backends`, an unknown or inactive user:
 *   anonymous, the session untouched (as Django).
 * - The stored hash matches the user's hash under `secret`: the user.
 * - It matches under one of `secretFallbacks`: the user; the session gets a new key and the hash is
 *   rewritten under `secret` (Django 4.1+).
 * - Otherwise (the password changed, or no hash): the session is flushed, anonymous.
 */
export async function loggedInUser<U extends SessionUser, T extends SessionData>(options: ResolvedAuthOptions<U>, session: Session<T>): Promise<U | null> {
  const auth = authView(session);
  const id = storedUserId(await auth.get(USER_ID_SESSION_KEY));
  const backend = await auth.get(BACKEND_SESSION_KEY);
  if (id === null || typeof backend !== 'string' || !options.backends.includes(backend)) return null;

  const user = await options.users.getUser(id);
  if (user === null || user === undefined || !canAuthenticate(user, backend)) return null;

  const storedHash = await auth.get(HASH_SESSION_KEY);
  if (typeof storedHash === 'string' && storedHash.length > 0) {
    const currentHash = sessionAuthHash(user, options.secret);
    if (constantTimeEqual(storedHash, currentHash)) return user;
    if (options.secretFallbacks.some((fallback) => constantTimeEqual(storedHash, sessionAuthHash(user, fallback)))) {
      await session.cycleKey();
      await auth.set(HASH_SESSION_KEY, currentHash);
      return user;
    }
  }
  await session.flush();
  return null;
}
