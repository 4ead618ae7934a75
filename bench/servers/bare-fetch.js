// A Fetch API handler served through node:http by @hono/node-server's bridge, no session: what the bridge
// itself costs against bare-node.js, and the ceiling of sessionkit-fetch-memory.
import http from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { pathOf, text } from './lib/fetch-routes.js';

http
  .createServer(
    getRequestListener((request) => {
      const path = pathOf(request.url);
      if (path === '/visit') return text('Visit count:1');
      if (path === '/hello') return text('Hello, world');
      return text('Not found', 404);
    }),
  )
  .listen(Number(process.env.PORT), '127.0.0.1');
