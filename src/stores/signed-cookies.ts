/**
 * Django's `signed_cookies` engine: the whole session lives in the cookie as
 * `signing.dumps(data, salt='django.contrib.sessions.backends.signed_cookies', compress=True)`.
 * Nothing is stored on the server, so nothing can be revoked there; the cookie stays valid for
 * `cookieAge` seconds after its last signing.
 */

/** Django's salt for cookie sessions. */
export const SIGNED_COOKIES_SALT = 'django.contrib.sessions.backends.signed_cookies';

/** Options of {@link signedCookies}. */
export interface SignedCookiesOptions {
  /**
   * Salt of the signature. Change it only to keep these cookies apart from Django's.
   * @default 'django.contrib.sessions.backends.signed_cookies'
   */
  readonly salt?: string;
}

/** Selects the signed-cookie engine; pass it as the `store` option. */
export interface SignedCookies {
  readonly kind: 'signed_cookies';
  readonly name: 'signed_cookies';
  readonly salt: string;
}

/** Django's `django.contrib.sessions.backends.signed_cookies` engine. */
export function signedCookies(options: SignedCookiesOptions = {}): SignedCookies {
  return { kind: 'signed_cookies', name: 'signed_cookies', salt: options.salt || SIGNED_COOKIES_SALT };
}
