// The hono-sessions peers' app: its MemoryStore, the cookie attributes of its README, expiry after
// sessionkit's two weeks of inactivity; `encryptionKey` (which its README recommends, and which seals the
// session id in the cookie on every response) given or not.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { MemoryStore, sessionMiddleware } from 'hono-sessions';

/** @param {string | undefined} encryptionKey */
export function serveHonoSessions(encryptionKey) {
  const app = new Hono();
  app.use(
    sessionMiddleware({
      store: new MemoryStore(),
      encryptionKey,
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
}
