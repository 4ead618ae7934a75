/**
 * Express 4: the same adapter, the conformance suite, and the defect it had — a store outage inside an
 * async route became an unhandled rejection that ended the process, because Express 4 does not pass a
 * rejected route to `next`. The session is preloaded there, so the outage reaches the error handler.
 */
import { createServer } from 'node:http';
import type { RequestHandler } from 'express';
// Express 4 under another name, next to Express 5 (npm alias express4@npm:express@^4).
import express4 from 'express4';
import { afterEach, describe, expect, it } from 'vitest';
import { session, sessionOf, userOf } from '../../src/adapters/express.js';
import { createSessions } from '../../src/manager.js';
import { memoryStore } from '../../src/stores/memory.js';
import { failingStore } from '../helpers/counting-store.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import { describeAdapterConformance } from './conformance.js';
import { cookiePair, type Listening, listen, setCookies } from './http-helpers.js';
import { answerWithNode } from './node-glue.js';

// Express 4's types are not installed next to Express 5's; the app is used through the calls both share.
interface Express4App {
  (req: unknown, res: unknown): void;
  use(handler: RequestHandler | ((...args: never[]) => unknown)): void;
  get(path: string, handler: (...args: never[]) => unknown): void;
}
const createApp = express4 as unknown as () => Express4App;
type Route = (req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1]) => Promise<void>;

/**
 * Runs `body` against an Express 4 app over a store that can be broken, with async routes written as for
 * Express 5 (nothing catches their rejections), and checks that no rejection went unhandled.
 */
async function withoutUnhandledRejections(
  routes: Readonly<Record<string, Route>>,
  body: (url: string, failing: ReturnType<typeof failingStore>) => Promise<void>,
  running: Listening[],
): Promise<void> {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);
  process.on('unhandledRejection', onRejection);
  try {
    const failing = failingStore(memoryStore());
    const sessions = createSessions({ secret: TEST_SECRET, store: failing.store, logger: recordingLogger() });
    const app = createApp();
    app.use(session(sessions));
    for (const [path, route] of Object.entries(routes)) app.get(path, route as never);
    const server = await listen(createServer(app));
    running.push(server);
    await body(server.url, failing);
    // A rejection nobody handles is reported on a later turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(rejections).toEqual([]);
  } finally {
    process.off('unhandledRejection', onRejection);
  }
}

// Lazy, as on Express 5: the suite checks that an untouched route costs no store I/O, which preloading
// (Express 4's default, tested below) gives up. Express 4 needs the rejection passed to `next` by hand.
describeAdapterConformance({
  name: 'Express 4',
  start: (manager, route, auth) => {
    const app = createApp();
    app.use(session(manager, { preload: false, auth }));
    app.use(((req, res, next) => answerWithNode(route, req.session, req, res, auth ? userOf(req) : undefined).catch(next)) as RequestHandler);
    return listen(createServer(app));
  },
});

describe('Express 4 specifics', () => {
  const running: Listening[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.close()));
  });

  it('a store outage during an async route answers 503 and never becomes an unhandled rejection', async () => {
    const visit: Route = async (req, res) => {
      const count = Number((await req.session.get('visit')) ?? 0) + 1;
      await req.session.set('visit', count);
      res.send(`Visit count:${count}`);
    };
    await withoutUnhandledRejections(
      { '/visit': visit },
      async (url, failing) => {
        const cookie = cookiePair(await fetch(`${url}/visit`));
        failing.broken = new Set(['load']);
        const down = await fetch(`${url}/visit`, { headers: { cookie } });
        expect(down.status).toBe(503);
        expect(down.headers.get('retry-after')).toBe('5');
        expect(setCookies(down)).toEqual([]);
        failing.broken.clear();
        expect(await (await fetch(`${url}/visit`, { headers: { cookie } })).text()).toBe('Visit count:2');
      },
      running,
    );
  });

  it('login (cycleKey) and logout (flush) during a store outage answer 503, never an unhandled rejection', async () => {
    const login: Route = async (req, res) => {
      await req.session.cycleKey();
      await req.session.set('username', 'ada');
      res.send('logged in');
    };
    const logout: Route = async (req, res) => {
      await req.session.flush();
      res.send('logged out');
    };
    await withoutUnhandledRejections(
      { '/login': login, '/logout': logout },
      async (url, failing) => {
        const visitor = cookiePair(await fetch(`${url}/login`));
        // The store still reads (the preload succeeds) but refuses every write: the routes' own calls are
        // where an outage used to reject.
        failing.broken = new Set(['create', 'update', 'delete']);
        for (const path of ['/login', '/logout']) {
          const down = await fetch(`${url}${path}`, { headers: { cookie: visitor } });
          expect(down.status).toBe(503);
          expect(setCookies(down)).toEqual([]);
        }
        failing.broken.clear();
        const loggedIn = await fetch(`${url}/login`, { headers: { cookie: visitor } });
        expect(await loggedIn.text()).toBe('logged in');
        const cycled = cookiePair(loggedIn);
        expect(cycled).not.toBe(visitor);
        const loggedOut = await fetch(`${url}/logout`, { headers: { cookie: cycled } });
        expect(await loggedOut.text()).toBe('logged out');
        expect(setCookies(loggedOut)[0]).toMatch(/^sessionid="";/);
        expect(await failing.store.load(cycled.split('=')[1]!)).toBeNull();
      },
      running,
    );
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
