/** The short hash the demo shows instead of a session key: enough to tell sessions apart, useless to steal. */
import { createHash } from 'node:crypto';

/**
 * The first 12 hex digits of the SHA-256 of `sessionKey` (for signed cookies: of the cookie). The key itself
 * is a bearer credential, never shown: a page that printed it would hand it to any script that can read the
 * page, HttpOnly or not.
 */
export function sessionKeyHash(sessionKey: string): string {
  return createHash('sha256').update(sessionKey).digest('hex').slice(0, 12);
}
