/**
 * The cookie attributes browsers support beyond Django's: `Partitioned` (CHIPS), `Priority`, a `Secure`
 * flag that follows the request (`cookieSecure: 'auto'` behind an explicitly trusted proxy), and the rules
 * of the `__Host-` and `__Secure-` name prefixes, checked once at construction.
 */
import { SessionConfigError } from '../errors.js';

/** `Priority` (Chromium): which cookies a browser evicts last when it must drop some. */
export type CookiePriority = 'Low' | 'Medium' | 'High';

/** The header and value that a trusted proxy sets on requests it received over HTTPS, as Django's `SECURE_PROXY_SSL_HEADER`. */
export type ProxySslHeader = readonly [name: string, value: string];

/** What {@link resolveBrowserAttributes} checks. */
export interface BrowserAttributeOptions {
  readonly cookieName: string;
  readonly cookieSecure: boolean | 'auto';
  readonly cookiePath: string;
  readonly cookieDomain: string | null;
  readonly cookiePartitioned?: boolean | undefined;
  readonly cookiePriority?: CookiePriority | null | undefined;
  readonly secureProxySslHeader?: ProxySslHeader | null | undefined;
}

/** The checked extras. */
export interface BrowserAttributes {
  readonly cookiePartitioned: boolean;
  readonly cookiePriority: CookiePriority | null;
  /** The header name in lower case and its value, or `null` when no proxy is trusted. */
  readonly secureProxySslHeader: ProxySslHeader | null;
}

const PRIORITIES: ReadonlySet<string> = new Set(['Low', 'Medium', 'High']);

/** Checks the extras and the name prefixes; throws {@link SessionConfigError} with the fix. */
export function resolveBrowserAttributes(options: BrowserAttributeOptions): BrowserAttributes {
  const { cookieName, cookieSecure, cookiePath, cookieDomain } = options;
  if (cookieSecure !== true && cookieSecure !== false && cookieSecure !== 'auto') {
    throw new SessionConfigError('`cookieSecure` (SESSION_COOKIE_SECURE) must be true, false or "auto".');
  }
  // Browsers silently refuse a prefixed cookie without these attributes: the visitor would have no session.
  if (cookieName.startsWith('__Host-') && (cookieSecure !== true || cookiePath !== '/' || cookieDomain !== null)) {
    throw new SessionConfigError(
      `the cookie name "${cookieName}" starts with __Host-, which browsers accept only with cookieSecure: true, cookiePath "/" and no cookieDomain. Set those, or drop the prefix.`,
    );
  }
  if (cookieName.startsWith('__Secure-') && cookieSecure !== true) {
    throw new SessionConfigError(
      `the cookie name "${cookieName}" starts with __Secure-, which browsers accept only with cookieSecure: true. Set it, or drop the prefix.`,
    );
  }
  const cookiePartitioned = options.cookiePartitioned ?? false;
  if (typeof cookiePartitioned !== 'boolean') throw new SessionConfigError('`cookiePartitioned` (SESSION_COOKIE_PARTITIONED) must be true or false.');
  if (cookiePartitioned && cookieSecure === false) {
    throw new SessionConfigError('`cookiePartitioned` needs a Secure cookie: browsers refuse Partitioned without Secure. Set cookieSecure: true (or "auto").');
  }
  const cookiePriority = options.cookiePriority ?? null;
  if (cookiePriority !== null && !PRIORITIES.has(cookiePriority)) {
    throw new SessionConfigError(`\`cookiePriority\` (SESSION_COOKIE_PRIORITY) must be "Low", "Medium" or "High", not ${JSON.stringify(cookiePriority)}.`);
  }
  const header = options.secureProxySslHeader ?? null;
  if (header !== null && (!Array.isArray(header) || header.length !== 2 || !header.every((part) => typeof part === 'string' && part !== ''))) {
    throw new SessionConfigError('`secureProxySslHeader` (SECURE_PROXY_SSL_HEADER) must be a header name and its value, e.g. ["X-Forwarded-Proto", "https"].');
  }
  return {
    cookiePartitioned,
    cookiePriority,
    secureProxySslHeader: header === null ? null : [header[0].toLowerCase(), header[1]],
  };
}

/**
 * Whether a request reached the app over HTTPS: its own connection is encrypted, or a proxy trusted with
 * `secureProxySslHeader` says so. Any other `X-Forwarded-Proto` is ignored: a client can send one.
 *
 * @param encrypted - the request's own connection is TLS (`req.socket.encrypted`, an `https:` URL).
 * @param header - reads a request header by its lower-case name.
 */
export function isSecureRequest(trusted: ProxySslHeader | null, encrypted: boolean, header: (name: string) => string | null | undefined): boolean {
  if (encrypted) return true;
  if (trusted === null) return false;
  const sent = header(trusted[0]);
  // A proxy chain may append values: the one the nearest proxy set comes first in Django's reading.
  return typeof sent === 'string' && sent.split(',')[0]!.trim() === trusted[1];
}
