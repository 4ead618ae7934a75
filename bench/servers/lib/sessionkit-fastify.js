import Fastify from 'fastify';
import { sessionPlugin } from '../../../src/adapters/fastify.js';

// Same routes and answers as bare-fastify.js, so the difference is the session layer alone.
/** @param {import('../../../src/manager.js').SessionManager} sessions */
export async function serveFastify(sessions) {
  const app = Fastify();
  await app.register(sessionPlugin, { sessions });
  app.get('/visit', async (request, reply) => {
    const visit = Number((await request.session.get('visit')) ?? 0) + 1;
    await request.session.set('visit', visit);
    return reply.type('text/plain; charset=utf-8').send(`Visit count:${visit}`);
  });
  app.get('/hello', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('Hello, world'));
  await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
}
