// Fastify ceiling: same routes and answers as the session variants, no session plugin.
import Fastify from 'fastify';

const app = Fastify();
app.get('/visit', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('Visit count:1'));
app.get('/hello', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('Hello, world'));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
