/** memcached's expiry field, from a session's expiry date. */

// memcached reads an expiry above 30 days as an absolute unix time, not a number of seconds.
const MAX_RELATIVE_EXPIRY_S = 30 * 24 * 60 * 60;
// The last second memcached's 32-bit absolute expiry can name (2038-01-19T03:14:07Z).
const MAX_UNIX_TIME = 2 ** 31 - 1;
/** A negative expiry stores the item already expired: a write that deletes (Django maps timeout 0 to -1). */
export const EXPIRED_LIFETIME = -1;

/**
 * memcached's expiry for a date: seconds from now up to 30 days, a unix time beyond, -1 when past. A unix
 * time past 2038-01-19 (32 bits) makes memcached drop the item at once while answering STORED, so later
 * dates are capped there: such a session lives until 2038 instead of not at all.
 */
export function memcachedLifetime(expireDate: Date, now: number): number {
  const ms = expireDate.getTime() - now;
  if (Number.isNaN(ms)) throw new TypeError('memcachedStore: got an invalid expiry date');
  if (ms <= 0) return EXPIRED_LIFETIME;
  const seconds = Math.ceil(ms / 1000);
  return seconds <= MAX_RELATIVE_EXPIRY_S ? seconds : Math.min(Math.ceil(expireDate.getTime() / 1000), MAX_UNIX_TIME);
}
