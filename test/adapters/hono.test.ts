import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { HTTPException } from 'hono/http-exception';
import { stream } from 'hono/streaming';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type SessionEnv, session, type UserEnv } from '../../src/adapters/hono.js';
import { SessionInterrupted } from '../../src/errors.js';
import { createSessions } from '../../src/manager.js';
import type { SessionOptions } from '../../src/options.js';
import type { Session } from '../../src/session.js';
import { memoryStore } from '../../src/stores/memory.js';
import { countingStore, failingStore } from '../helpers/counting-store.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import { describeAdapterConformance } from './conformance.js';
import { cookiePair, deferred, listen, setCookies } from './http-helpers.js';
import { spaced } from './node-glue.js';

describeAdapterConformance({
  name: 'Hono',
  start: (manager, route, auth) => {
    const app = auth ? new Hono().use(session(manager, { auth })) : new Hono<UserEnv>().use(session(manager));
    app.all('*', async (c) => {
      const reply = await route({ session: c.get('session'), user: auth ? c.get('user') : undefined, method: c.req.method, url: new URL(c.req.url) });
      if (reply.kind === 'redirect') return c.redirect(reply.location);
      if (reply.kind === 'stream') {
        return stream(c, async (body) => {
          for await (const chunk of spaced(reply.chunks)) await body.write(chunk);
        });
      }
      return c.text(reply.body, (reply.status ?? 200) as ContentfulStatusCode, reply.headers);
    });
    return listen(createServer(getRequestListener(app.fetch)));
  },
});

type Data = { visit: number; username: string };

function setup(options: Partial<SessionOptions> = {}) {
  const counting = countingStore(memoryStore());
  const logger = recordingLogger();
  const sessions = createSessions<Data>({ secret: TEST_SECRET, logger, ...options, store: counting.store });
  return { sessions, counting, logger };
}

/**
 * A Hono app with locking sessions and the visit counter at /visit; tests add the route under test. The
 * lock is never waited for: a lock still held answers the next request with 503 at once.
 */
function lockedCounterApp() {
  const { sessions, counting } = setup({ locking: { waitMs: 0 } });
  const app = new Hono().use(session(sessions));
  app.get('/visit', async (c) => {
    const visit = ((await c.get('session').get('visit')) ?? 0) + 1;
    await c.get('session').set('visit', visit);
    return c.text(`Visit count:${visit}`);
  });
  return { app, counting };
}

/** The request after the one under test found the lock free, and that one wrote nothing. */
async function expectReleased(next: Response, counting: ReturnType<typeof setup>['counting']): Promise<void> {
  expect(next.status).toBe(200);
  expect(await next.text()).toBe('Visit count:2');
  expect(counting.writes()).toBe(1);
}

describe('Hono adapter specifics', () => {
  it("types c.get('session') through Variables, declared or inferred from use()", async () => {
    const { sessions } = setup();
    const declared = new Hono<SessionEnv<Data>>();
    declared.use(session(sessions));
    declared.get('/', async (c) => {
      expectTypeOf(c.get('session')).toEqualTypeOf<Session<Data>>();
      return c.text(String((await c.get('session').get('visit')) ?? 0));
    });
    const inferred = new Hono().use(session(sessions)).get('/visit', async (c) => {
      const current = c.get('session');
      expectTypeOf(current).toEqualTypeOf<Session<Data>>();
      const visit = ((await current.get('visit')) ?? 0) + 1;
      // @ts-expect-error: visit is a number
      if (visit < 0) await current.set('visit', 'many');
      await current.set('visit', visit);
      return c.text(`Visit count:${visit}`);
    });
    expect(await (await declared.request('/')).text()).toBe('0');
    const first = await inferred.request('/visit');
    expect(await first.text()).toBe('Visit count:1');
    const second = await inferred.request('/visit', { headers: { cookie: cookiePair(first) } });
    expect(await second.text()).toBe('Visit count:2');
    expect(second.headers.get('vary')).toBe('Cookie');
    expect(second.headers.get('cache-control')).toBe('private');
  });

  it('login with cycleKey and c.redirect(): the new key rides on the redirect', async () => {
    const { sessions } = setup();
    const app = new Hono().use(session(sessions));
    app.post('/login', async (c) => {
      await c.get('session').cycleKey();
      await c.get('session').set('username', String((await c.req.parseBody())['username']));
      return c.redirect('/');
    });
    app.get('/', async (c) => c.text(`Hello ${(await c.get('session').get('username')) ?? 'stranger'}`));
    const login = await app.request('/login', { method: 'POST', body: new URLSearchParams({ username: 'ada' }) });
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toBe('/');
    expect(await (await app.request('/', { headers: { cookie: cookiePair(login) } })).text()).toBe('Hello ada');
  });

  it('a returned Response.redirect() (immutable headers) is replaced by a copy that carries the cookie', async () => {
    const { sessions } = setup();
    const app = new Hono().use(session(sessions));
    app.get('/away', async (c) => {
      await c.get('session').set('username', 'ada');
      return Response.redirect('http://app.test/home', 303);
    });
    const response = await app.request('/away');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('http://app.test/home');
    expect(setCookies(response)).toHaveLength(1);
  });

  it('c.body(ReadableStream) streams, with the cookie in front', async () => {
    const { sessions } = setup();
    const last = deferred();
    const app = new Hono().use(session(sessions));
    app.get('/stream', async (c) => {
      await c.get('session').set('username', 'streamer');
      const encoder = new TextEncoder();
      return c.body(
        new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(encoder.encode('first;'));
            await last.promise;
            controller.enqueue(encoder.encode('last'));
            controller.close();
          },
        }),
      );
    });
    const response = await app.request('/stream');
    expect(cookiePair(response)).toMatch(/^sessionid=[a-z0-9]{32}$/);
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('first;'); // before the stream has ended
    last.resolve();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('last');
  });

  it('a thrown HTTPException keeps its answer, saves nothing and releases the lock at once', async () => {
    const { app, counting } = lockedCounterApp();
    app.get('/forbidden', async (c) => {
      await c.get('session').set('visit', 99);
      throw new HTTPException(403, { message: 'no' });
    });
    const cookie = cookiePair(await app.request('/visit'));
    counting.reset();
    const refused = await app.request('/forbidden', { headers: { cookie } });
    expect(refused.status).toBe(403);
    expect(setCookies(refused)).toEqual([]);
    await expectReleased(await app.request('/visit', { headers: { cookie } }), counting);
  });

  it('a thrown value that is not an Error (which Hono rethrows) still releases the lock', async () => {
    const { app, counting } = lockedCounterApp();
    app.get('/odd', async (c) => {
      await c.get('session').set('visit', 99);
      throw 'not an Error';
    });
    const cookie = cookiePair(await app.request('/visit'));
    counting.reset();
    await expect(app.request('/odd', { headers: { cookie } })).rejects.toBe('not an Error');
    await expectReleased(await app.request('/visit', { headers: { cookie } }), counting);
  });

  it("a SessionError thrown by a handler is answered with its status, without the handler's headers", async () => {
    const { sessions, logger } = setup();
    const app = new Hono().use(session(sessions));
    app.onError((_error, c) => c.text('custom error page', 500));
    app.get('/', (c) => {
      c.header('X-Partial', 'yes');
      throw new SessionInterrupted();
    });
    const response = await app.request('/');
    expect(response.status).toBe(400);
    expect(response.headers.get('x-partial')).toBeNull();
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe(`400 Bad Request: ${new SessionInterrupted().message}\n`);
    expect(logger.errors).toEqual([]); // a client-side condition, not a server fault
  });

  it("with Hono's default error handler, a store outage is answered 503 from the error's getResponse(), without a stack in the console", async () => {
    const failing = failingStore(memoryStore());
    const sessions = createSessions({ secret: TEST_SECRET, logger: recordingLogger(), store: failing.store });
    const app = new Hono().use(session(sessions));
    app.get('/visit', async (c) => c.text(String(await c.get('session').get('visit'))));
    const printed: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void printed.push(args);
    try {
      failing.broken = new Set(['load']);
      const response = await app.request('/visit', { headers: { cookie: 'sessionid=abcdefghijklmnopqrstuvwxyz012345' } });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.text()).toBe('503 Service Unavailable: The session store is unavailable. Please try again later.\n');
      expect(printed).toEqual([]);
    } finally {
      console.error = original;
    }
  });

  it('the cookie survives an outer middleware that copies the response (compress) on @hono/node-server', async () => {
    const { sessions } = setup();
    const app = new Hono().use(compress()).use(session(sessions));
    app.get('/visit', async (c) => {
      await c.get('session').set('visit', 1);
      return c.text('x'.repeat(2048));
    });
    const server = await listen(createServer(getRequestListener(app.fetch)));
    try {
      const response = await fetch(`${server.url}/visit`, { headers: { 'accept-encoding': 'gzip' } });
      expect(response.headers.get('content-encoding')).toBe('gzip');
      expect(await response.text()).toBe('x'.repeat(2048));
      expect(cookiePair(response)).toMatch(/^sessionid=[a-z0-9]{32}$/);
      expect(response.headers.get('cache-control')).toBe('private');
    } finally {
      await server.close();
    }
  });

  it('a route that never touches the session is left alone', async () => {
    const { sessions, counting } = setup();
    const app = new Hono().use(session(sessions));
    app.get('/hello', (c) => c.text('Hello'));
    const response = await app.request('/hello', { headers: { cookie: 'sessionid=abcdefghijklmnopqrstuvwxyz012345' } });
    expect(await response.text()).toBe('Hello');
    expect(setCookies(response)).toEqual([]);
    expect(response.headers.get('vary')).toBeNull();
    expect(counting.total()).toBe(0);
  });
});
