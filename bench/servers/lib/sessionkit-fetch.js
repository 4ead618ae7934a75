// The Fetch API adapter served through node:http by @hono/node-server's bridge, as bare-fetch.js is.
import http from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { withSessions } from '../../../src/adapters/fetch.js';
import { pathOf, text } from './fetch-routes.js';

// Same routes and answers as bare-fetch.js, so the difference is the session layer alone.
/** @param {import('../../../src/manager.js').SessionManager} sessions */
export function serveFetch(sessions) {
  const handler = withSessions(sessions, async (request, _context, session) => {
    const path = pathOf(request.url);
    if (path === '/visit') {
      const visit = Number((await session.get('visit')) ?? 0) + 1;
      await session.set('visit', visit);
      return text(`Visit count:${visit}`);
    }
    if (path === '/hello') return text('Hello, world');
    return text('Not found', 404);
  });
  http.createServer(getRequestListener((request) => handler(request, undefined))).listen(Number(process.env.PORT), '127.0.0.1');
}
