// The Fastify peers' app: @fastify/session (with @fastify/cookie) on `store` (its MemoryStore when none),
// with the same routes and settings for every store. Settings as the express-session peers': no session
// saved or cookie set until the handler writes to it (`saveUninitialized: false`); `secure: false` because
// the bench speaks plain HTTP (its default, true, sets no cookie there); the rest at the plugin's defaults.
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import Fastify from 'fastify';

/** @param {import('@fastify/session').FastifySessionOptions['store']} store */
export async function serveFastifySession(store) {
  const app = Fastify();
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    store,
    secret: process.env.BENCH_SECRET ?? 'bench-only-secret-0f6c2a9e4b7d13855ae0c1f27b9d46e38a5f0c7b21d94e6a',
    saveUninitialized: false,
    cookie: { secure: false },
  });
  app.get('/visit', async (request, reply) => {
    const visit = (request.session.get('visit') ?? 0) + 1;
    request.session.set('visit', visit);
    return reply.type('text/plain; charset=utf-8').send(`Visit count:${visit}`);
  });
  app.get('/hello', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('Hello, world'));
  await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
}
