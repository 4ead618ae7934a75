/**
 * sessionkit on Fastify: a visit counter, a login that cycles the session key and a logout that flushes
 * the session, on SQLite. Run it with `npx tsx examples/fastify/server.ts` (HOST, PORT and SECRET_KEY
 * from the environment). In an app of your own, import from `sessionkit`, `sessionkit/fastify` and
 * `sessionkit/stores/sqlite` instead of the source files.
 */
import Fastify from 'fastify';
import { sessionPlugin } from '../../src/adapters/fastify.js';
import { DEVELOPMENT_SECRET_KEY } from '../../src/config/env.js';
import { createSessions } from '../../src/manager.js';
import { sqliteStore } from '../../src/stores/sqlite.js';

// In an app: declare module 'sessionkit/fastify' { ... }
declare module '../../src/adapters/fastify.js' {
  interface FastifySessionData {
    visit: number;
    username: string;
  }
}

const MAX_USERNAME_LENGTH = 150; // Django's User.username

function secretKey(): string {
  const secret = process.env.SECRET_KEY;
  if (secret) return secret;
  if (process.env.NODE_ENV === 'production') throw new Error('Set SECRET_KEY to a long random string.');
  console.warn('SECRET_KEY is not set: a PUBLIC development key signs the sessions. Never do this in production.');
  return DEVELOPMENT_SECRET_KEY;
}

const sessions = createSessions({ secret: secretKey(), store: sqliteStore({ path: 'db.sqlite3' }) });

const app = Fastify({ logger: true });
// Fastify parses JSON bodies itself; the login form posts application/x-www-form-urlencoded.
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
  done(null, Object.fromEntries(new URLSearchParams(String(body))));
});
app.addHook('onClose', () => sessions.close());
await app.register(sessionPlugin, { sessions });

app.get('/', async (request, reply) => {
  const username = await request.session.get('username');
  const body = username
    ? `<p>Logged in as ${escapeHtml(username)}.</p><p><a href="/visit">Count a visit</a> · <a href="/logout">Log out</a></p>`
    : `<form method="post" action="/login"><input name="username" placeholder="username" required> <button>Log in</button></form>`;
  return reply.type('text/html; charset=utf-8').send(`<!doctype html><title>sessionkit on Fastify</title>${body}`);
});

app.get('/visit', async (request) => {
  const visit = ((await request.session.get('visit')) ?? 0) + 1;
  await request.session.set('visit', visit);
  return `Visit count:${visit}`;
});

app.post<{ Body: { username?: unknown } }>('/login', async (request, reply) => {
  const username = request.body?.username;
  if (typeof username !== 'string' || username.length === 0 || username.length > MAX_USERNAME_LENGTH) {
    return reply.code(400).send(`A username of 1 to ${MAX_USERNAME_LENGTH} characters, please.`);
  }
  await request.session.cycleKey(); // a key planted before login is worthless after it
  await request.session.set('username', username);
  return reply.redirect('/', 303);
});

app.get('/logout', async (request) => {
  await request.session.flush(); // data gone, record deleted, cookie deleted
  return 'You are logged out.';
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close());

await app.listen({ host: process.env.HOST || '127.0.0.1', port: Number(process.env.PORT || 3000) });

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
