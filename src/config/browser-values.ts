/**
 * Environment readers for the cookie attributes beyond Django's settings: `SESSION_COOKIE_SECURE=auto`,
 * `SESSION_COOKIE_PARTITIONED`, `SESSION_COOKIE_PRIORITY` and Django's `SECURE_PROXY_SSL_HEADER`.
 */
import type { CookiePriority, ProxySslHeader } from '../cookies/browser-attributes.js';
import { SessionConfigError } from '../errors.js';
import { type Env, readBoolean, readString } from './values.js';

/** `SESSION_COOKIE_SECURE`: a boolean, or `auto` to follow the request's scheme. */
export function readCookieSecure(env: Env): boolean | 'auto' | undefined {
  return readString(env, 'SESSION_COOKIE_SECURE')?.toLowerCase() === 'auto' ? 'auto' : readBoolean(env, 'SESSION_COOKIE_SECURE');
}

/** `SESSION_COOKIE_PRIORITY`: `Low`, `Medium` or `High` (any case). */
export function readCookiePriority(env: Env): CookiePriority | undefined {
  const value = readString(env, 'SESSION_COOKIE_PRIORITY');
  if (value === undefined) return undefined;
  const canonical = `${value.charAt(0).toUpperCase()}${value.slice(1).toLowerCase()}`;
  if (canonical !== 'Low' && canonical !== 'Medium' && canonical !== 'High') {
    throw new SessionConfigError(`SESSION_COOKIE_PRIORITY=${JSON.stringify(value)} is not valid. Write Low, Medium or High.`);
  }
  return canonical;
}

/**
 * Django's `SECURE_PROXY_SSL_HEADER` as its settings write it, `HTTP_X_FORWARDED_PROTO,https` (the META name
 * of the header, then its value), or as the header itself, `X-Forwarded-Proto,https`.
 */
export function readProxySslHeader(env: Env): ProxySslHeader | undefined {
  const value = readString(env, 'SECURE_PROXY_SSL_HEADER');
  if (value === undefined) return undefined;
  const match = /^\s*\(?\s*['"]?([A-Za-z0-9_-]+)['"]?\s*,\s*['"]?([^'"\s)]+)['"]?\s*\)?\s*$/.exec(value);
  if (!match) {
    throw new SessionConfigError(
      `SECURE_PROXY_SSL_HEADER=${JSON.stringify(value)} is not valid. Write the header and its value, e.g. SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https.`,
    );
  }
  const name = match[1]!.replace(/^HTTP_/i, '').replaceAll('_', '-');
  return [name, match[2]!];
}
