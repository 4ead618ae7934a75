/**
 * Django's `signed_cookies` engine: the whole session lives in the cookie as
 * `signing.dumps(data, salt='django.contrib.sessions.backends.signed_cookies', compress=True)`.
 * Nothing is stored on the server, so nothing can be revoked there; the cookie stays valid for
 * `cookieAge` seconds after its last signing.
 */
import type { StandaloneEngine } from '../core/engine.js';
import { SignedCookieEngine } from '../core/signed-cookie-engine.js';

/** Django's salt for cookie sessions. */
export const SIGNED_COOKIES_SALT = 'django.contrib.sessions.backends.signed_cookies';

/** Options of {@link signedCookies}. */
export interface SignedCookiesOptions {
  /**
   * Salt of the signature. Change it only to keep these cookies apart from Django's.
   * @default 'django.contrib.sessions.backends.signed_cookies'
   */
  readonly salt?: string | undefined;
}

/** The signed-cookie engine; pass it as the `store` option. */
export interface SignedCookies extends StandaloneEngine {
  readonly name: 'signed_cookies';
  /** The salt of the signature. */
  readonly salt: string;
}

/** Django's `django.contrib.sessions.backends.signed_cookies` engine. */
export function signedCookies(options: SignedCookiesOptions = {}): SignedCookies {
  const salt = options.salt || SIGNED_COOKIES_SALT;
  return {
    name: 'signed_cookies',
    salt,
    createEngine: (resolved) => new SignedCookieEngine(salt, resolved),
  };
}
