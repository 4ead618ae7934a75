/**
 * Express 4: the same adapter, the conformance suite, and the defect it had — a store outage inside an
 * async route became an unhandled rejection that ended the process, because Express 4 does not pass a
 * rejected route to `next`. The session is preloaded there, so the outage reaches the error handler.
 */
import { createServer } from 'node:http';
// Express 4 under another name, next to Express 5 (npm alias express4@npm:express@^4).
import express4 from 'express4';
import type { RequestHandler } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { session, sessionOf, userOf } from '../../src/adapters/express.js';
import { createSessions } from '../../src/manager.js';
import { memoryStore } from '../../src/stores/memory.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import { describeAdapterConformance } from './conformance.js';
import { cookiePair, listen, setCookies, type Listening } from './http-helpers.js';
import { answerWithNode } from './node-glue.js';
import { failingStore } from '../helpers/counting-store.js';

// Express 4's types are not installed next to Express 5's; the app is used through the calls both share.
interface Express4App {
  (req: unknown, res: unknown): void;
  use(handler: RequestHandler | ((...args: never[]) => unknown)): void;
  get(path: string, handler: (...args: never[]) => unknown): void;
}
const createApp = express4 as unknown as () => Express4App;

// Lazy, as on Express 5: the suite checks that an untouched route costs no store I/O, which preloading
// (Express 4's default, tested below) gives up. Express 4 needs the rejection passed to `next` by hand.
describeAdapterConformance({
  name: 'Express 4',
  start: (manager, route, auth) => {
    const app = createApp();
    app.use(session(manager, { preload: false, auth }));
    app.use(((req, res, next) =>
      answerWithNode(route, req.session, req, res, auth ? userOf(req) : undefined).catch(next)) as RequestHandler);
    return listen(createServer(app));
  },
});

describe('Express 4 specifics', () => {
  const running: Listening[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.close()));
  });

  it('a store outage during an async route answers 503 and never becomes an unhandled rejection', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown): void => void rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const failing = failingStore(memoryStore());
      const sessions = createSessions({ secret: TEST_SECRET, store: failing.store, logger: recordingLogger() });
      const app = createApp();
      app.use(session(sessions));
      // Written as for Express 5: nothing here catches a rejection.
      app.get('/visit', (async (req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1]) => {
        const visit = Number((await req.session.get('visit')) ?? 0) + 1;
        await req.session.set('visit', visit);
        res.send(`Visit count:${visit}`);
      }) as never);
      const server = await listen(createServer(app));
      running.push(server);
      const cookie = cookiePair(await fetch(`${server.url}/visit`));
      failing.broken = new Set(['load']);
      const down = await fetch(`${server.url}/visit`, { headers: { cookie } });
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe('5');
      expect(setCookies(down)).toEqual([]);
      failing.broken.clear();
      expect(await (await fetch(`${server.url}/visit`, { headers: { cookie } })).text()).toBe('Visit count:2');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('login (cycleKey) and logout (flush) during a store outage answer 503, never an unhandled rejection', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown): void => void rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const failing = failingStore(memoryStore());
      const sessions = createSessions({ secret: TEST_SECRET, store: failing.store, logger: recordingLogger() });
      const app = createApp();
      app.use(session(sessions));
      // Written as for Express 5: nothing here catches a rejection.
      app.get('/login', (async (req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1]) => {
        await req.session.cycleKey();
        await req.session.set('username', 'ada');
        res.send('logged in');
      }) as never);
      app.get('/logout', (async (req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1]) => {
        await req.session.flush();
        res.send('logged out');
      }) as never);
      const server = await listen(createServer(app));
      running.push(server);
      const visitor = cookiePair(await fetch(`${server.url}/login`));
      // The store still reads (the preload succeeds) but refuses every write: the routes' own calls are
      // where an outage used to reject.
      failing.broken = new Set(['create', 'update', 'delete']);
      for (const path of ['/login', '/logout']) {
        const down = await fetch(`${server.url}${path}`, { headers: { cookie: visitor } });
        expect(down.status).toBe(503);
        expect(setCookies(down)).toEqual([]);
      }
      failing.broken.clear();
      const login = await fetch(`${server.url}/login`, { headers: { cookie: visitor } });
      expect(await login.text()).toBe('logged in');
      const cycled = cookiePair(login);
      expect(cycled).not.toBe(visitor);
      const logout = await fetch(`${server.url}/logout`, { headers: { cookie: cycled } });
      expect(await logout.text()).toBe('logged out');
      expect(setCookies(logout)[0]).toMatch(/^sessionid="";/);
      expect(await failing.store.load(cycled.split('=')[1]!)).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('preloads on Express 4 by default (Express 5 keeps lazy loading)', async () => {
    const failing = failingStore(memoryStore());
    const sessions = createSessions({ secret: TEST_SECRET, store: failing.store, logger: recordingLogger() });
    const app = createApp();
    app.use(session(sessions));
    app.get('/hello', ((_req: unknown, res: { send(body: string): void }) => res.send('Hello')) as never);
    app.get('/set', (async (req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1]) => {
      await sessionOf(req).set('x', 1); // a key the root program's ExpressSessionData does not declare
      res.send('set');
    }) as never);
    const server = await listen(createServer(app));
    running.push(server);
    const cookie = cookiePair(await fetch(`${server.url}/set`));
    failing.broken = new Set(['load']);
    // Express 4 loads before the route: a session cookie costs a load even on a route that never uses it,
    // though the response stays untouched (no Vary) when it does not.
    expect((await fetch(`${server.url}/hello`, { headers: { cookie } })).status).toBe(503);
    failing.broken.clear();
    const untouched = await fetch(`${server.url}/hello`, { headers: { cookie } });
    expect(untouched.headers.get('vary')).toBeNull();
    expect(setCookies(untouched)).toEqual([]);
    failing.broken = new Set(['load']);
    // Without a cookie there is nothing to load.
    expect((await fetch(`${server.url}/hello`)).status).toBe(200);
  });
});
