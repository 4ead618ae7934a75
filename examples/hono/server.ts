/**
 * sessionkit on Hono: a visit counter, a login that cycles the session key, a logout that flushes it.
 *
 *   npx tsx examples/hono/server.ts        # then open http://127.0.0.1:8000/
 *
 * In an app of your own the imports are `sessionkit`, `sessionkit/hono` and `sessionkit/stores/memory`.
 */
import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { html, raw } from 'hono/html';
import { session } from '../../src/adapters/hono.js';
import { createSessions } from '../../src/manager.js';
import { memoryStore } from '../../src/stores/memory.js';

const sessions = createSessions<{ visit: number; username: string }>({
  // A random secret per run keeps the example self-contained; a real app sets SECRET_KEY.
  secret: process.env.SECRET_KEY ?? randomBytes(48).toString('base64url'),
  store: memoryStore(), // or sqliteStore({ path: 'db.sqlite3' }) to keep sessions across restarts
});

// use() carries the middleware's type: c.get('session') is a Session<{ visit: number; username: string }>.
const app = new Hono().use(session(sessions)).use(bodyLimit({ maxSize: 1024 }));

app.get('/', async (c) => {
  const visit = ((await c.get('session').get('visit')) ?? 0) + 1;
  await c.get('session').set('visit', visit);
  const username = await c.get('session').get('username');
  const form = username
    ? html`<p>Logged in as ${username}.</p><form method="post" action="/logout"><button>Log out</button></form>`
    : raw('<form method="post" action="/login"><input name="username" placeholder="username"> <button>Log in</button></form>');
  return c.html(html`<!doctype html><title>sessionkit on Hono</title><p>Visit count: ${visit}</p>${form}`);
});

app.post('/login', async (c) => {
  const username = String((await c.req.parseBody())['username'] ?? '').trim();
  if (!username) return c.text('Enter a username.', 400);
  await c.get('session').cycleKey(); // a key planted before login is worthless after it
  await c.get('session').set('username', username);
  return c.redirect('/', 303);
});

app.post('/logout', async (c) => {
  await c.get('session').flush(); // data gone, record deleted, cookie deleted
  return c.redirect('/', 303);
});

const port = Number(process.env.PORT ?? 8000);
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => console.log(`sessionkit Hono example on http://127.0.0.1:${port}/`));
