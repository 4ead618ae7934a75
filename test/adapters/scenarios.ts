/**
 * What the node:http hooks must get right beyond the framework-neutral conformance suite
 * (conformance.ts): writeHead's header forms, flushHeaders, large streamed bodies, handler-set cookies and
 * the exact error bodies, over real HTTP for node:http and Express (which runs on the same hooks).
 */
import type { Server, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionRequest } from '../../src/adapters/node.js';
import { serverStore } from '../../src/core/engine.js';
import { createSessions, type SessionManager } from '../../src/manager.js';
import type { SessionOptions } from '../../src/options.js';
import { memoryStore } from '../../src/stores/memory.js';
import { countingStore, failingStore, STORE_DOWN_MESSAGE } from '../helpers/counting-store.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import { cookiePair, cookieValue, type Listening, listen, setCookies } from './http-helpers.js';

/** The request handler the suite mounts behind the adapter. */
export type TestHandler = (req: SessionRequest, res: ServerResponse) => Promise<void>;

/** How the suite drives one adapter. */
export interface AdapterUnderTest {
  readonly name: string;
  /** A server (not yet listening) running `handler` behind the adapter with `manager`'s sessions. */
  serve(manager: SessionManager, handler: TestHandler): Server;
  /**
   * Whether an error thrown by the handler is answered by the adapter itself (node:http) rather than by
   * the framework's error handler (Express), which words its own body.
   */
  readonly answersHandlerErrors: boolean;
}

const STORE_DOWN_BODY = '503 Service Unavailable: The session store is unavailable. Please try again later.\n';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const LARGE_CHUNK = 'x'.repeat(64 * 1024);

function routes(): TestHandler {
  return async (req, res) => {
    const session = req.session;
    const url = new URL(req.url ?? '/', 'http://test.invalid');
    switch (url.pathname) {
      case '/untouched':
        res.end('untouched');
        return;
      case '/read':
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify((await session.get('x')) ?? null));
        return;
      case '/read-with-vary':
        res.setHeader('Vary', 'Accept-Encoding');
        await session.get('x');
        res.end('read');
        return;
      case '/set':
        await session.set('x', url.searchParams.get('value') ?? 'v');
        res.end('set');
        return;
      case '/set-then-500':
        await session.set('x', 'v');
        res.statusCode = 500;
        res.end('server error');
        return;
      case '/set-then-throw':
        await session.set('x', 'v');
        throw new Error('handler bug');
      case '/stream':
        await session.set('x', 'streamed');
        res.setHeader('Content-Type', 'text/plain');
        res.write('a');
        await sleep(5);
        res.write('b');
        await sleep(5);
        res.end('c');
        return;
      case '/stream-large':
        await session.set('x', 'large');
        for (let i = 0; i < 16; i++) res.write(LARGE_CHUNK);
        res.end();
        return;
      case '/write-head-object':
        await session.set('x', 'v');
        res.writeHead(201, { 'X-Test': 'yes', Vary: 'Accept', 'Set-Cookie': 'a=1' }).end('created');
        return;
      case '/write-head-array':
        await session.set('x', 'v');
        res.writeHead(202, 'Accepted Here', ['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'Vary', 'Accept']);
        res.end();
        return;
      case '/existing-cookies':
        res.setHeader('Set-Cookie', ['x=1', 'y=2']);
        await session.set('x', 'v');
        res.end('ok');
        return;
      case '/flush-headers':
        await session.set('x', 'v');
        res.flushHeaders();
        res.end('after flushHeaders');
        return;
    }
    res.statusCode = 404;
    res.end('no such test route');
  };
}

/** Registers the §5.2 suite for one adapter. */
export function describeAdapterBehaviour(adapter: AdapterUnderTest): void {
  describe(`${adapter.name} adapter: Django's middleware behaviour over HTTP`, () => {
    const running: Listening[] = [];
    afterEach(async () => {
      await Promise.all(running.splice(0).map((server) => server.close()));
    });

    async function start(options: Partial<SessionOptions> = {}) {
      const counting = countingStore((options.store && serverStore(options.store)) ?? memoryStore());
      const logger = recordingLogger();
      const manager = createSessions({ secret: TEST_SECRET, logger, ...options, store: counting.store });
      const server = await listen(adapter.serve(manager, routes()));
      running.push(server);
      const request = (path: string, cookie?: string, init: RequestInit = {}): Promise<Response> =>
        fetch(server.url + path, { ...init, headers: { ...(cookie ? { cookie } : {}), ...(init.headers as Record<string, string>) } });
      /** A stored session holding x=value, and the cookie naming it. */
      const login = async (value = 'v'): Promise<string> => {
        const response = await request(`/set?value=${value}`);
        expect(response.status).toBe(200);
        return cookiePair(response);
      };
      return { manager, counting, logger, request, login, store: counting.store };
    }

    it('adds Vary: Cookie when the session is read, and loads it only when a cookie names one', async () => {
      const { request, counting, login } = await start();
      const fresh = await request('/read');
      expect(await fresh.json()).toBeNull();
      expect(fresh.headers.get('vary')).toBe('Cookie');
      expect(setCookies(fresh)).toEqual([]);
      expect(counting.total()).toBe(0); // no key: nothing to load

      const cookie = await login('stored');
      counting.reset();
      const known = await request('/read', cookie);
      expect(await known.json()).toBe('stored');
      expect(known.headers.get('vary')).toBe('Cookie');
      expect(setCookies(known)).toEqual([]);
      expect(counting.calls.load).toBe(1);
      expect(counting.writes()).toBe(0);
    });

    it('brings the session back on the next request and does not re-send an unchanged one', async () => {
      const { request, login } = await start();
      const cookie = await login('hello');
      const response = await request('/read', cookie);
      expect(await response.json()).toBe('hello');
      expect(setCookies(response)).toEqual([]);
    });

    it("a handler's own 5xx and a thrown error both save nothing; the session still varies on Cookie", async () => {
      const { request, counting } = await start();
      const explicit = await request('/set-then-500');
      expect(explicit.headers.get('vary')).toBe('Cookie');
      const thrown = await request('/set-then-throw');
      if (adapter.answersHandlerErrors) expect(await thrown.text()).toBe('500 Internal Server Error\n');
      expect(counting.writes()).toBe(0);
    });

    it('answers 503 with a clear body when the store fails while saving, logs once, and recovers', async () => {
      const failing = failingStore(memoryStore());
      const { request, logger } = await start({ store: failing.store });
      failing.broken = new Set(['create', 'update']);
      const response = await request('/set');
      expect(response.status).toBe(503);
      const body = await response.text();
      expect(body).toBe(STORE_DOWN_BODY);
      expect(body).not.toContain('ECONNREFUSED'); // the store's address stays on the server
      expect(setCookies(response)).toEqual([]);
      expect(logger.errors).toHaveLength(1);
      expect(logger.errors[0]).toContain(STORE_DOWN_MESSAGE);

      failing.broken.clear();
      const healed = await request('/set');
      expect(healed.status).toBe(200);
      expect(cookieValue(healed)).toMatch(/^[a-z0-9]{32}$/);
    });

    it('answers 503 when the store fails while loading, and recovers', async () => {
      const failing = failingStore(memoryStore());
      const { request, login, logger } = await start({ store: failing.store });
      const cookie = await login('kept');
      failing.broken = new Set(['load']);
      const response = await request('/read', cookie);
      expect(response.status).toBe(503);
      if (adapter.answersHandlerErrors) {
        expect(await response.text()).toBe(STORE_DOWN_BODY);
        expect(logger.errors).toHaveLength(1);
      }
      expect(setCookies(response)).toEqual([]);

      failing.broken.clear();
      const healed = await request('/read', cookie);
      expect(await healed.json()).toBe('kept');
    });

    it('streams a body written in several calls, with the cookie in front', async () => {
      const { request } = await start();
      const response = await request('/stream');
      expect(response.headers.get('content-type')).toBe('text/plain');
      expect(await response.text()).toBe('abc');
      const cookie = cookiePair(response);
      expect(await (await request('/read', cookie)).json()).toBe('streamed');

      const large = await request('/stream-large');
      expect(await large.text()).toBe(LARGE_CHUNK.repeat(16));
      expect(cookieValue(large)).toMatch(/^[a-z0-9]{32}$/);
    });

    it('merges with headers given to writeHead (object form)', async () => {
      const { request } = await start();
      const response = await request('/write-head-object');
      expect(response.status).toBe(201);
      expect(await response.text()).toBe('created');
      expect(response.headers.get('x-test')).toBe('yes');
      expect(response.headers.get('vary')).toBe('Accept, Cookie');
      const cookies = setCookies(response);
      expect(cookies).toHaveLength(2);
      expect(cookies[0]).toBe('a=1');
      expect(cookies[1]).toMatch(/^sessionid=[a-z0-9]{32}; /);
    });

    /** Requests `path` and checks the handler's own cookies come first, then the session's. */
    async function expectSessionCookieAfter(path: string, own: readonly string[]): Promise<Response> {
      const { request } = await start();
      const response = await request(path);
      const cookies = setCookies(response);
      expect(cookies.slice(0, own.length)).toEqual(own);
      expect(cookies[own.length]).toMatch(/^sessionid=[a-z0-9]{32}; /);
      return response;
    }

    it('merges with headers given to writeHead (raw array form, with a reason phrase)', async () => {
      const response = await expectSessionCookieAfter('/write-head-array', ['a=1', 'b=2']);
      expect(response.status).toBe(202);
      expect(response.statusText).toBe('Accepted Here');
      expect(response.headers.get('vary')).toBe('Accept, Cookie');
    });

    it('keeps Set-Cookie headers the handler set', async () => {
      await expectSessionCookieAfter('/existing-cookies', ['x=1', 'y=2']);
    });

    it('commits before flushHeaders() sends the headers', async () => {
      const { request } = await start();
      const response = await request('/flush-headers');
      expect(await response.text()).toBe('after flushHeaders');
      expect(cookieValue(response)).toMatch(/^[a-z0-9]{32}$/);
    });
  });
}
