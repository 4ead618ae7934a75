// hono-sessions with its MemoryStore, at its cheapest setting for a server-side store: the session id in
// the cookie as it is (no `encryptionKey`, which its README recommends and which would seal the id again on
// every response), the cookie attributes of its README, expiry after sessionkit's two weeks of inactivity.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { MemoryStore, sessionMiddleware } from 'hono-sessions';

const app = new Hono();
app.use(
  sessionMiddleware({
    store: new MemoryStore(),
    expireAfterSeconds: 1_209_600,
    cookieOptions: { sameSite: 'Lax', path: '/', httpOnly: true },
  }),
);
app.get('/visit', (c) => {
  const session = c.get('session');
  const visit = (session.get('visit') ?? 0) + 1;
  session.set('visit', visit);
  return c.text(`Visit count:${visit}`);
});
app.get('/hello', (c) => c.text('Hello, world'));
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT) });
