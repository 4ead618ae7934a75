import { createServer } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { session, sessionOf, userOf } from '../../src/adapters/express.js';
import type { SessionRequest } from '../../src/adapters/node.js';
import { SessionInterrupted } from '../../src/errors.js';
import { createSessions } from '../../src/manager.js';
import { memoryStore } from '../../src/stores/memory.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { describeAdapterConformance } from './conformance.js';
import { cookiePair, type Listening, listen, setCookies } from './http-helpers.js';
import { answerWithNode } from './node-glue.js';
import { describeAdapterBehaviour } from './scenarios.js';

describeAdapterBehaviour({
  name: 'Express 5',
  serve: (manager, handler) => {
    const app = express();
    app.use(session(manager));
    app.use((req, res) => handler(req as unknown as SessionRequest, res));
    return createServer(app);
  },
  answersHandlerErrors: false,
});

describeAdapterConformance({
  name: 'Express 5',
  start: (manager, route, auth) => {
    const app = express();
    app.use(session(manager, { auth }));
    app.use((req, res) => answerWithNode(route, req.session, req, res, auth ? userOf(req) : undefined));
    return listen(createServer(app));
  },
});

describe('Express 5 adapter specifics', () => {
  const running: Listening[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.close()));
  });

  async function serve(app: express.Express): Promise<string> {
    const server = await listen(createServer(app));
    running.push(server);
    return server.url;
  }

  it('gives routes req.session and commits it with res.send, res.json and res.redirect', async () => {
    const app = express();
    app.use(session(createSessions({ secret: TEST_SECRET, store: memoryStore() })));
    app.get('/visit', async (req, res) => {
      const visit = Number((await req.session.get('visit')) ?? 0) + 1;
      await req.session.set('visit', visit);
      res.type('text/plain').send(`Visit count:${visit}`);
    });
    app.get('/json', async (req, res) => {
      res.json({ visit: (await req.session.get('visit')) ?? null });
    });
    app.get('/away', async (req, res) => {
      await sessionOf(req).set('went', true); // a key the root program's ExpressSessionData does not declare
      res.redirect('/json');
    });
    const url = await serve(app);

    const first = await fetch(`${url}/visit`);
    expect(await first.text()).toBe('Visit count:1');
    const cookie = cookiePair(first);
    const second = await fetch(`${url}/visit`, { headers: { cookie } });
    expect(await second.text()).toBe('Visit count:2');
    const json = await fetch(`${url}/json`, { headers: { cookie } });
    expect(await json.json()).toEqual({ visit: 2 });
    expect(json.headers.get('vary')).toBe('Cookie');

    const redirect = await fetch(`${url}/away`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(setCookies(redirect)).toHaveLength(1);
  });

  it("passes a SessionError to Express's error handler, which answers with its status", async () => {
    const app = express();
    app.use(session(createSessions({ secret: TEST_SECRET, store: memoryStore() })));
    app.get('/', () => {
      throw new SessionInterrupted();
    });
    const url = await serve(app);
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(400);
  });

  it('leaves routes that do not use the session alone', async () => {
    const app = express();
    app.use(session(createSessions({ secret: TEST_SECRET, store: memoryStore() })));
    app.get('/hello', (_req, res) => {
      res.send('Hello');
    });
    const url = await serve(app);
    const response = await fetch(`${url}/hello`, { headers: { cookie: 'sessionid=abcdefghijklmnopqrstuvwxyz012345' } });
    expect(await response.text()).toBe('Hello');
    expect(setCookies(response)).toEqual([]);
    expect(response.headers.get('vary')).toBeNull();
  });
});
