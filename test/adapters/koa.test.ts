import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import Koa, { type ParameterizedContext } from 'koa';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { session, userOf } from '../../src/adapters/koa.js';
import type { SessionStore } from '../../src/core/store-contract.js';
import { SessionInterrupted } from '../../src/errors.js';
import { createSessions } from '../../src/manager.js';
import type { Session } from '../../src/session.js';
import { memoryStore } from '../../src/stores/memory.js';
import { countingStore, failingStore } from '../helpers/counting-store.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import { describeAdapterConformance, pause } from './conformance.js';
import { cookiePair, type Listening, listen, setCookies } from './http-helpers.js';
import { spaced } from './node-glue.js';

declare module '../../src/adapters/koa.js' {
  interface KoaSessionData {
    visit: number;
  }
}

describeAdapterConformance({
  name: 'Koa',
  start: (manager, route, auth) => {
    const app = new Koa();
    app.silent = true; // the thrown-handler scenarios would print Koa's stack for each
    app.use(session(manager, { auth }));
    app.use(async (ctx) => {
      // The data type declared for the typing test below is not the suite's plain one.
      const user = auth ? userOf(ctx) : undefined;
      const reply = await route({ session: ctx.session as unknown as Session, user, method: ctx.method, url: new URL(ctx.url, 'http://test.invalid') });
      if (reply.kind === 'redirect') {
        ctx.redirect(reply.location);
      } else if (reply.kind === 'stream') {
        ctx.type = 'text/plain';
        ctx.body = Readable.from(spaced(reply.chunks));
      } else {
        ctx.status = reply.status ?? 200;
        ctx.set({ 'Content-Type': 'text/plain; charset=utf-8', ...reply.headers });
        ctx.body = reply.body;
      }
    });
    return listen(createServer(app.callback()));
  },
});

describe('Koa adapter specifics', () => {
  const running: Listening[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(running.splice(0).map((server) => server.close()));
  });

  function appWith(store: SessionStore = memoryStore()) {
    const logger = recordingLogger();
    const counting = countingStore(store);
    const manager = createSessions({ secret: TEST_SECRET, logger, store: counting.store });
    const app = new Koa();
    app.use(session(manager));
    return { app, logger, counting };
  }

  async function serve(app: Koa): Promise<string> {
    const server = await listen(createServer(app.callback()));
    running.push(server);
    return server.url;
  }

  it('commits with ctx.redirect: the 302 carries the cookie, Vary and Cache-Control: private', async () => {
    const { app } = appWith();
    app.use(async (ctx) => {
      if (ctx.path === '/away') {
        await ctx.session.set('visit', 7);
        return ctx.redirect('/back');
      }
      ctx.body = String(await ctx.session.get('visit'));
    });
    const url = await serve(app);
    const response = await fetch(`${url}/away`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/back');
    expect(setCookies(response)).toHaveLength(1);
    expect(response.headers.get('vary')).toBe('Cookie');
    expect(response.headers.get('cache-control')).toBe('private');
    expect(await (await fetch(`${url}/back`, { headers: { cookie: cookiePair(response) } })).text()).toBe('7');
  });

  it('commits before a stream body is sent: the headers lead, the body arrives whole', async () => {
    const { app } = appWith();
    app.use(async (ctx) => {
      await ctx.session.set('visit', 1);
      ctx.body = Readable.from(spaced(['first ', 'second ', 'third']));
    });
    const url = await serve(app);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(setCookies(response)).toHaveLength(1);
    expect(response.headers.get('vary')).toBe('Cookie');
    expect(await response.text()).toBe('first second third');
  });

  it("keeps the handler's Set-Cookie, Vary and Cache-Control and adds its own to them", async () => {
    const { app } = appWith();
    app.use(async (ctx) => {
      ctx.cookies.set('theme', 'dark', { httpOnly: false });
      ctx.set('Vary', ['Accept-Encoding', 'Origin']);
      ctx.set('Cache-Control', 'no-store');
      await ctx.session.set('visit', 1);
      ctx.body = 'ok';
    });
    const url = await serve(app);
    const response = await fetch(url);
    const cookies = setCookies(response);
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toMatch(/^theme=dark/);
    expect(cookies[1]).toMatch(/^sessionid=/);
    expect(response.headers.get('vary')).toBe('Accept-Encoding, Origin, Cookie');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('lets ctx.throw(418) through untouched: Koa answers it and emits it, nothing is saved', async () => {
    const { app, counting, logger } = appWith();
    const emitted: unknown[] = [];
    app.on('error', (error) => emitted.push(error));
    app.use(async (ctx) => {
      await ctx.session.set('visit', 1);
      ctx.set('X-Before-Throw', 'yes');
      ctx.throw(418, 'short and stout');
    });
    const url = await serve(app);
    const response = await fetch(url);
    expect(response.status).toBe(418);
    expect(await response.text()).toBe('short and stout');
    expect(setCookies(response)).toEqual([]);
    expect(response.headers.get('x-before-throw')).toBeNull();
    expect(counting.writes()).toBe(0);
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toMatchObject({ status: 418, expose: true });
    expect(logger.errors).toEqual([]);
  });

  it('rethrows other errors to the error handling above it, with the lock already released', async () => {
    const app = new Koa();
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch (error) {
        ctx.status = 500;
        ctx.body = `caught: ${(error as Error).message}`;
      }
    });
    // The lock is never waited for: one the failed request still held would answer the next with 503 at once.
    app.use(session(createSessions({ secret: TEST_SECRET, store: memoryStore(), locking: { waitMs: 0 } })));
    app.use(async (ctx) => {
      const visit = ((await ctx.session.get('visit')) ?? 0) + 1;
      await ctx.session.set('visit', visit);
      if (ctx.query['bug']) throw new Error('boom');
      ctx.body = String(visit);
    });
    const url = await serve(app);
    const cookie = cookiePair(await fetch(url));
    const failed = await fetch(`${url}/?bug=1`, { headers: { cookie } });
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe('caught: boom');
    expect(setCookies(failed)).toEqual([]);
    const next = await fetch(url, { headers: { cookie } });
    expect(next.status).toBe(200); // the failed request held no lock
    expect(await next.text()).toBe('2'); // and saved nothing
  });

  it('answers a store outage itself: 503, Retry-After, no internals, one log line, no stack, no error event', async () => {
    const failing = failingStore(memoryStore());
    const { app, logger } = appWith(failing.store);
    app.use(async (ctx) => {
      ctx.set('X-Handler', 'yes');
      ctx.body = String(await ctx.session.get('visit'));
    });
    const url = await serve(app); // Koa's default 'error' listener is in place now
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    failing.broken = new Set(['load']);
    const cookie = 'sessionid=abcdefghijklmnopqrstuvwxyz012345';
    const emitted: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      if (i === 2) app.on('error', (error) => emitted.push(error));
      const response = await fetch(url, { headers: { cookie } });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(response.headers.get('x-handler')).toBeNull();
      expect(await response.text()).toBe('503 Service Unavailable: The session store is unavailable. Please try again later.\n');
    }
    expect(logger.errors).toHaveLength(1);
    expect(logger.errors[0]).toMatch(/session store "memory" is unavailable/);
    expect(printed).not.toHaveBeenCalled();
    printed.mockRestore();
    expect(emitted).toEqual([]);
  });

  it('answers a failed commit with a stream body: the stream is dropped and destroyed', async () => {
    const failing = failingStore(memoryStore());
    const { app } = appWith(failing.store);
    let body: Readable | undefined;
    app.use(async (ctx) => {
      await ctx.session.set('visit', 1);
      body = Readable.from(spaced(['never', 'sent']));
      ctx.body = body;
    });
    const url = await serve(app);
    failing.broken = new Set(['create']);
    const response = await fetch(url);
    expect(response.status).toBe(503);
    expect(await response.text()).toMatch(/^503 Service Unavailable: /);
    await pause(20);
    expect(body?.destroyed).toBe(true);
  });

  it('answers a SessionError thrown below it with its status and message, without an error event', async () => {
    const { app } = appWith();
    const emitted: unknown[] = [];
    app.on('error', (error) => emitted.push(error));
    app.use(async (ctx) => {
      ctx.set('X-Partial', 'yes');
      throw new SessionInterrupted();
    });
    const url = await serve(app);
    const response = await fetch(url);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/^400 Bad Request: The request's session was deleted before the request completed\./);
    expect(response.headers.get('x-partial')).toBeNull();
    expect(emitted).toEqual([]);
  });

  it('types ctx.session from KoaSessionData, in every context type', async () => {
    const { app } = appWith();
    app.use(async (ctx) => {
      expectTypeOf(ctx.session.get('visit')).toEqualTypeOf<Promise<number | undefined>>();
      // @ts-expect-error: visit is a number
      if (ctx.path === '/never') await ctx.session.set('visit', 'one');
      ctx.body = typeof (await ctx.session.get('visit'));
    });
    // An app with its own state and context types, and a router-style context, see the same session.
    const custom = new Koa<{ user?: string }, { requestId: string }>();
    custom.use(session(createSessions({ secret: TEST_SECRET, store: memoryStore() })));
    const routed = async (ctx: ParameterizedContext<{ user?: string }, { requestId: string }>): Promise<void> => {
      expectTypeOf(ctx.session.get('visit')).toEqualTypeOf<Promise<number | undefined>>();
    };
    custom.use(routed);
    expect(await (await fetch(await serve(app))).text()).toBe('undefined');
  });
});
