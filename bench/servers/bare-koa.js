// Koa ceiling: same routes and answers as the session variants, no session middleware.
import Koa from 'koa';

const app = new Koa();
app.use(async (ctx) => {
  if (ctx.path === '/visit') ctx.body = 'Visit count:1';
  else if (ctx.path === '/hello') ctx.body = 'Hello, world';
});
app.listen(Number(process.env.PORT), '127.0.0.1');
