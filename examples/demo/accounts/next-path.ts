/**
 * Where a login may send the browser afterwards: `next`, only when it is a path of this site. Anything
 * else would make the demo an open redirect: a link to the real login page that ends on another site
 * (Django's `url_has_allowed_host_and_scheme`).
 */

// Any origin serves: a path that keeps it names this site.
const PLACEHOLDER_ORIGIN = 'http://demo.invalid';
const MAX_NEXT_LENGTH = 2000;

/**
 * `value` as a local path (`/path?query#fragment`, percent-encoded as a URL holds it), or `null` when it is
 * not one: another site (`https://…`, `//host`, and `/\host`, which browsers read as `//host`), another
 * scheme (`javascript:`), a relative path, control characters, or not a string.
 */
export function localPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > MAX_NEXT_LENGTH) return null;
  if (!value.startsWith('/') || value.startsWith('//')) return null;
  // Browsers read a backslash as a slash, and drop tabs and newlines from URLs.
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value, PLACEHOLDER_ORIGIN);
  } catch {
    return null;
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return null;
  // Written as the URL holds it: ASCII only, so it can go into a Location header as it is.
  return url.pathname + url.search + url.hash;
}

/** The login page's address that comes back to `path` afterwards, as Django's `redirect_to_login` writes it. */
export function loginUrl(path: string): string {
  return `/accounts/login/?next=${encodeURIComponent(path).replaceAll('%2F', '/')}`;
}
