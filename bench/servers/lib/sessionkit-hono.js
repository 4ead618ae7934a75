import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { session } from '../../../src/adapters/hono.js';

// Same routes and answers as bare-hono.js, so the difference is the session layer alone.
/** @param {import('../../../src/manager.js').SessionManager} sessions */
export function serveHono(sessions) {
  const app = new Hono().use(session(sessions));
  app.get('/visit', async (c) => {
    const visit = Number((await c.get('session').get('visit')) ?? 0) + 1;
    await c.get('session').set('visit', visit);
    return c.text(`Visit count:${visit}`);
  });
  app.get('/hello', (c) => c.text('Hello, world'));
  serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT) });
}
