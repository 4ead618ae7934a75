// @hono/session (honojs/middleware) keeping the data server-side: `useSessionStorage` over a Map (the
// interface its README shows), so the cookie carries only the session id, in its encrypted JWT (JWE,
// A256GCM). `duration.absolute` is sessionkit's two weeks, as its README recommends setting one.
import { serve } from '@hono/node-server';
import { useSession, useSessionStorage } from '@hono/session';
import { Hono } from 'hono';

const sessions = new Map();
const app = new Hono();
app.use(
  useSessionStorage({
    get: (sid) => sessions.get(sid) ?? null,
    set: (sid, data) => void sessions.set(sid, data),
    delete: (sid) => void sessions.delete(sid),
  }),
  useSession({
    secret: process.env.BENCH_SECRET ?? 'bench-only-secret-0f6c2a9e4b7d13855ae0c1f27b9d46e38a5f0c7b21d94e6a',
    duration: { absolute: 1_209_600 },
  }),
);
app.get('/visit', async (c) => {
  const session = c.get('session');
  const data = await session.get();
  const visit = (data?.visit ?? 0) + 1;
  await session.update({ ...data, visit });
  return c.text(`Visit count:${visit}`);
});
app.get('/hello', (c) => c.text('Hello, world'));
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT) });
