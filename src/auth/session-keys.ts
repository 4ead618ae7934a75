/**
 * The three session keys Django's `django.contrib.auth` keeps a login under, and the default backend.
 * @module
 */
import type { Session, SessionData } from '../session.js';

/** Django's `SESSION_KEY`: the logged-in user's primary key, as a string. */
export const USER_ID_SESSION_KEY = '_auth_user_id';
/** Django's `BACKEND_SESSION_KEY`: the dotted path of the backend that logged the user in. */
export const BACKEND_SESSION_KEY = '_auth_user_backend';
/** Django's `HASH_SESSION_KEY`: the session auth hash, an HMAC of the user's password hash. */
export const HASH_SESSION_KEY = '_auth_user_hash';

/** `django.contrib.auth.backends.ModelBackend`, Django's default `AUTHENTICATION_BACKENDS` entry. */
export const MODEL_BACKEND = 'django.contrib.auth.backends.ModelBackend';

/** The part of a session a login writes. Values written by another program may be of any type. */
export interface AuthSessionData extends SessionData {
  [USER_ID_SESSION_KEY]?: unknown;
  [BACKEND_SESSION_KEY]?: unknown;
  [HASH_SESSION_KEY]?: unknown;
}

/** The app's session, typed for the auth keys (which the app's own data type does not name). */
export function authView<T extends SessionData>(session: Session<T>): Session<AuthSessionData> {
  return session as unknown as Session<AuthSessionData>;
}

/**
 * The user id a session holds, as a string; `null` when there is none or it cannot be one. Django writes a
 * string; a number written by another program is read as Django's `to_python` would read it.
 */
export function storedUserId(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return null;
}
