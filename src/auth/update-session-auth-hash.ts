/**
 * Django's `update_session_auth_hash`: after a password change, keep the session that made it logged in.
 * @module
 */
import type { Session, SessionData } from '../session.js';
import type { ResolvedAuthOptions } from './auth-options.js';
import { sessionAuthHash } from './session-auth-hash.js';
import { authView, BACKEND_SESSION_KEY, HASH_SESSION_KEY, storedUserId, USER_ID_SESSION_KEY } from './session-keys.js';
import type { SessionUser } from './user.js';
import { userIdString } from './user-id.js';

/**
 * Gives the session a new key and, when it is logged in as `user` (Django's `request.user == user`: the same
 * id, through an accepted backend), stores the hash of `user`'s new password, so this session stays logged
 * in while every other session of the user ends.
 *
 * @returns Whether the session is logged in as `user` and now holds the new hash.
 */
export async function updateHash<U extends SessionUser, T extends SessionData>(
  options: ResolvedAuthOptions<U>,
  session: Session<T>,
  user: U,
): Promise<boolean> {
  const userId = userIdString(user.id);
  const hash = sessionAuthHash(user, options.secret);
  await session.cycleKey();
  const auth = authView(session);
  const backend = await auth.get(BACKEND_SESSION_KEY);
  const loggedInAsUser = storedUserId(await auth.get(USER_ID_SESSION_KEY)) === userId && typeof backend === 'string' && options.backends.includes(backend);
  if (loggedInAsUser) await auth.set(HASH_SESSION_KEY, hash);
  return loggedInAsUser;
}
