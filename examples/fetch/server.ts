/**
 * sessionkit with the Fetch API: a visit counter, a login that cycles the session key, a logout that
 * flushes it. One `(request) => Response` handler; here it runs on Node through @hono/node-server, and the
 * same handler runs unchanged with `Bun.serve({ fetch: app })` or `Deno.serve(app)`.
 *
 *   npx tsx examples/fetch/server.ts        # then open http://127.0.0.1:8000/
 *
 * In an app of your own the imports are `sessionkit`, `sessionkit/fetch` and `sessionkit/stores/memory`.
 */
import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { withSessions } from '../../src/adapters/fetch.js';
import { createSessions } from '../../src/manager.js';
import { memoryStore } from '../../src/stores/memory.js';

const sessions = createSessions<{ visit: number; username: string }>({
  // A random secret per run keeps the example self-contained; a real app sets SECRET_KEY.
  secret: process.env.SECRET_KEY ?? randomBytes(48).toString('base64url'),
  store: memoryStore(), // or sqliteStore({ path: 'db.sqlite3' }) to keep sessions across restarts
});

const app = withSessions(sessions, async (request, _context, session) => {
  const { pathname } = new URL(request.url);
  if (request.method === 'GET' && pathname === '/') {
    const visit = ((await session.get('visit')) ?? 0) + 1;
    await session.set('visit', visit);
    return page(`<p>Visit count: ${visit}</p>`, await session.get('username'));
  }
  if (request.method === 'POST' && pathname === '/login') {
    const username = (await readForm(request))?.get('username')?.trim();
    if (!username) return new Response('Enter a username (a form of at most 1 KiB).', { status: 400 });
    await session.cycleKey(); // a key planted before login is worthless after it
    await session.set('username', username);
    return Response.redirect(new URL('/', request.url), 303);
  }
  if (request.method === 'POST' && pathname === '/logout') {
    await session.flush(); // data gone, record deleted, cookie deleted
    return Response.redirect(new URL('/', request.url), 303);
  }
  return new Response('Not found', { status: 404 });
});

function page(content: string, username: string | undefined): Response {
  const form = username
    ? `<p>Logged in as ${escapeHtml(username)}.</p><form method="post" action="/logout"><button>Log out</button></form>`
    : '<form method="post" action="/login"><input name="username" placeholder="username"> <button>Log in</button></form>';
  const html = `<!doctype html><title>sessionkit with the Fetch API</title>${content}${form}`;
  return new Response(html, { headers: { 'Content-Type': 'text/html; charset=utf-8' } });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The request's URL-encoded form, or undefined when it is larger than 1 KiB. */
async function readForm(request: Request): Promise<URLSearchParams | undefined> {
  const bytes: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body ?? []) {
    size += chunk.byteLength;
    if (size > 1024) return undefined;
    bytes.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(bytes).toString('utf8'));
}

const port = Number(process.env.PORT ?? 8000);
serve({ fetch: app, port, hostname: '127.0.0.1' }, () => console.log(`sessionkit Fetch API example on http://127.0.0.1:${port}/`));
