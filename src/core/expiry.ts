/**
 * Per-session expiry, stored in the session under `_session_expiry` as Django 4.1+ does: an integer
 * number of seconds of inactivity (0 = at browser close), or an ISO-8601 instant such as
 * `2023-11-14T22:14:50.500000+00:00`. Both forms are read.
 */

/** The reserved session key holding the per-session expiry. */
export const EXPIRY_KEY = '_session_expiry';

/** What `_session_expiry` may hold. */
export type StoredExpiry = number | string | null | undefined;

/** Python's `datetime.isoformat()` of a UTC instant: microseconds only when non-zero, `+00:00`. */
export function pythonIsoFormat(date: Date): string {
  const iso = date.toISOString(); // 2023-11-14T22:14:50.500Z
  const millis = date.getUTCMilliseconds();
  const base = iso.slice(0, 19);
  return millis === 0 ? `${base}+00:00` : `${base}.${String(millis * 1000).padStart(6, '0')}+00:00`;
}

const HAS_OFFSET = /(?:[zZ]|[+-]\d\d:?\d\d(?::?\d\d(?:\.\d+)?)?)$/;

/** Parses an ISO expiry; a naive value (no offset) is taken as UTC. `NaN` when unreadable. */
export function parseIsoExpiry(value: string): number {
  const normalised = value.includes('T') || value.length <= 10 ? value : value.replace(' ', 'T');
  return Date.parse(HAS_OFFSET.test(normalised) ? normalised : `${normalised}Z`);
}

/**
 * Django's `get_expiry_age`: seconds from `modification` until expiry. An absent or zero expiry gives the
 * cookie age; an integer is returned as is; an instant gives floor seconds, negative when past.
 */
export function expiryAge(expiry: StoredExpiry, modificationMs: number, cookieAge: number): number {
  if (!expiry) return cookieAge;
  if (typeof expiry === 'number') return expiry;
  const at = parseIsoExpiry(expiry);
  if (Number.isNaN(at)) return cookieAge;
  return Math.floor((at - modificationMs) / 1000);
}

/** Django's `get_expiry_date`: the instant the session expires if saved at `modification`. */
export function expiryDate(expiry: StoredExpiry, modificationMs: number, cookieAge: number): Date {
  if (typeof expiry === 'string') {
    const at = parseIsoExpiry(expiry);
    if (!Number.isNaN(at)) return new Date(at);
  }
  const seconds = typeof expiry === 'number' && expiry ? expiry : cookieAge;
  return new Date(modificationMs + seconds * 1000);
}

/** Django's `get_expire_at_browser_close`: a per-session expiry overrides the global setting. */
export function expiresAtBrowserClose(expiry: StoredExpiry, globalSetting: boolean): boolean {
  if (expiry === null || expiry === undefined) return globalSetting;
  return expiry === 0;
}
