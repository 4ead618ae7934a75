/**
 * sessionkit/auth: Django's logged-in users on a session (`login`, `logout`, `get_user`,
 * `update_session_auth_hash`) and Django's password hashes.
 * @module
 */

export type { AuthOptions } from './auth-options.js';
export { type Auth, createAuth, type LoginOptions } from './create-auth.js';
export type { DjangoUserColumns } from './django-users/columns.js';
export type { DjangoUser, NewDjangoUser } from './django-users/django-user.js';
export { DjangoUsers, djangoUsers } from './django-users/django-users.js';
export { UsernameTakenError, UserTableError } from './django-users/errors.js';
export type { DjangoUsersOptions } from './django-users/options.js';
export type { Argon2DriverName, BcryptDriverName } from './passwords/drivers.js';
export { isPasswordUsable, UNUSABLE_PASSWORD_PREFIX } from './passwords/encoded-password.js';
export { PBKDF2_ITERATIONS_VARIABLE, pbkdf2IterationsFromEnv } from './passwords/iterations-setting.js';
export { type MakePasswordOptions, makePassword } from './passwords/make-password.js';
export { mustUpdatePassword } from './passwords/must-update.js';
export { DEFAULT_PBKDF2_ITERATIONS } from './passwords/pbkdf2.js';
export { type VerifyPasswordOptions, verifyPassword } from './passwords/verify-password.js';
export type { RequestUser } from './request-user.js';
export { sessionAuthHash } from './session-auth-hash.js';
export { type AuthSessionData, BACKEND_SESSION_KEY, HASH_SESSION_KEY, MODEL_BACKEND, USER_ID_SESSION_KEY } from './session-keys.js';
export type { SessionUser, UserId, UserSource } from './user.js';
