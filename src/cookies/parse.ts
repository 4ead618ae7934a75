/**
 * Reads one cookie out of a `Cookie` header as Django's `parse_cookie` does: split on `;`, split each part
 * at its first `=`, strip spaces, unquote Python-style quoted values, and let a later duplicate win.
 */

/** The value of cookie `name` in a `Cookie` header, or `undefined` when absent. */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  // Fast path: most headers of most requests do not mention the session cookie at all.
  if (!header || !header.includes(name)) return undefined;
  let found: string | undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    const key = (eq === -1 ? '' : part.slice(0, eq)).trim();
    if (key !== name) continue;
    found = unquote(part.slice(eq + 1).trim());
  }
  return found;
}

const OCTAL_ESCAPE = /\\(?:([0-3][0-7][0-7])|(.))/g;

/** Python's `http.cookies._unquote`: strips surrounding quotes and resolves `\ooo` and `\x` escapes. */
function unquote(value: string): string {
  if (value.length < 2 || value[0] !== '"' || value[value.length - 1] !== '"') return value;
  return value.slice(1, -1).replace(OCTAL_ESCAPE, (_, octal: string | undefined, char: string | undefined) =>
    octal ? String.fromCharCode(parseInt(octal, 8)) : (char ?? ''),
  );
}
