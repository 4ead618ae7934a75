/** Reading the session cookie back out of what `SessionManager.commit` returned. */

/** The `name=value` pair of the first `Set-Cookie` value: what a browser sends back as `Cookie`. */
export function cookieOf(setCookie: readonly string[]): string {
  return setCookie[0]!.split(';')[0]!;
}

/** The value of the `sessionid` cookie a `Set-Cookie` value carries. */
export function cookieValue(setCookie: string): string {
  const match = /^sessionid=([^;]*)/.exec(setCookie);
  if (!match) throw new Error(`not a session cookie: ${setCookie}`);
  return match[1]!;
}
