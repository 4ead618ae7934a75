// JavaScript for the same reason as sessionkit-node.js.
import express from 'express';
import { session } from '../../../src/adapters/express.js';

// Same routes as bare-express.js, so the difference is the session layer alone.
/** @param {import('../../../src/manager.js').SessionManager} sessions */
export function serveExpress(sessions) {
  const app = express();
  app.use(session(sessions));
  app.get('/visit', async (req, res) => {
    const visit = Number((await req.session.get('visit')) ?? 0) + 1;
    await req.session.set('visit', visit);
    res.type('text/plain').send(`Visit count:${visit}`);
  });
  app.get('/hello', (_req, res) => res.type('text/plain').send('Hello, world'));
  app.listen(Number(process.env.PORT), '127.0.0.1');
}
