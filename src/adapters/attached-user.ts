/**
 * The lazy user an adapter attached to a request object as `user`, for the adapters whose framework has
 * no typed place for it (Express, Fastify, Koa): their `userOf` reads it back.
 */
import type { RequestUser } from '../auth/request-user.js';
import type { SessionUser } from '../auth/user.js';
import { SessionConfigError } from '../errors.js';

/**
 * The `user` function attached to `holder`. Throws {@link SessionConfigError} with `howToMount` when the
 * middleware was mounted without `{ auth }`.
 */
export function attachedUser<U extends SessionUser>(holder: object, howToMount: string): RequestUser<U> {
  const user = (holder as { user?: unknown }).user;
  if (typeof user !== 'function') throw new SessionConfigError(howToMount);
  return user as RequestUser<U>;
}
