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

// Python's datetime, and so Django and every store's date column, holds years 1 to 9999 only.
/** The earliest expiry a session may have: 0001-01-01T00:00:00Z. */
export const MIN_EXPIRY_MS = -62135596800000;
/** The latest expiry a session may have: 9999-12-31T23:59:59.999Z. */
export const MAX_EXPIRY_MS = 253402300799999;

function withinYears(ms: number): boolean {
  return ms >= MIN_EXPIRY_MS && ms <= MAX_EXPIRY_MS;
}

/** The instant (ms) of an ISO-string or `Date` expiry within years 1–9999; `NaN` for anything else. */
function instantOf(expiry: unknown): number {
  const at = typeof expiry === 'string' ? parseIsoExpiry(expiry) : expiry instanceof Date ? expiry.getTime() : Number.NaN;
  return withinYears(at) ? at : Number.NaN;
}

/** Whether `expiry` is non-zero whole seconds whose expiry, counted from `modificationMs`, is within years 1–9999. */
function isSeconds(expiry: unknown, modificationMs: number): expiry is number {
  return typeof expiry === 'number' && expiry !== 0 && Number.isSafeInteger(expiry) && withinYears(modificationMs + expiry * 1000);
}

/**
 * Django's `get_expiry_age`: seconds from `modification` until expiry. An absent or zero expiry gives the
 * cookie age; an integer is returned as is; an instant (ISO string or `Date`) gives floor seconds,
 * negative when past. Anything else, or an expiry outside years 1–9999, is ignored (the cookie age).
 */
export function expiryAge(expiry: StoredExpiry | Date, modificationMs: number, cookieAge: number): number {
  if (expiry === undefined || expiry === null) return cookieAge;
  if (isSeconds(expiry, modificationMs)) return expiry;
  const at = instantOf(expiry);
  return Number.isNaN(at) ? cookieAge : Math.floor((at - modificationMs) / 1000);
}

/** Django's `get_expiry_date`: the instant the session expires if saved at `modification`. Ignores what {@link expiryAge} ignores. */
export function expiryDate(expiry: StoredExpiry | Date, modificationMs: number, cookieAge: number): Date {
  const at = instantOf(expiry);
  if (!Number.isNaN(at)) return new Date(at);
  return new Date(modificationMs + (isSeconds(expiry, modificationMs) ? expiry : cookieAge) * 1000);
}

/**
 * Django's `get_expire_at_browser_close`: a per-session expiry overrides the global setting. A value that
 * is no expiry (not whole seconds, an ISO instant or a `Date`) is ignored.
 */
export function expiresAtBrowserClose(expiry: StoredExpiry | Date, globalSetting: boolean): boolean {
  if (expiry === 0) return true;
  const usable = Number.isSafeInteger(expiry) || !Number.isNaN(instantOf(expiry));
  return usable ? false : globalSetting;
}

/**
 * Why `value` cannot be stored as `_session_expiry` at `nowMs`, or `null` when it can: it must be absent,
 * `null`, whole seconds whose expiry is within years 1–9999, or an ISO-8601 instant within them. Said as
 * the end of a sentence about the value, e.g. "must be a whole number of seconds, not 1.5".
 */
export function storedExpiryProblem(value: unknown, nowMs: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return secondsProblem(value, nowMs);
  if (typeof value === 'string') {
    const at = parseIsoExpiry(value);
    if (Number.isNaN(at)) return 'must be a number of seconds or an ISO-8601 date, and this text is neither';
    return withinYears(at) ? null : 'must fall within years 1 to 9999';
  }
  return `must be a number of seconds or an ISO-8601 date, not ${value instanceof Date ? 'a Date (use setExpiry)' : describeType(value)}`;
}

/** Why `value` cannot be given to `setExpiry` at `nowMs` (see {@link storedExpiryProblem}), or `null`. */
export function expiryProblem(value: unknown, nowMs: number): string | null {
  if (value === null) return null;
  if (typeof value === 'number') return secondsProblem(value, nowMs);
  if (value instanceof Date) {
    const at = value.getTime();
    if (Number.isNaN(at)) return 'must be a valid Date, and this one is invalid';
    return withinYears(at) ? null : 'must fall within years 1 to 9999';
  }
  return `must be a number of seconds, a Date or null, not ${describeType(value)}`;
}

function secondsProblem(seconds: number, nowMs: number): string | null {
  if (!Number.isInteger(seconds)) return `must be a whole number of seconds, not ${seconds}`;
  return withinYears(nowMs + seconds * 1000) ? null : `must fall within years 1 to 9999, and ${seconds} seconds from now does not`;
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' ? 'an object' : type === 'undefined' ? 'undefined' : `a ${type}`;
}
