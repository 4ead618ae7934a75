import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { sessionPlugin, userOf } from '../../src/adapters/fastify.js';
import { SessionConfigError, SessionError, SessionInterrupted, SessionStoreUnavailable } from '../../src/errors.js';
import { createSessions } from '../../src/manager.js';
import type { Session } from '../../src/session.js';
import { memoryStore } from '../../src/stores/memory.js';
import { countingStore, failingStore } from '../helpers/counting-store.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import { type ConformanceRoute, describeAdapterConformance, pause } from './conformance.js';
import { cookiePair, type Listening, setCookies } from './http-helpers.js';
import { spaced } from './node-glue.js';

declare module '../../src/adapters/fastify.js' {
  interface FastifySessionData {
    visit: number;
  }
}

/** Starts `app` on a free port of 127.0.0.1. */
async function listenFastify(app: FastifyInstance): Promise<Listening> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('Fastify is not listening on a TCP port');
  return { url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}

/** Answers a conformance route the Fastify way: a returned body, `reply.redirect`, `reply.send(Readable)`. */
async function answerWithFastify(route: ConformanceRoute, request: FastifyRequest, reply: FastifyReply, withUser: boolean): Promise<unknown> {
  // The suite's routes use keys of their own; this program declares FastifySessionData with typed keys.
  const session = request.session as unknown as Session;
  const user = withUser ? userOf(request) : undefined;
  const answer = await route({ session, user, method: request.method, url: new URL(request.url, 'http://test.invalid') });
  if (answer.kind === 'redirect') return reply.redirect(answer.location);
  if (answer.kind === 'stream') return reply.type('text/plain').send(Readable.from(spaced(answer.chunks)));
  reply.code(answer.status ?? 200).type('text/plain; charset=utf-8');
  if (answer.headers) reply.headers(answer.headers);
  return answer.body;
}

describeAdapterConformance({
  name: 'Fastify 5',
  start: async (manager, route, auth) => {
    const app = Fastify({ forceCloseConnections: true });
    await app.register(sessionPlugin, { sessions: manager, auth });
    // No HEAD here: Fastify answers HEAD with its automatic route for GET, which the suite checks.
    app.route({ method: ['GET', 'POST'], url: '/*', handler: (request, reply) => answerWithFastify(route, request, reply, auth !== undefined) });
    return listenFastify(app);
  },
});

describe('Fastify 5 adapter specifics', () => {
  const running: Listening[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.close()));
  });

  function newApp(lockWaitMs = 300) {
    const logger = recordingLogger();
    const counting = countingStore(memoryStore());
    const sessions = createSessions({ secret: TEST_SECRET, store: counting.store, logger, locking: { waitMs: lockWaitMs } });
    return { app: Fastify({ forceCloseConnections: true }), sessions, counting, logger };
  }

  async function serve(app: FastifyInstance): Promise<string> {
    const server = await listenFastify(app);
    running.push(server);
    return server.url;
  }

  async function visit(url: string, cookie?: string): Promise<Response> {
    return fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  }

  it('types request.session from FastifySessionData', async () => {
    const { app, sessions } = newApp();
    await app.register(sessionPlugin, { sessions });
    app.get('/visit', async (request) => {
      const visits = await request.session.get('visit');
      expectTypeOf(visits).toEqualTypeOf<number | undefined>();
      // @ts-expect-error a visit is a number
      if (visits === undefined) await request.session.set('visit', 'one');
      await request.session.set('visit', (visits ?? 0) + 1);
      return `Visit count:${(visits ?? 0) + 1}`;
    });
    const url = await serve(app);
    const first = await visit(`${url}/visit`);
    expect(await first.text()).toBe('Visit count:1');
    expect(await (await visit(`${url}/visit`, cookiePair(first))).text()).toBe('Visit count:2');
  });

  it('registered at the root, it serves the routes of child plugins', async () => {
    const { app, sessions } = newApp();
    await app.register(sessionPlugin, { sessions });
    await app.register(
      async (child) => {
        child.get('/visit', async (request) => {
          const count = ((await request.session.get('visit')) ?? 0) + 1;
          await request.session.set('visit', count);
          return `Visit count:${count}`;
        });
      },
      { prefix: '/child' },
    );
    const url = await serve(app);
    const first = await visit(`${url}/child/visit`);
    expect(await first.text()).toBe('Visit count:1');
    expect(await (await visit(`${url}/child/visit`, cookiePair(first))).text()).toBe('Visit count:2');
  });

  it('registered inside a plugin, it serves that plugin and its children but not its siblings', async () => {
    const { app, sessions } = newApp();
    await app.register(
      async (inside) => {
        await inside.register(sessionPlugin, { sessions });
        inside.get('/set', async (request) => {
          await request.session.set('visit', 1);
          return 'set';
        });
        await inside.register(async (grandchild) => {
          grandchild.get('/read', async (request) => String(await request.session.get('visit')));
        });
      },
      { prefix: '/inside' },
    );
    await app.register(
      async (sibling) => {
        sibling.get('/probe', async (request) => ({ session: typeof request.session, decorated: sibling.hasRequestDecorator('session') }));
      },
      { prefix: '/sibling' },
    );
    app.get('/root', async (request) => ({ session: typeof request.session, decorated: app.hasRequestDecorator('session') }));
    const url = await serve(app);

    const set = await visit(`${url}/inside/set`);
    expect(await set.text()).toBe('set');
    const cookie = cookiePair(set);
    expect(await (await visit(`${url}/inside/read`, cookie)).text()).toBe('1');
    for (const path of ['/sibling/probe', '/root']) {
      const outside = await visit(url + path, cookie);
      expect(await outside.json()).toEqual({ session: 'undefined', decorated: false });
      expect(setCookies(outside)).toEqual([]);
      expect(outside.headers.get('vary')).toBeNull();
    }
  });

  it('refuses a second registration in the same context, and a missing manager, with the fix', async () => {
    const { app, sessions } = newApp();
    await app.register(sessionPlugin, { sessions });
    await expect(app.register(sessionPlugin, { sessions })).rejects.toThrow(SessionConfigError);
    const bare = Fastify();
    // @ts-expect-error the manager is required
    await expect(bare.register(sessionPlugin, {})).rejects.toThrow(/app\.register\(sessionPlugin, \{ sessions: createSessions/);
  });

  it('commits before reply.redirect, reply.send(Readable) and a returned object are sent', async () => {
    const { app, sessions } = newApp();
    await app.register(sessionPlugin, { sessions });
    app.get('/away', async (request, reply) => {
      await request.session.set('visit', 10);
      return reply.redirect('/json', 303);
    });
    app.get('/stream', async (request, reply) => {
      await request.session.set('visit', 20);
      return reply.type('text/plain').send(Readable.from(spaced(['x', 'y', 'z'])));
    });
    app.get('/json', async (request) => {
      const count = ((await request.session.get('visit')) ?? 0) + 1;
      await request.session.set('visit', count);
      return { visit: count };
    });
    const url = await serve(app);

    const away = await visit(`${url}/away`);
    expect(away.status).toBe(303);
    expect(away.headers.get('location')).toBe('/json');
    const fromRedirect = await visit(`${url}/json`, cookiePair(away));
    expect(fromRedirect.headers.get('content-type')).toMatch(/^application\/json/);
    expect(fromRedirect.headers.get('vary')).toBe('Cookie');
    expect(fromRedirect.headers.get('cache-control')).toBe('private');
    expect(await fromRedirect.json()).toEqual({ visit: 11 });

    const stream = await visit(`${url}/stream`);
    expect(await stream.text()).toBe('xyz');
    expect(await (await visit(`${url}/json`, cookiePair(stream))).json()).toEqual({ visit: 21 });
  });

  it('keeps a Cache-Control and a Set-Cookie of the handler, adding its own', async () => {
    const { app, sessions } = newApp();
    await app.register(sessionPlugin, { sessions });
    app.get('/', async (request, reply) => {
      await request.session.set('visit', 1);
      reply.header('cache-control', 'no-store').header('set-cookie', 'theme=dark; Path=/');
      return 'ok';
    });
    const url = await serve(app);
    const response = await visit(`${url}/`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(setCookies(response)).toHaveLength(2);
    expect(setCookies(response)[0]).toBe('theme=dark; Path=/');
    expect(cookiePair(response)).toMatch(/^sessionid=[a-z0-9]{32}$/);
  });

  it("gives Fastify's default error handler a 503 with Retry-After and only the store's name", async () => {
    const failing = failingStore(memoryStore());
    const sessions = createSessions({ secret: TEST_SECRET, store: failing.store, logger: recordingLogger() });
    const app = Fastify({ forceCloseConnections: true });
    await app.register(sessionPlugin, { sessions });
    app.get('/set', async (request) => {
      await request.session.set('visit', 1);
      return 'set';
    });
    app.get('/bug', async () => {
      throw new Error('handler bug');
    });
    const url = await serve(app);

    failing.broken = new Set(['create', 'update']);
    const down = await visit(`${url}/set`);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(setCookies(down)).toEqual([]);
    // Fastify's default body: statusCode, code, error and message; the message names the store only.
    expect(await down.json()).toEqual({
      statusCode: 503,
      code: 'STORE_UNAVAILABLE',
      error: 'Service Unavailable',
      message: `Session store "${failing.store.name}" is unavailable.`,
    });

    // A handler's own error is Fastify's to word: its default handler shows the message with a 500.
    const bug = await visit(`${url}/bug`);
    expect(bug.status).toBe(500);
    expect(await bug.json()).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'handler bug' });
  });

  it('hands a thrown SessionError and a failed commit to a custom error handler, with their status', async () => {
    const failing = failingStore(memoryStore());
    const logger = recordingLogger();
    const sessions = createSessions({ secret: TEST_SECRET, store: failing.store, logger });
    const app = Fastify({ forceCloseConnections: true });
    const seen: unknown[] = [];
    app.setErrorHandler((error, _request, reply) => {
      seen.push(error);
      const status = error instanceof SessionError ? error.statusCode : 500;
      return reply.code(status).send(`handled ${status}`);
    });
    await app.register(sessionPlugin, { sessions });
    app.get('/interrupted', async () => {
      throw new SessionInterrupted();
    });
    app.get('/set', async (request) => {
      await request.session.set('visit', 1);
      return 'set';
    });
    const url = await serve(app);

    const interrupted = await visit(`${url}/interrupted`);
    expect(interrupted.status).toBe(400);
    expect(await interrupted.text()).toBe('handled 400');

    failing.broken = new Set(['create']);
    const down = await visit(`${url}/set`);
    expect(down.status).toBe(503);
    expect(await down.text()).toBe('handled 503');
    expect(setCookies(down)).toEqual([]);
    expect(seen[0]).toBeInstanceOf(SessionInterrupted);
    expect(seen[1]).toBeInstanceOf(SessionStoreUnavailable);
    expect(seen).toHaveLength(2); // the error handler's own reply is not committed again
    expect(await (await visit(`${url}/set`)).text()).toBe('handled 503');
    // The core logs the outage once when the store goes down; the adapter adds no line per request.
    expect(logger.errors).toHaveLength(1);
    expect(logger.errors[0]).toMatch(/session store "memory" is unavailable/);
  });

  it('saves nothing for a thrown error even when the error handler answers 200, and releases the lock at once', async () => {
    // The lock is never waited for: one the failed request still held would answer /read with 503 at once.
    const { app, sessions, counting } = newApp(0);
    app.setErrorHandler((_error, _request, reply) => reply.code(200).send('recovered'));
    await app.register(sessionPlugin, { sessions });
    app.get('/set', async (request) => {
      await request.session.set('visit', 1);
      return 'set';
    });
    app.get('/set-then-throw', async (request) => {
      await request.session.set('visit', 99);
      throw new Error('bug after writing');
    });
    app.get('/read', async (request) => String(await request.session.get('visit')));
    const url = await serve(app);

    const cookie = cookiePair(await visit(`${url}/set`));
    counting.reset();
    const thrown = await visit(`${url}/set-then-throw`, cookie);
    expect(await thrown.text()).toBe('recovered');
    expect(setCookies(thrown)).toEqual([]);
    expect(counting.writes()).toBe(0);
    const read = await visit(`${url}/read`, cookie);
    expect(read.status).toBe(200);
    expect(await read.text()).toBe('1');
  });

  it('answers HEAD through the automatic route with the cookie and no body', async () => {
    const { app, sessions } = newApp();
    await app.register(sessionPlugin, { sessions });
    app.get('/stream', async (request, reply) => {
      await request.session.set('visit', 1);
      return reply.send(Readable.from(spaced(['a', 'b'])));
    });
    const url = await serve(app);
    const head = await fetch(`${url}/stream`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect(cookiePair(head)).toMatch(/^sessionid=[a-z0-9]{32}$/);
    await pause(20); // the stream the HEAD route drained must not fail afterwards
  });
});
