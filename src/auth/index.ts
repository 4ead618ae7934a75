/**
 * sessionkit/auth: Django's logged-in users on a session (`login`, `logout`, `get_user`,
 * `update_session_auth_hash`) and Django's password hashes.
 * @module
 */
export { createAuth, type Auth, type LoginOptions } from './create-auth.js';
export type { AuthOptions } from './auth-options.js';
export type { SessionUser, UserId, UserSource } from './user.js';
export type { RequestUser } from './request-user.js';
export { sessionAuthHash } from './session-auth-hash.js';
export { BACKEND_SESSION_KEY, HASH_SESSION_KEY, MODEL_BACKEND, USER_ID_SESSION_KEY, type AuthSessionData } from './session-keys.js';
export { makePassword, type MakePasswordOptions } from './passwords/make-password.js';
export { verifyPassword, type VerifyPasswordOptions } from './passwords/verify-password.js';
export { isPasswordUsable, UNUSABLE_PASSWORD_PREFIX } from './passwords/encoded-password.js';
export { DEFAULT_PBKDF2_ITERATIONS } from './passwords/pbkdf2.js';
export { pbkdf2IterationsFromEnv, PBKDF2_ITERATIONS_VARIABLE } from './passwords/iterations-setting.js';
export type { Argon2DriverName, BcryptDriverName } from './passwords/drivers.js';
export { mustUpdatePassword } from './passwords/must-update.js';
export { djangoUsers, DjangoUsers } from './django-users/django-users.js';
export type { DjangoUsersOptions } from './django-users/options.js';
export type { DjangoUser, NewDjangoUser } from './django-users/django-user.js';
export type { DjangoUserColumns } from './django-users/columns.js';
export { UsernameTakenError, UserTableError } from './django-users/errors.js';
