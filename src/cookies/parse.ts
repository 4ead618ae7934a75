/**
 * Reads one cookie out of a `Cookie` header as Django's `parse_cookie` does: split on `;`, split each part
 * at its first `=`, strip spaces, unquote Python-style quoted values, and let a later duplicate win.
 */

/** The value of cookie `name` in a `Cookie` header, or `undefined` when absent. */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  // Scans for the name instead of splitting the whole header: this runs on every request that uses its
  // session, and the header often carries other cookies.
  let found: string | undefined;
  for (let at = header.indexOf(name); at !== -1; at = header.indexOf(name, at + 1)) {
    const partStart = header.lastIndexOf(';', at) + 1;
    let partEnd = header.indexOf(';', at);
    if (partEnd === -1) partEnd = header.length;
    const eq = header.indexOf('=', at);
    if (eq === -1 || eq > partEnd) continue;
    // The part's key, stripped, must be exactly the name.
    if (!isBlank(header, partStart, at) || !isBlank(header, at + name.length, eq)) continue;
    found = unquote(header.slice(eq + 1, partEnd).trim());
  }
  return found;
}

function isBlank(text: string, from: number, to: number): boolean {
  return from === to || text.slice(from, to).trim() === '';
}

const OCTAL_ESCAPE = /\\(?:([0-3][0-7][0-7])|(.))/g;

/** Python's `http.cookies._unquote`: strips surrounding quotes and resolves `\ooo` and `\x` escapes. */
function unquote(value: string): string {
  if (value.length < 2 || value[0] !== '"' || value[value.length - 1] !== '"') return value;
  return value
    .slice(1, -1)
    .replace(OCTAL_ESCAPE, (_, octal: string | undefined, char: string | undefined) => (octal ? String.fromCharCode(parseInt(octal, 8)) : (char ?? '')));
}
