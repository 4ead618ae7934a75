/**
 * Django's `AbstractBaseUser.get_session_auth_hash`: an HMAC of the password hash, so a password change
 * ends every session that stored the old value.
 * @module
 */
import { SessionConfigError } from '../errors.js';
import { saltedHmac } from '../signing/salted-hmac.js';
import type { SessionUser } from './user.js';

const KEY_SALT = 'django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash';

/**
 * The value the session's auth hash is computed from: the password hash, or the user's own
 * `sessionAuthSecret`.
 *
 * @throws SessionConfigError when the user has neither (a user source returning the wrong shape): without
 *   it a password change could not end sessions, so this is never skipped silently.
 */
export function sessionAuthSecretOf(user: SessionUser): string {
  const record = user as { readonly passwordHash?: unknown; readonly sessionAuthSecret?: unknown };
  if (typeof record.sessionAuthSecret === 'string') return record.sessionAuthSecret;
  if (typeof record.passwordHash === 'string') return record.passwordHash;
  throw new SessionConfigError(
    "a user given to sessionkit/auth has neither a string `passwordHash` nor a string `sessionAuthSecret`. Make the user source return one of them (for Django's auth_user table, the `password` column).",
  );
}

/**
 * Django's `salted_hmac('django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash', password,
 * secret, algorithm='sha256').hexdigest()` for `user`.
 *
 * @param user - The user.
 * @param secret - `SECRET_KEY`, or one of its fallbacks.
 * @returns 64 lower-case hex digits.
 */
export function sessionAuthHash(user: SessionUser, secret: string): string {
  return saltedHmac(KEY_SALT, sessionAuthSecretOf(user), secret, 'sha256').toString('hex');
}
