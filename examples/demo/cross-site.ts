/**
 * Refusing cross-site requests that change state, by the headers browsers add to them: the origin check of
 * Django's CSRF protection. A form on another site can make a visitor's browser POST here with the
 * visitor's cookie; without this check, `POST /login` from another site would log the browser in as a user
 * of the attacker's choosing (login CSRF), and the JSON API could be driven from any page.
 *
 * Browsers send `Origin` (and, today, `Sec-Fetch-Site`) with every cross-site POST, so a request with
 * neither comes from a client that is not a browser (curl, scripts, tests): it carries no visitor's
 * cookie by a third party's doing, and is let through.
 */

/** Methods that cannot change state (RFC 9110 §9.2.1), as Django's CSRF middleware lists them. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * Why the request must be refused as cross-site, or `undefined` to let it through.
 *
 * Django accepts an unsafe request only when its `Origin` is exactly this site, so a sibling subdomain is
 * refused as well: `Sec-Fetch-Site: same-site` is refused like `cross-site`. `same-origin` and `none` (typed
 * by the user) pass. An `Origin` of `null` (sandboxed frames, some redirects) names no site and is refused.
 */
export function crossSiteRefusal(method: string, header: (name: string) => string | undefined): string | undefined {
  if (SAFE_METHODS.has(method)) return undefined;
  const fetchSite = header('sec-fetch-site')?.trim().toLowerCase();
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') return `the request comes from another site (Sec-Fetch-Site: ${fetchSite})`;
  const origin = header('origin');
  if (origin !== undefined && !sameHost(origin, header('host'))) return "the request's Origin is not this site";
  return undefined;
}

/**
 * Whether the origin `origin` (`scheme://host[:port]`) names the host the request was sent to. The scheme
 * is not compared: behind a proxy that ends TLS, the server cannot tell which one the browser used.
 */
function sameHost(origin: string, host: string | undefined): boolean {
  if (host === undefined || origin === 'null') return false;
  try {
    const from = new URL(origin);
    if (from.protocol !== 'http:' && from.protocol !== 'https:') return false;
    // Read with the origin's scheme, so that a default port written out (`example.com:443`) compares equal.
    return new URL(`${from.protocol}//${host}`).host === from.host;
  } catch {
    return false;
  }
}
