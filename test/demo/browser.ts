/** A minimal browser for tests: keeps the cookies a server sets and sends them back. */
import { createHash } from 'node:crypto';
import { setCookies } from '../adapters/http-helpers.js';

/** What the demo shows instead of a session key: the first 12 hex digits of its SHA-256. */
export function keyHash(sessionKey: string): string {
  return createHash('sha256').update(sessionKey).digest('hex').slice(0, 12);
}

/** One client with its own cookie jar. */
export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(private readonly base: string) {}

  /** Fetches `path`, sending the jar's cookies and storing the ones the response sets or deletes. */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(this.base + path, { ...init, headers, redirect: 'manual' });
    for (const cookie of setCookies(response)) {
      const [pair = '', ...attributes] = cookie.split(/;\s*/);
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const deleted = attributes.some((attribute) => /^max-age=0$/i.test(attribute));
      if (deleted) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1));
    }
    return response;
  }

  /** GETs `path` and resolves the body as text. */
  async text(path: string): Promise<string> {
    return (await this.fetch(path)).text();
  }

  /** POSTs a form. */
  postForm(path: string, fields: Record<string, string>): Promise<Response> {
    return this.fetch(path, { method: 'POST', body: new URLSearchParams(fields) });
  }

  /** POSTs a JSON body. */
  postJson(path: string, value: unknown): Promise<Response> {
    return this.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
  }

  /** The session cookie's value, if the jar holds one. */
  get sessionId(): string | undefined {
    return this.cookies.get('sessionid');
  }

  /** {@link keyHash} of the session cookie's value, or `null` without one (as the demo shows it). */
  get sessionKeyHash(): string | null {
    const id = this.sessionId;
    return id === undefined ? null : keyHash(id);
  }
}
