/**
 * Writes `Set-Cookie` values byte-for-byte as Django does (Python's `http.cookies.Morsel`): attributes in
 * alphabetical order of their lower-case names — `Domain`, `expires`, `HttpOnly`, `Max-Age`, `Path`,
 * `SameSite`, `Secure` — joined by `"; "`.
 *
 * Example: `sessionid=k0000000000000000000000000000001; expires=Tue, 28 Nov 2023 22:13:20 GMT; HttpOnly;
 * Max-Age=1209600; Path=/; SameSite=Lax`
 */
import type { SameSite } from '../options.js';

/** Attributes of one cookie. */
export interface CookieAttributes {
  readonly domain: string | null;
  readonly path: string;
  readonly secure: boolean;
  readonly httpOnly: boolean;
  readonly sameSite: SameSite;
  /** Seconds; `null` for a browser-session cookie (no Max-Age, no expires). */
  readonly maxAge: number | null;
  /** The `expires` instant in milliseconds; used only with `maxAge`. */
  readonly expiresAt: number | null;
  /** `Partitioned` (CHIPS), after Django's attributes. */
  readonly partitioned?: boolean;
  /** `Priority`, after Django's attributes. */
  readonly priority?: string | null;
}

// Characters Python's Morsel emits without quoting.
const LEGAL_VALUE = /^[A-Za-z0-9!#$%&'*+\-.^_`|~:]+$/;

let cachedSecond = Number.NaN;
let cachedDate = '';

/** `http_date`: `Wdy, DD Mon YYYY HH:MM:SS GMT`, fractional seconds truncated. */
export function httpDate(ms: number): string {
  const second = Math.floor(ms / 1000);
  // Busy servers format the same second many times over.
  if (second !== cachedSecond) {
    cachedDate = new Date(second * 1000).toUTCString();
    cachedSecond = second;
  }
  return cachedDate;
}

/** One `Set-Cookie` value. */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  let out = `${name}=${quoteValue(value)}`;
  if (attributes.domain) out += `; Domain=${attributes.domain}`;
  if (attributes.maxAge !== null && attributes.expiresAt !== null) out += `; expires=${httpDate(attributes.expiresAt)}`;
  if (attributes.httpOnly) out += '; HttpOnly';
  if (attributes.maxAge !== null) out += `; Max-Age=${attributes.maxAge}`;
  if (attributes.path) out += `; Path=${attributes.path}`;
  if (attributes.sameSite) out += `; SameSite=${attributes.sameSite}`;
  if (attributes.secure) out += '; Secure';
  // Not Django's (Python's Morsel has neither): appended after its attributes, so Django's bytes stay a prefix.
  if (attributes.partitioned) out += '; Partitioned';
  if (attributes.priority) out += `; Priority=${attributes.priority}`;
  return out;
}

/**
 * The value that deletes a cookie, as Django's `delete_cookie` writes it: empty value, the epoch, no
 * HttpOnly, and Secure only where browsers require it (SameSite=None or a `__Secure-`/`__Host-` name).
 */
export function serializeDeletion(name: string, domain: string | null, path: string, sameSite: SameSite, partitioned = false): string {
  // A partitioned cookie is deleted only by a Partitioned deletion, which browsers accept only with Secure.
  const secure = partitioned || sameSite === 'None' || name.startsWith('__Secure-') || name.startsWith('__Host-');
  return serializeCookie(name, '', { domain, path, secure, httpOnly: false, sameSite, maxAge: 0, expiresAt: 0, partitioned });
}

function quoteValue(value: string): string {
  if (LEGAL_VALUE.test(value)) return value;
  let out = '"';
  for (const char of value) {
    const code = char.charCodeAt(0);
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (code < 0x20 || code >= 0x7f || char === ',' || char === ';') out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += char;
  }
  return `${out}"`;
}
