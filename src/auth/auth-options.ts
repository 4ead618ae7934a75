/**
 * The options of {@link createAuth}, checked once when it is called.
 * @module
 */
import { SessionConfigError } from '../errors.js';
import { MODEL_BACKEND } from './session-keys.js';
import type { SessionUser, UserSource } from './user.js';

/** Options of {@link createAuth}. */
export interface AuthOptions<U extends SessionUser> {
  /** `SECRET_KEY`: the same secret the sessions are signed with (and Django's, when it shares them). */
  readonly secret: string;
  /**
   * `SECRET_KEY_FALLBACKS`: older secrets whose session auth hashes still count. A login whose hash one of
   * them made is rewritten with `secret` (and given a new key) the first time it is read, as Django 4.1+ does.
   * @default []
   */
  readonly secretFallbacks?: readonly string[] | undefined;
  /** Where logged-in users are loaded from by id (Django's `backend.get_user`). */
  readonly users: UserSource<U>;
  /**
   * `AUTHENTICATION_BACKENDS`: the backend paths whose logins count. A session logged in through any other
   * backend is anonymous here. With one entry, it is what {@link Auth.login} writes by default.
   * @default ['django.contrib.auth.backends.ModelBackend']
   */
  readonly backends?: readonly string[] | undefined;
}

/** {@link AuthOptions} with defaults applied. */
export interface ResolvedAuthOptions<U extends SessionUser> {
  readonly secret: string;
  readonly secretFallbacks: readonly string[];
  readonly users: UserSource<U>;
  readonly backends: readonly string[];
}

const isNonEmptyStringArray = (value: unknown): value is readonly string[] =>
  Array.isArray(value) && value.every((entry) => typeof entry === 'string' && entry.length > 0);

/**
 * Applies the defaults and checks the options.
 *
 * @throws SessionConfigError saying what to fix.
 */
export function resolveAuthOptions<U extends SessionUser>(options: AuthOptions<U>): ResolvedAuthOptions<U> {
  if (options === null || typeof options !== 'object') {
    throw new SessionConfigError('createAuth(options) needs an options object with at least `secret` and `users`.');
  }
  const { secret, secretFallbacks = [], users, backends = [MODEL_BACKEND] } = options;
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new SessionConfigError('createAuth needs `secret` (SECRET_KEY): pass the same secret as createSessions.');
  }
  if (!isNonEmptyStringArray(secretFallbacks)) {
    throw new SessionConfigError('`secretFallbacks` (SECRET_KEY_FALLBACKS) must be an array of non-empty strings.');
  }
  if (users === null || typeof users !== 'object' || typeof users.getUser !== 'function') {
    throw new SessionConfigError('createAuth needs `users`: an object with a `getUser(id)` method that loads a user by primary key.');
  }
  if (!isNonEmptyStringArray(backends) || backends.length === 0) {
    throw new SessionConfigError(
      "`backends` (AUTHENTICATION_BACKENDS) must be a non-empty array of backend paths, e.g. ['django.contrib.auth.backends.ModelBackend'].",
    );
  }
  return { secret, secretFallbacks: [...secretFallbacks], users, backends: [...backends] };
}
