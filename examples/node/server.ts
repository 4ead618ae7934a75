/**
 * sessionkit on node:http: a visit counter, a login that cycles the session key, a logout that flushes it.
 *
 *   npx tsx examples/node/server.ts        # then open http://127.0.0.1:8000/
 *
 * In an app of your own the imports are `sessionkit`, `sessionkit/node` and `sessionkit/stores/memory`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { withSessions } from '../../src/adapters/node.js';
import { createSessions } from '../../src/manager.js';
import { memoryStore } from '../../src/stores/memory.js';

const sessions = createSessions<{ visit: number; username: string }>({
  // A random secret per run keeps the example self-contained; a real app sets SECRET_KEY.
  secret: process.env.SECRET_KEY ?? randomBytes(48).toString('base64url'),
  store: memoryStore(), // or sqliteStore({ path: 'db.sqlite3' }) to keep sessions across restarts
});

const server = createServer(
  withSessions(sessions, async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path === '/') {
      const visit = ((await req.session.get('visit')) ?? 0) + 1;
      await req.session.set('visit', visit);
      const username = await req.session.get('username');
      const form = username
        ? `<p>Logged in as ${escapeHtml(username)}.</p><form method="post" action="/logout"><button>Log out</button></form>`
        : '<form method="post" action="/login"><input name="username" placeholder="username"> <button>Log in</button></form>';
      return send(res, 200, 'text/html; charset=utf-8', `<!doctype html><title>sessionkit on node:http</title><p>Visit count: ${visit}</p>${form}`);
    }
    if (req.method === 'POST' && path === '/login') {
      const username = (await readForm(req))?.get('username')?.trim();
      if (!username) return send(res, 400, 'text/plain; charset=utf-8', 'Enter a username.');
      await req.session.cycleKey(); // a key planted before login is worthless after it
      await req.session.set('username', username);
      return redirect(res, '/');
    }
    if (req.method === 'POST' && path === '/logout') {
      await req.session.flush(); // data gone, record deleted, cookie deleted
      return redirect(res, '/');
    }
    send(res, 404, 'text/plain; charset=utf-8', 'Not found.');
  }),
);

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { Location: location, 'Content-Length': 0 });
  res.end();
}

/** The request's URL-encoded form, or `undefined` past 1 KiB (node:http has no body parser of its own). */
async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  let body = '';
  req.setEncoding('utf8');
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 1024) return undefined;
  }
  return new URLSearchParams(body);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const port = Number(process.env.PORT ?? 8000);
server.listen(port, '127.0.0.1', () => console.log(`sessionkit node:http example on http://127.0.0.1:${port}/`));
