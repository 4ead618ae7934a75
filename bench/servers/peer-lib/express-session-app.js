// The peers' Express app: express-session on `store` (its MemoryStore when none), with the same routes and
// settings for every peer, so the stores are what differs. Outside servers/lib, which the sessionkit build
// type-checks: the peers are run as written.
import express from 'express';
import session from 'express-session';

/** @param {import('express-session').Store | undefined} store */
export function serveExpressSession(store) {
  const app = express();
  app.use(
    session({
      store,
      secret: process.env.BENCH_SECRET ?? 'bench-only-secret-0f6c2a9e4b7d13855ae0c1f27b9d46e38a5f0c7b21d94e6a',
      resave: false,
      saveUninitialized: false,
    }),
  );
  app.get('/visit', (req, res) => {
    req.session.visit = (req.session.visit ?? 0) + 1;
    res.type('text/plain').send(`Visit count:${req.session.visit}`);
  });
  app.get('/hello', (_req, res) => res.type('text/plain').send('Hello, world'));
  app.listen(Number(process.env.PORT), '127.0.0.1');
}
