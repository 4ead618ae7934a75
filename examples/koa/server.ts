/**
 * sessionkit on Koa: a visit counter, a login that cycles the session key, a logout that flushes it.
 *
 *   npx tsx examples/koa/server.ts        # then open http://127.0.0.1:8000/
 *
 * In an app of your own the imports are `sessionkit`, `sessionkit/koa` and `sessionkit/stores/memory`.
 */
import { randomBytes } from 'node:crypto';
import Koa, { type Context } from 'koa';
import { session } from '../../src/adapters/koa.js';
import { createSessions } from '../../src/manager.js';
import { memoryStore } from '../../src/stores/memory.js';

declare module '../../src/adapters/koa.js' {
  interface KoaSessionData {
    visit: number;
    username: string;
  }
}

const sessions = createSessions({
  // A random secret per run keeps the example self-contained; a real app sets SECRET_KEY.
  secret: process.env.SECRET_KEY ?? randomBytes(48).toString('base64url'),
  store: memoryStore(), // or sqliteStore({ path: 'db.sqlite3' }) to keep sessions across restarts
});

const app = new Koa();
app.use(session(sessions));

app.use(async (ctx) => {
  if (ctx.method === 'GET' && ctx.path === '/') {
    const visit = ((await ctx.session.get('visit')) ?? 0) + 1;
    await ctx.session.set('visit', visit);
    const username = await ctx.session.get('username');
    ctx.body = page(`<p>Visit count: ${visit}</p>`, username);
  } else if (ctx.method === 'POST' && ctx.path === '/login') {
    const username = (await readForm(ctx)).get('username')?.trim();
    if (!username) return ctx.throw(400, 'Enter a username.');
    await ctx.session.cycleKey(); // a key planted before login is worthless after it
    await ctx.session.set('username', username);
    ctx.redirect('/');
  } else if (ctx.method === 'POST' && ctx.path === '/logout') {
    await ctx.session.flush(); // data gone, record deleted, cookie deleted
    ctx.redirect('/');
  }
});

function page(content: string, username: string | undefined): string {
  const form = username
    ? `<p>Logged in as ${escapeHtml(username)}.</p><form method="post" action="/logout"><button>Log out</button></form>`
    : '<form method="post" action="/login"><input name="username" placeholder="username"> <button>Log in</button></form>';
  return `<!doctype html><title>sessionkit on Koa</title>${content}${form}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The request's URL-encoded form, at most 1 KiB (Koa has no body parser of its own). */
async function readForm(ctx: Context): Promise<URLSearchParams> {
  let body = '';
  ctx.req.setEncoding('utf8');
  for await (const chunk of ctx.req) {
    body += chunk;
    if (body.length > 1024) ctx.throw(413, 'The form is too large.');
  }
  return new URLSearchParams(body);
}

const port = Number(process.env.PORT ?? 8000);
app.listen(port, '127.0.0.1', () => console.log(`sessionkit Koa example on http://127.0.0.1:${port}/`));
