// Hono ceiling on @hono/node-server: same routes and answers as the session variants, no session middleware.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.get('/visit', (c) => c.text('Visit count:1'));
app.get('/hello', (c) => c.text('Hello, world'));
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT) });
