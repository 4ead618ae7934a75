// koa-session (its defaults: signed cookie `koa.sess`, one-day maxAge) on an in-process external store:
// the three methods its README asks for, over a Map, so it keeps its sessions where sessionkit's
// memoryStore() does. (Its default keeps the session in the cookie itself; koa-redis, the Redis store
// its README points to, has had no release since January 2020 and is left out.)
import Koa from 'koa';
import session from 'koa-session';

const sessions = new Map();
const store = {
  get: async (key) => sessions.get(key),
  set: async (key, value) => void sessions.set(key, value),
  destroy: async (key) => void sessions.delete(key),
};

const app = new Koa();
app.keys = [process.env.BENCH_SECRET ?? 'bench-only-secret-0f6c2a9e4b7d13855ae0c1f27b9d46e38a5f0c7b21d94e6a'];
app.use(session({ store }, app));
app.use(async (ctx) => {
  if (ctx.path === '/visit') {
    ctx.session.visit = (ctx.session.visit ?? 0) + 1;
    ctx.body = `Visit count:${ctx.session.visit}`;
  } else if (ctx.path === '/hello') ctx.body = 'Hello, world';
});
app.listen(Number(process.env.PORT), '127.0.0.1');
