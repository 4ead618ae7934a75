/**
 * One adapter conformance suite: the same HTTP scenarios through a real server for every framework
 * adapter. A route is written once, framework-neutral ({@link ConformanceRoute}); each adapter's test file
 * supplies a few lines of glue that mount it on its framework ({@link AdapterUnderConformance}).
 *
 * Adding an adapter takes its glue in its own test file and one `describeAdapterConformance(...)` call.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Auth, createAuth, type RequestUser, type SessionUser } from '../../src/auth/index.js';
import { serverStore } from '../../src/core/engine.js';
import { createSessions, type SessionManager } from '../../src/manager.js';
import type { SessionOptions } from '../../src/options.js';
import type { Session } from '../../src/session.js';
import { memoryStore } from '../../src/stores/memory.js';
import { MemoryUsers, type TestUser } from '../auth/user-sources.js';
import { countingStore, failingStore } from '../helpers/counting-store.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import { cookiePair, cookieValue, deferred, type Listening, setCookies } from './http-helpers.js';

/** What a route sees of a request. */
export interface ConformanceRequest {
  readonly session: Session;
  /** The adapter's lazy user, when the suite started it with `auth`. */
  readonly user?: RequestUser<SessionUser> | undefined;
  readonly method: string;
  readonly url: URL;
}

/** What a route answers; the glue turns it into the framework's own idiom. */
export type ConformanceReply =
  /** A plain-text body with a status (default 200) and extra headers. */
  | { readonly kind: 'text'; readonly body: string; readonly status?: number; readonly headers?: Readonly<Record<string, string>> }
  /** The framework's own redirect (302) to `location`. */
  | { readonly kind: 'redirect'; readonly location: string }
  /** A body streamed in `chunks` (as the framework streams: a Node Readable or a web ReadableStream), 5 ms apart. */
  | { readonly kind: 'stream'; readonly chunks: readonly string[] };

/** A framework-neutral route; it may throw, which the framework must answer with a 500. */
export type ConformanceRoute = (request: ConformanceRequest) => Promise<ConformanceReply>;

/** How the suite drives one adapter. */
export interface AdapterUnderConformance {
  readonly name: string;
  /**
   * A server listening on 127.0.0.1 that runs `route` for every method and path, behind the adapter with
   * `manager`'s sessions. A thrown error goes to the framework's own error handling. With `auth`, the
   * adapter is configured with it and the route gets the adapter's lazy user.
   */
  start(manager: SessionManager, route: ConformanceRoute, auth?: Auth<SessionUser>): Promise<Listening>;
}

/** Waits `ms` milliseconds: used by the streamed reply of the glue, between chunks. */
export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const DELETION = 'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax';
const KEY = /^[a-z0-9]{32}$/;

interface Gates {
  loaded: ReturnType<typeof deferred<void>>;
  release: ReturnType<typeof deferred<void>>;
}

const ADA: TestUser = { id: 7, username: 'ada', passwordHash: 'pbkdf2_sha256$1000000$salt$hash', isActive: true };

/** The routes of the lazy user's case: a login, reads of the user, and a logout between two reads. */
async function userRoute(auth: Auth<TestUser>, { session, user, url }: ConformanceRequest): Promise<string | undefined> {
  const read = async (): Promise<string> => ((await user!()) as TestUser | null)?.username ?? 'anonymous';
  switch (url.pathname) {
    case '/user/login':
      await auth.login(session, ADA);
      return `logged in, then ${await read()}`;
    case '/user/twice':
      return `${await read()} ${await read()}`;
    case '/user/logout': {
      const before = await read();
      await auth.logout(session);
      return `${before}, then ${await read()}`;
    }
  }
  return undefined;
}

function scenarioRoute(gates: Gates, auth?: Auth<TestUser>): ConformanceRoute {
  return async (request) => {
    const { session, url } = request;
    const userAnswer = auth ? await userRoute(auth, request) : undefined;
    if (userAnswer !== undefined) return { kind: 'text', body: userAnswer };
    const text = (body: string, extra: Partial<Extract<ConformanceReply, { kind: 'text' }>> = {}): ConformanceReply => ({ kind: 'text', body, ...extra });
    switch (url.pathname) {
      case '/untouched':
        return text('untouched');
      case '/read':
        return text(JSON.stringify((await session.get('x')) ?? null));
      case '/dump':
        return text(JSON.stringify(await session.toJSON()));
      case '/read-with-vary':
        await session.get('x');
        return text('read', { headers: { Vary: 'Accept-Encoding' } });
      case '/visit': {
        const visit = Number((await session.get('visit')) ?? 0) + 1;
        await session.set('visit', visit);
        return text(`Visit count:${visit}`);
      }
      case '/set':
        await session.set(url.searchParams.get('key') ?? 'x', url.searchParams.get('value') ?? 'v');
        return text('set');
      case '/cycle':
        await session.cycleKey();
        return text('cycled');
      case '/flush':
        await session.flush();
        return text('flushed');
      case '/set-then-500':
        await session.set('x', 'v');
        return text('server error', { status: 500 });
      case '/set-then-throw':
        await session.set('x', 'v');
        throw new Error('handler bug');
      case '/read-then-throw':
        await session.get('x');
        throw new Error('handler bug after reading');
      case '/hold':
        await session.get('x');
        gates.loaded.resolve();
        await gates.release.promise;
        await session.set('x', 'late');
        return text('late');
      case '/redirect':
        await session.set('x', 'redirected');
        return { kind: 'redirect', location: '/read' };
      case '/stream':
        await session.set('x', 'streamed');
        return { kind: 'stream', chunks: ['a', 'b', 'c'] };
    }
    return text('no such test route', { status: 404 });
  };
}

/** Registers the adapter conformance suite for one adapter. */
export function describeAdapterConformance(adapter: AdapterUnderConformance): void {
  describe(`${adapter.name} adapter: conformance`, () => {
    const running: Listening[] = [];
    afterEach(async () => {
      await Promise.all(running.splice(0).map((server) => server.close()));
    });

    async function start(options: Partial<SessionOptions> = {}, auth?: Auth<TestUser>) {
      const counting = countingStore((options.store && serverStore(options.store)) ?? memoryStore());
      const logger = recordingLogger();
      const manager = createSessions({ secret: TEST_SECRET, logger, ...options, store: counting.store });
      const gates: Gates = { loaded: deferred(), release: deferred() };
      const server = await adapter.start(manager, scenarioRoute(gates, auth), auth as Auth<SessionUser> | undefined);
      running.push(server);
      const request = (path: string, cookie?: string, init: RequestInit = {}): Promise<Response> =>
        fetch(server.url + path, { redirect: 'manual', ...init, headers: { ...(cookie ? { cookie } : {}), ...(init.headers as Record<string, string>) } });
      const login = async (value = 'v'): Promise<string> => {
        const response = await request(`/set?value=${value}`);
        expect(response.status).toBe(200);
        return cookiePair(response);
      };
      return { manager, counting, logger, gates, request, login, store: counting.store };
    }

    it('untouched route: no Set-Cookie, no Vary, no store I/O', async () => {
      const { request, counting, login } = await start();
      const plain = await request('/untouched');
      expect(await plain.text()).toBe('untouched');
      expect(setCookies(plain)).toEqual([]);
      expect(plain.headers.get('vary')).toBeNull();
      const cookie = await login();
      counting.reset();
      const withCookie = await request('/untouched', cookie);
      expect(withCookie.status).toBe(200);
      expect(setCookies(withCookie)).toEqual([]);
      expect(withCookie.headers.get('vary')).toBeNull();
      expect(counting.total()).toBe(0);
    });

    it('the lazy user: no lookup until asked, one per request, and login and logout change it', async () => {
      const users = new MemoryUsers([ADA]);
      const { request } = await start({}, createAuth({ secret: TEST_SECRET, users }));
      const login = await request('/user/login');
      expect(await login.text()).toBe('logged in, then ada'); // the login's user, without a lookup
      expect(users.lookups).toBe(0);
      const cookie = cookiePair(login);
      expect(await (await request('/untouched', cookie)).text()).toBe('untouched');
      expect(users.lookups).toBe(0);
      expect(await (await request('/user/twice', cookie)).text()).toBe('ada ada');
      expect(users.lookups).toBe(1);
      expect(await (await request('/user/twice')).text()).toBe('anonymous anonymous'); // no login, no lookup
      expect(users.lookups).toBe(1);
      const logout = await request('/user/logout', cookie);
      expect(await logout.text()).toBe('ada, then anonymous');
      expect(users.lookups).toBe(2);
      expect(setCookies(logout)).toEqual([DELETION]);
      expect(await (await request('/user/twice', cookie)).text()).toBe('anonymous anonymous');
    });

    it('Vary: Cookie merged with a Vary the handler already set', async () => {
      const { request } = await start();
      const response = await request('/read-with-vary');
      expect(await response.text()).toBe('read');
      expect(response.headers.get('vary')?.split(/,\s*/)).toEqual(['Accept-Encoding', 'Cookie']);
    });

    it('writes the cookie of a new session exactly as Django does', async () => {
      const { request } = await start({ now: () => 1_700_000_000_000 });
      const first = await request('/visit');
      expect(await first.text()).toBe('Visit count:1');
      expect(setCookies(first)).toHaveLength(1);
      expect(setCookies(first)[0]).toMatch(/^sessionid=[a-z0-9]{32}; expires=Tue, 28 Nov 2023 22:13:20 GMT; HttpOnly; Max-Age=1209600; Path=\/; SameSite=Lax$/);
    });

    it('the counter: the same key is re-sent with each visit, with Vary and Cache-Control: private', async () => {
      const { request } = await start();
      const first = await request('/visit');
      expect(await first.text()).toBe('Visit count:1');
      expect(first.headers.get('vary')).toBe('Cookie');
      expect(first.headers.get('cache-control')).toBe('private');
      const cookie = cookiePair(first);
      for (let visit = 2; visit <= 4; visit++) {
        const next = await request('/visit', cookie);
        expect(await next.text()).toBe(`Visit count:${visit}`);
        expect(cookiePair(next)).toBe(cookie); // modified: re-sent, same key
      }
    });

    it('cycleKey: a new key for the same data, the old key dead', async () => {
      const { request, login } = await start();
      const cookie = await login('kept');
      const cycled = await request('/cycle', cookie);
      expect(await cycled.text()).toBe('cycled');
      const fresh = cookiePair(cycled);
      expect(fresh).not.toBe(cookie);
      expect(await (await request('/read', fresh)).json()).toBe('kept');
      expect(await (await request('/read', cookie)).json()).toBeNull();
    });

    it('flush deletes the cookie and the stored session', async () => {
      const { request, login, store } = await start();
      const cookie = await login();
      const response = await request('/flush', cookie);
      expect(await response.text()).toBe('flushed');
      expect(setCookies(response)).toEqual([DELETION]);
      expect(response.headers.get('vary')).toBe('Cookie');
      expect(await store.load(cookie.slice('sessionid='.length))).toBeNull();
    });

    it('a 5xx response saves nothing and sets no cookie', async () => {
      const { request, counting } = await start();
      const response = await request('/set-then-500');
      expect(response.status).toBe(500);
      expect(await response.text()).toBe('server error');
      expect(setCookies(response)).toEqual([]);
      expect(counting.writes()).toBe(0);
    });

    it('a handler that throws saves nothing, answers 500, and releases the lock', async () => {
      const { request, counting, login } = await start({ locking: { waitMs: 500 } });
      const thrown = await request('/set-then-throw');
      expect(thrown.status).toBe(500);
      expect(setCookies(thrown)).toEqual([]);
      expect(counting.writes()).toBe(0);
      const cookie = await login('locked');
      expect((await request('/read-then-throw', cookie)).status).toBe(500);
      // A leaked lock would make this wait 500 ms and answer 503.
      const next = await request('/read', cookie);
      expect(next.status).toBe(200);
      expect(await next.json()).toBe('locked');
    });

    it('a concurrent logout gives the late request a 400 and the session is not resurrected', async () => {
      const { request, login, gates, store } = await start();
      const cookie = await login('before');
      const held = request('/hold', cookie);
      await gates.loaded.promise;
      expect(setCookies(await request('/flush', cookie))).toEqual([DELETION]);
      gates.release.resolve();
      const response = await held;
      expect(response.status).toBe(400);
      const body = await response.text();
      expect(body).toContain("The request's session was deleted before the request completed.");
      expect(body).not.toContain('late');
      expect(setCookies(response)).toEqual([]);
      expect(await store.load(cookie.slice('sessionid='.length))).toBeNull();
    });

    it('a store that is down gives a fast 503 with Retry-After and no internals, and recovers', async () => {
      const failing = failingStore(memoryStore());
      const { request, login } = await start({ store: failing.store });
      const cookie = await login('kept');
      for (const [operations, path, withCookie] of [
        [['create', 'update'], '/set', false],
        [['load'], '/read', true],
      ] as const) {
        failing.broken = new Set(operations);
        failing.reset();
        const response = await request(path, withCookie ? cookie : undefined);
        // Fast because the store was asked once: no retry waits on a store that is down.
        expect(failing.total()).toBe(1);
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toBe('5');
        expect(response.headers.get('vary')).toMatch(/\bCookie\b/);
        const body = await response.text();
        expect(body).toMatch(/session store .*is unavailable/i);
        expect(body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|5432/);
        expect(setCookies(response)).toEqual([]);
      }
      failing.broken.clear();
      expect(await (await request('/read', cookie)).json()).toBe('kept');
    });

    it('locking: 40 concurrent visits of one session all count', async () => {
      const { request } = await start({ locking: { waitMs: 5000 } });
      const cookie = cookiePair(await request('/visit'));
      const answers = await Promise.all(Array.from({ length: 40 }, () => request('/visit', cookie).then((r) => r.text())));
      expect(answers.every((answer) => answer.startsWith('Visit count:'))).toBe(true);
      expect(await (await request('/visit', cookie)).text()).toBe('Visit count:42');
    });

    it('50 concurrent writes of disjoint keys are all kept', async () => {
      const { request, login } = await start();
      const cookie = await login('seed');
      const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => request(`/set?key=k${i}&value=${i}`, cookie)));
      expect(responses.every((response) => response.status === 200)).toBe(true);
      const data = (await (await request('/dump', cookie)).json()) as Record<string, string>;
      for (let i = 0; i < 50; i++) expect(data[`k${i}`]).toBe(String(i));
      expect(data['x']).toBe('seed');
    });

    it('a redirect carries the cookie', async () => {
      const { request } = await start();
      const response = await request('/redirect');
      expect([301, 302, 303, 307]).toContain(response.status);
      expect(response.headers.get('location')).toMatch(/\/read$/);
      expect(cookieValue(response)).toMatch(KEY);
      expect(await (await request('/read', cookiePair(response))).json()).toBe('redirected');
    });

    it('a HEAD request gets the cookie and no body', async () => {
      const { request } = await start();
      const response = await request('/set', undefined, { method: 'HEAD' });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('');
      expect(cookieValue(response)).toMatch(KEY);
    });

    it('a streamed body arrives whole, with the cookie in front', async () => {
      const { request } = await start();
      const response = await request('/stream');
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('abc');
      expect(await (await request('/read', cookiePair(response))).json()).toBe('streamed');
    });
  });
}
