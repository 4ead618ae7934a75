import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { commitSession, getSession, withSessions } from '../../src/adapters/fetch.js';
import type { Auth, SessionUser } from '../../src/auth/index.js';
import { SessionInterrupted } from '../../src/errors.js';
import { createSessions, type SessionManager } from '../../src/manager.js';
import type { SessionOptions } from '../../src/options.js';
import type { Session } from '../../src/session.js';
import { memoryStore } from '../../src/stores/memory.js';
import { cookieOf } from '../helpers/cookies.js';
import { countingStore } from '../helpers/counting-store.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import { type ConformanceReply, type ConformanceRoute, describeAdapterConformance, pause } from './conformance.js';
import { cookiePair, deferred, type Listening, listen, setCookies } from './http-helpers.js';
import { spaced } from './node-glue.js';

/** A conformance reply as a plain Fetch API handler answers it; redirects use `Response.redirect()`. */
function toResponse(reply: ConformanceReply, requestUrl: string): Response {
  if (reply.kind === 'redirect') return Response.redirect(new URL(reply.location, requestUrl), 302);
  if (reply.kind === 'stream') {
    const encoder = new TextEncoder();
    const chunks = spaced(reply.chunks);
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
    });
    return new Response(body, { headers: { 'Content-Type': 'text/plain' } });
  }
  return new Response(reply.body, { status: reply.status ?? 200, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...reply.headers } });
}

function serveFetch(manager: SessionManager, route: ConformanceRoute, overrideGlobalObjects: boolean, auth?: Auth<SessionUser>): Promise<Listening> {
  const handler = auth
    ? withSessions(
        manager,
        async (request, _context, session, user) => toResponse(await route({ session, user, method: request.method, url: new URL(request.url) }), request.url),
        { auth },
      )
    : withSessions(manager, async (request, _context, session) =>
        toResponse(await route({ session, method: request.method, url: new URL(request.url) }), request.url),
      );
  return listen(createServer(getRequestListener(handler, { overrideGlobalObjects })));
}

// Node's own Request and Response, not @hono/node-server's lightweight stand-ins (see the end of the file).
describeAdapterConformance({ name: 'Fetch API', start: (manager, route, auth) => serveFetch(manager, route, false, auth) });

type Data = { visit: number; username: string; last: string };

function setup(options: Partial<SessionOptions> = {}) {
  const counting = countingStore(memoryStore());
  const logger = recordingLogger();
  const sessions = createSessions<Data>({ secret: TEST_SECRET, logger, ...options, store: counting.store });
  return { sessions, counting, logger };
}

const request = (path: string, cookie?: string, init: RequestInit = {}): Request =>
  new Request(`http://app.test${path}`, { ...init, headers: cookie ? { cookie } : {} });

describe('Fetch API adapter specifics', () => {
  it('a Next.js route handler gets its context and a typed session', async () => {
    const { sessions } = setup();
    type Context = { params: Promise<{ id: string }> };
    const GET = withSessions(sessions, async (req: Request, { params }: Context, session) => {
      expectTypeOf(session).toEqualTypeOf<Session<Data>>();
      expect(getSession(sessions, req)).toBe(session); // one session per Request
      const { id } = await params;
      const visit = ((await session.get('visit')) ?? 0) + 1;
      await session.set('visit', visit);
      await session.set('last', id);
      return Response.json({ visit, id });
    });
    expectTypeOf(GET).parameters.toEqualTypeOf<[Request, Context]>();

    const first = await GET(request('/items/7'), { params: Promise.resolve({ id: '7' }) });
    expect(await first.json()).toEqual({ visit: 1, id: '7' });
    expect(first.headers.get('vary')).toBe('Cookie');
    expect(first.headers.get('cache-control')).toBe('private');
    const second = await GET(request('/items/8', cookiePair(first)), { params: Promise.resolve({ id: '8' }) });
    expect(await second.json()).toEqual({ visit: 2, id: '8' });
  });

  it('Next.js middleware: NextResponse.next() (a mutable response) carries the cookie', async () => {
    const { sessions } = setup();
    const middleware = withSessions(sessions, async (req, _event, session) => {
      await session.set('last', new URL(req.url).pathname);
      return new Response(null, { headers: { 'x-middleware-next': '1' } });
    });
    const response = await middleware(request('/dashboard'), {});
    expect(response.headers.get('x-middleware-next')).toBe('1');
    expect(setCookies(response)).toHaveLength(1);
  });

  it('a React Router loader and action use getSession and commitSession', async () => {
    const { sessions } = setup();
    type Args = { request: Request; params: { id?: string } };
    // React Router's data(value, init): the loader's value with the response's status and headers.
    const data = <V>(value: V, init: { headers: Headers }) => ({ value, init });
    const action = async ({ request: req }: Args) => {
      const session = getSession(sessions, req);
      const form = await req.formData();
      await session.cycleKey();
      await session.set('username', String(form.get('username')));
      return commitSession(sessions, session, new Response(null, { status: 302, headers: { Location: '/' } }));
    };
    const loader = async ({ request: req, params }: Args) => {
      const session = getSession(sessions, req);
      await session.set('last', params.id ?? '');
      const username = (await session.get('username')) ?? null;
      const committed = await commitSession(sessions, session, new Response());
      if (!committed.ok) throw committed; // 400 or 503: the session could not be saved
      return data({ username }, { headers: committed.headers });
    };

    const login = await action({ request: request('/login', undefined, { method: 'POST', body: new URLSearchParams({ username: 'ada' }) }), params: {} });
    expect(login.status).toBe(302);
    const cookie = cookiePair(login);
    const page = await loader({ request: request('/items/3', cookie), params: { id: '3' } });
    expect(page.value).toEqual({ username: 'ada' });
    expect(cookieOf(page.init.headers.getSetCookie())).toBe(cookie);
    expect(page.init.headers.get('vary')).toBe('Cookie');
  });

  it("SvelteKit's handle hook: locals.session for the route, the resolved response committed", async () => {
    const { sessions } = setup();
    type Event = { request: Request; locals: { session?: Session<Data> } };
    const handle = ({ event, resolve }: { event: Event; resolve: (event: Event) => Promise<Response> }) => {
      const session = getSession(sessions, event.request);
      event.locals.session = session;
      return commitSession(sessions, session, resolve(event));
    };
    const resolve = async (event: Event) => {
      const session = event.locals.session!;
      const visit = ((await session.get('visit')) ?? 0) + 1;
      await session.set('visit', visit);
      return new Response(`<p>Visit count:${visit}</p>`, { headers: { 'Content-Type': 'text/html' } });
    };
    const first = await handle({ event: { request: request('/'), locals: {} }, resolve });
    expect(await first.text()).toBe('<p>Visit count:1</p>');
    const second = await handle({ event: { request: request('/', cookiePair(first)), locals: {} }, resolve });
    expect(await second.text()).toBe('<p>Visit count:2</p>');
  });

  it('Response.redirect() (immutable headers) is copied and gets its cookie', async () => {
    expect(() => Response.redirect('http://app.test/', 302).headers.set('X-Test', '1')).toThrow(TypeError);
    const { sessions } = setup();
    const handler = withSessions(sessions, async (_req, _context, session) => {
      await session.set('username', 'ada');
      return Response.redirect('http://app.test/home', 303);
    });
    const response = await handler(request('/login'), undefined);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('http://app.test/home');
    expect(response.headers.get('vary')).toBe('Cookie');
    const cookie = cookiePair(response);
    const read = withSessions(sessions, async (_req, _context, session) => new Response(String(await session.get('username'))));
    expect(await (await read(request('/', cookie), undefined)).text()).toBe('ada');
  });

  it('Response.error() is passed on as it is and saves nothing', async () => {
    const { sessions, counting } = setup();
    const handler = withSessions(sessions, async (_req, _context, session) => {
      await session.set('username', 'ada');
      return Response.error();
    });
    const response = await handler(request('/'), undefined);
    expect(response.type).toBe('error');
    expect(counting.writes()).toBe(0);
  });

  it('a handler that throws is rethrown and releases the lock at once, not after the lock wait', async () => {
    // Never waited for: a lock the failed request still held would answer the next one with 503 at once.
    const { sessions, counting } = setup({ locking: { waitMs: 0 } });
    const visit = withSessions(sessions, async (_req, _context, session) => {
      const count = ((await session.get('visit')) ?? 0) + 1;
      await session.set('visit', count);
      return new Response(`Visit count:${count}`);
    });
    const cookie = cookiePair(await visit(request('/'), undefined));
    const failing = withSessions(sessions, async (_req, _context, session) => {
      await session.set('visit', 99);
      throw new Error('handler bug');
    });
    counting.reset();
    await expect(failing(request('/', cookie), undefined)).rejects.toThrow('handler bug');
    expect(counting.calls.lock).toBe(1);
    expect(counting.writes()).toBe(0);
    expect(await (await visit(request('/', cookie), undefined)).text()).toBe('Visit count:2');
  });

  it('a handler that throws synchronously is treated the same', async () => {
    const { sessions } = setup({ locking: true });
    const failing = withSessions(sessions, (): Response => {
      throw new Error('sync bug');
    });
    await expect(failing(request('/'), undefined)).rejects.toThrow('sync bug');
  });

  it('a SessionError from the commit answers with its status; the handler body is dropped', async () => {
    const { sessions, logger } = setup();
    const seed = withSessions(sessions, async (_req, _context, session) => {
      await session.set('visit', 1);
      return new Response('seeded');
    });
    const logout = withSessions(sessions, async (_req, _context, session) => {
      await session.flush();
      return new Response('bye');
    });
    const cookie = cookiePair(await seed(request('/'), undefined));
    // A logout deletes the session between this request's load and its save.
    const session = getSession(sessions, request('/', cookie));
    await session.get('visit');
    await logout(request('/logout', cookie), undefined);
    await session.set('visit', 2);
    let cancelled = false;
    const body = new ReadableStream({
      cancel: () => {
        cancelled = true;
      },
    });
    const answer = await commitSession(sessions, session, new Response(body));
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain("The request's session was deleted before the request completed.");
    expect(setCookies(answer)).toEqual([]);
    expect(cancelled).toBe(true);
    expect(logger.errors).toEqual([]); // a client-side condition, not a server fault
  });

  it('a SessionError thrown by the handler is answered with its status', async () => {
    const { sessions } = setup();
    const handler = withSessions(sessions, (): Response => {
      throw new SessionInterrupted();
    });
    const answer = await handler(request('/'), undefined);
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await answer.text()).toBe(`400 Bad Request: ${new SessionInterrupted().message}\n`);
  });

  it('a streamed ReadableStream body is passed through, not buffered', async () => {
    const { sessions } = setup();
    const last = deferred();
    const handler = withSessions(sessions, async (_req, _context, session) => {
      await session.set('username', 'streamer');
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(encoder.encode('first;'));
          await last.promise;
          controller.enqueue(encoder.encode('last'));
          controller.close();
        },
      });
      return new Response(body);
    });
    const response = await handler(request('/'), undefined);
    expect(cookiePair(response)).toMatch(/^sessionid=[a-z0-9]{32}$/);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    expect(decoder.decode((await reader.read()).value)).toBe('first;'); // before the stream has ended
    last.resolve();
    await pause(1);
    expect(decoder.decode((await reader.read()).value)).toBe('last');
    expect((await reader.read()).done).toBe(true);
  });
});

// Last in the file: @hono/node-server then replaces the global Request and Response with its lightweight
// ones (as its serve() does), for the rest of this process.
describeAdapterConformance({
  name: "Fetch API on @hono/node-server's lightweight Response",
  start: (manager, route, auth) => serveFetch(manager, route, true, auth),
});
