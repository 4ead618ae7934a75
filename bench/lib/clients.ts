import { randomBytes } from 'node:crypto';
import { get } from './http.js';

const count = (body: string): number => {
  const m = /^Visit count:(\d+)$/.exec(body);
  if (!m?.[1]) throw new Error(`unexpected /visit body: ${JSON.stringify(body.slice(0, 200))}`);
  return Number(m[1]);
};

/** One Cookie header per session, made by cookie-less /visit requests (each must answer 1). */
export async function createClients(port: number, n: number, withSession: boolean, cookieHeld = false): Promise<string[]> {
  // The ceilings keep no session, but still get a cookie per request so the client does the same work.
  if (!withSession) return Array.from({ length: n }, () => `sessionid=${randomBytes(16).toString('hex')}`);
  const cookies: string[] = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const res = await get(port, '/visit');
      if (res.status !== 200 || count(res.body) !== 1) throw new Error(`session ${i}: status ${res.status}, body ${res.body}`);
      if (res.cookies.length === 0) throw new Error(`session ${i}: no Set-Cookie on a new session`);
      cookies[i] = res.cookies.join('; ');
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  // Cookie-held sessions with equal data signed in the same second are equal cookies, as in Django.
  if (!cookieHeld && new Set(cookies).size !== n) throw new Error('session cookies are not all distinct');
  return cookies;
}

/** The counter each chosen cookie answers with now (the check itself adds one). */
export async function countsFor(port: number, cookies: string[], indices: number[]): Promise<number[]> {
  const counts: number[] = [];
  for (const i of indices) {
    const res = await get(port, '/visit', cookies[i]);
    if (res.status !== 200) throw new Error(`/visit answered ${res.status}`);
    counts.push(count(res.body));
  }
  return counts;
}

/** A cookie-less request still starts a session at 1 (and the ceilings answer 1 without one). */
export async function checkNewClient(port: number, withSession: boolean): Promise<void> {
  const res = await get(port, '/visit');
  if (res.status !== 200 || count(res.body) !== 1) throw new Error(`new client: status ${res.status}, body ${res.body}`);
  if (withSession && res.cookies.length === 0) throw new Error('new client: no Set-Cookie');
}

export async function checkHello(port: number, cookie: string): Promise<void> {
  const res = await get(port, '/hello', cookie);
  if (res.status !== 200 || res.body !== 'Hello, world') throw new Error(`/hello: status ${res.status}, body ${res.body}`);
}
