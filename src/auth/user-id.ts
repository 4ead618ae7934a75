/**
 * A user's primary key as the session stores it.
 * @module
 */
import { SessionConfigError } from '../errors.js';
import type { UserId } from './user.js';

/**
 * `String(id)`, as Django's `value_to_string` writes the primary key.
 *
 * @throws SessionConfigError for an id that cannot name a user (empty, not a whole number, another type):
 *   the user source returned the wrong shape.
 */
export function userIdString(id: UserId): string {
  if (typeof id === 'string' && id.length > 0) return id;
  if (typeof id === 'number' && Number.isSafeInteger(id)) return String(id);
  if (typeof id === 'bigint') return id.toString();
  throw new SessionConfigError(
    `a user given to sessionkit/auth has the id ${JSON.stringify(typeof id === 'bigint' ? String(id) : id) ?? String(id)}; an id must be a non-empty string, a whole number or a bigint.`,
  );
}
