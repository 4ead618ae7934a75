import Koa from 'koa';
import { session } from '../../../src/adapters/koa.js';

// Same routes and answers as bare-koa.js, so the difference is the session layer alone.
/** @param {import('../../../src/manager.js').SessionManager} sessions */
export function serveKoa(sessions) {
  const app = new Koa();
  app.use(session(sessions));
  app.use(async (ctx) => {
    if (ctx.path === '/visit') {
      const visit = Number((await ctx.session.get('visit')) ?? 0) + 1;
      await ctx.session.set('visit', visit);
      ctx.body = `Visit count:${visit}`;
    } else if (ctx.path === '/hello') ctx.body = 'Hello, world';
  });
  app.listen(Number(process.env.PORT), '127.0.0.1');
}
