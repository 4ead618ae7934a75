/**
 * sessionkit on Express: a visit counter, a login that cycles the session key, a logout that flushes it.
 *
 *   npx tsx examples/express/server.ts        # then open http://127.0.0.1:8000/
 *
 * In an app of your own the imports are `sessionkit`, `sessionkit/express` and `sessionkit/stores/memory`.
 */
import { randomBytes } from 'node:crypto';
import express from 'express';
import { session } from '../../src/adapters/express.js';
import { createSessions } from '../../src/manager.js';
import { memoryStore } from '../../src/stores/memory.js';

// In an app: declare module 'sessionkit/express' { ... }
declare module '../../src/adapters/express.js' {
  interface ExpressSessionData {
    visit: number;
    username: string;
  }
}

const sessions = createSessions({
  // A random secret per run keeps the example self-contained; a real app sets SECRET_KEY.
  secret: process.env.SECRET_KEY ?? randomBytes(48).toString('base64url'),
  store: memoryStore(), // or sqliteStore({ path: 'db.sqlite3' }) to keep sessions across restarts
});

const app = express();
app.use(session(sessions));
app.use(express.urlencoded({ extended: false, limit: '1kb' }));

app.get('/', async (req, res) => {
  const visit = ((await req.session.get('visit')) ?? 0) + 1;
  await req.session.set('visit', visit);
  const username = await req.session.get('username');
  const form = username
    ? `<p>Logged in as ${escapeHtml(username)}.</p><form method="post" action="/logout"><button>Log out</button></form>`
    : '<form method="post" action="/login"><input name="username" placeholder="username"> <button>Log in</button></form>';
  res.type('html').send(`<!doctype html><title>sessionkit on Express</title><p>Visit count: ${visit}</p>${form}`);
});

app.post('/login', async (req, res) => {
  const username = String(req.body?.username ?? '').trim();
  if (!username) return void res.status(400).send('Enter a username.');
  await req.session.cycleKey(); // a key planted before login is worthless after it
  await req.session.set('username', username);
  res.redirect(303, '/');
});

app.post('/logout', async (req, res) => {
  await req.session.flush(); // data gone, record deleted, cookie deleted
  res.redirect(303, '/');
});

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const port = Number(process.env.PORT ?? 8000);
app.listen(port, '127.0.0.1', () => console.log(`sessionkit Express example on http://127.0.0.1:${port}/`));
