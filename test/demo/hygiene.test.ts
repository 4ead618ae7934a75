/**
 * The demo as an example to copy: cross-site requests that change state are refused (login CSRF among
 * them), no page shows the session key, input the session cannot hold is answered 400 or 413 and leaves
 * the session as it was, a 5xx response saves nothing, and a huge body is refused without being read.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { SessionView } from '../../examples/demo/app.js';
import { MAX_BODY_BYTES } from '../../examples/demo/body.js';
import { setCookies } from '../adapters/http-helpers.js';
import type { Browser } from './browser.js';
import { demoHarness } from './harness.js';

const { cases, frameworkCases, start } = demoHarness();

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
/**
 * A body far over the limit, made once: filling 64 MiB for each framework costs more than the requests. A
 * Blob, which fetch sends with its Content-Length and reads as it sends (a buffer it would copy whole).
 */
const HUGE_BODY = new Blob([Buffer.alloc(64 * 1024 ** 2, 0x20)]);

/** POSTs `body` of `type` from `browser` with the extra `headers`. */
function post(browser: Browser, path: string, body: string, type: string, headers: Record<string, string> = {}): Promise<Response> {
  return browser.fetch(path, { method: 'POST', headers: { 'content-type': type, ...headers }, body });
}

/**
 * Sends `head` on a new connection, then `chunk` after `chunk` until `maxBytes` are sent or the server closes
 * the connection; resolves everything the server answered and how many body bytes were written.
 */
function rawRequest(url: string, head: string, chunk?: Buffer, maxBytes = 0): Promise<{ answer: string; written: number }> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    let written = 0;
    const pump = (): void => {
      if (!chunk) return;
      while (written < maxBytes && !socket.destroyed) {
        written += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
      socket.end(); // all sent while the server kept reading: let it answer and close
    };
    socket.on('connect', () => {
      socket.write(head);
      pump();
    });
    socket.on('data', (data) => (answer += data.toString('latin1')));
    // Writing into a connection the server has closed fails: that is the point.
    socket.on('error', () => socket.destroy());
    socket.on('close', () => resolve({ answer, written }));
  });
}

describe.each(cases)('demo app on $label', (engine) => {
  describe('refuses cross-site requests that change state, as Django’s origin check does', () => {
    it('login CSRF: POST /login with Origin of another site is refused with 403', async () => {
      const demo = await start(engine);
      const browser = demo.browser();
      const response = await post(browser, '/login', 'username=attacker', FORM, { origin: 'https://evil.example' });
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await response.text()).toBe("Cross-site request refused: the request's Origin is not this site.\n");
      expect(setCookies(response)).toEqual([]);
      expect(browser.sessionId).toBeUndefined();
      expect(await browser.text('/connection')).toContain('<form method="post" action="/login">');
      if (demo.counting) expect(demo.counting.writes()).toBe(0);
    });

    it('refuses Sec-Fetch-Site cross-site and same-site (a sibling subdomain is another origin), and keeps the session', async () => {
      const demo = await start(engine);
      const browser = demo.browser();
      expect((await post(browser, '/session', '{"a":1}', JSON_TYPE)).status).toBe(200);
      const before = browser.sessionId;
      for (const site of ['cross-site', 'same-site', 'Cross-Site']) {
        const response = await post(browser, '/session', '{"a":2}', JSON_TYPE, { 'sec-fetch-site': site });
        expect(response.status, site).toBe(403);
        expect(await response.text()).toBe(`Cross-site request refused: the request comes from another site (Sec-Fetch-Site: ${site.toLowerCase()}).\n`);
        expect(setCookies(response)).toEqual([]);
      }
      for (const path of ['/session/flush', '/session/cycle', '/session/expiry', '/session/fail']) {
        expect((await browser.fetch(path, { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } })).status, path).toBe(403);
      }
      expect(browser.sessionId).toBe(before);
      expect((await demo.view(browser)).data).toEqual({ a: 1 });
    });

    it('refuses an Origin of another host, another port or null, even with Sec-Fetch-Site: same-origin', async () => {
      const demo = await start(engine);
      const browser = demo.browser();
      const port = new URL(demo.url).port;
      const origins = [
        'http://evil.example',
        `http://127.0.0.1:${Number(port) + 1}`,
        `http://localhost:${port}`,
        'null',
        'not a url',
        `ftp://127.0.0.1:${port}`,
      ];
      for (const origin of origins) {
        const response = await post(browser, '/session', '{"a":1}', JSON_TYPE, { origin, 'sec-fetch-site': 'same-origin' });
        expect(response.status, origin).toBe(403);
        await response.text();
      }
      expect(browser.sessionId).toBeUndefined();
    });

    it('accepts this site’s Origin, same-origin and user-typed (none) requests, and clients that send neither header', async () => {
      const demo = await start(engine);
      const browser = demo.browser();
      const cases: Array<Record<string, string>> = [
        { origin: demo.url },
        { origin: demo.url, 'sec-fetch-site': 'same-origin' },
        { 'sec-fetch-site': 'same-origin' },
        { 'sec-fetch-site': 'none' },
        {},
      ];
      for (const [i, headers] of cases.entries()) {
        const response = await post(browser, '/session', `{"k${i}":${i}}`, JSON_TYPE, headers);
        expect(response.status, JSON.stringify(headers)).toBe(200);
        await response.text();
      }
      expect((await demo.view(browser)).data).toEqual({ k0: 0, k1: 1, k2: 2, k3: 3, k4: 4 });
      // The login from this site's own form works.
      const login = await post(browser, '/login', 'username=alice', FORM, { origin: demo.url, 'sec-fetch-site': 'same-origin' });
      expect(login.status).toBe(200);
    });

    it('lets cross-site links through: GET and HEAD change nothing', async () => {
      const demo = await start(engine);
      const browser = demo.browser();
      const headers = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' };
      expect(await (await browser.fetch('/visit', { headers })).text()).toBe('Visit count:1');
      expect((await browser.fetch('/visit', { method: 'HEAD', headers })).status).toBe(200);
    });

    it('answers an unknown path 404 and a wrong method 405 before or regardless of the origin check, as Django does', async () => {
      const demo = await start(engine);
      const browser = demo.browser();
      const headers = { 'sec-fetch-site': 'cross-site' };
      expect((await browser.fetch('/nope', { method: 'POST', headers })).status).toBe(404);
      // Django's CSRF check runs before the view, so the unsafe method is refused before it is found wrong.
      expect((await browser.fetch('/visit', { method: 'DELETE', headers })).status).toBe(403);
      expect((await browser.fetch('/visit', { method: 'DELETE' })).status).toBe(405);
    });
  });

  it('never shows the session key or the signed cookie, only the first 12 hex digits of its SHA-256', async () => {
    const demo = await start(engine);
    const browser = demo.browser();
    const seen: string[] = [];
    const shown: string[] = [];
    /**
     * `current`: whether the view shows the cookie the response leaves in the browser. A view is made before
     * the commit, so it shows no key for a session the request creates, and a signed cookie before re-signing.
     */
    const check = async (response: Response, current: boolean): Promise<void> => {
      expect(response.status).toBe(200);
      const body = await response.text();
      shown.push(body);
      if (browser.sessionId) seen.push(browser.sessionId);
      const view = JSON.parse(body) as SessionView;
      expect(view).not.toHaveProperty('sessionKey');
      if (current) {
        expect(view.sessionKeyHash).toBe(browser.sessionKeyHash);
        expect(view.sessionKeyHash).toMatch(/^[0-9a-f]{12}$/);
      }
    };
    await check(await post(browser, '/session', '{"a":1}', JSON_TYPE), false);
    await check(await browser.fetch('/session'), true);
    await check(await post(browser, '/session/expiry', 'value=300', FORM), engine.serverSide);
    await check(await browser.fetch('/session/cycle', { method: 'POST' }), engine.serverSide);
    await post(browser, '/login', 'username=alice', FORM);
    await check(await browser.fetch('/session'), true);
    expect(new Set(seen).size).toBeGreaterThan(engine.serverSide ? 2 : 0);
    for (const key of seen) for (const body of shown) expect(body).not.toContain(key);
  });

  describe('input the session cannot hold is answered with the reason and changes nothing', () => {
    const nested = `{"x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    // The session's SessionValueError, answered by the adapter; or the demo's own check of the expiry's form.
    const refusedBySession = /^400 Bad Request: \S/;
    const cases: Array<[string, string, string, string, RegExp]> = [
      ['JSON nested 5,000 levels', '/session', nested, JSON_TYPE, refusedBySession],
      ['a number out of range (1e400)', '/session', '{"x": 1e400}', JSON_TYPE, refusedBySession],
      ['an expiry in year 10000 (UTC)', '/session/expiry', 'value=9999-12-31T23:59:59-14:00', FORM, refusedBySession],
      ['an expiry before year 1 (UTC)', '/session/expiry', 'value=0001-01-01T00:00:00%2B01:00', FORM, refusedBySession],
      ['an expiry in year 0', '/session/expiry', '{"value":"0000-06-15T00:00:00Z"}', JSON_TYPE, refusedBySession],
      ['an expiry in year 10000', '/session/expiry', '{"value":"10000-01-01T00:00:00Z"}', JSON_TYPE, /^value must be whole seconds/],
    ];
    it.each(cases)('%s: 400', async (_label, path, body, type, reason) => {
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
      const demo = await start(engine);
      const browser = demo.browser();
      expect((await post(browser, '/session', '{"kept":1}', JSON_TYPE)).status).toBe(200);
      const before = browser.sessionId;
      demo.counting?.reset();
      const response = await post(browser, path, body, type);
      const text = await response.text();
      expect(response.status, text.slice(0, 200)).toBe(400);
      expect(text).toMatch(reason);
      expect(setCookies(response)).toEqual([]);
      if (demo.counting) expect(demo.counting.writes()).toBe(0);
      expect(browser.sessionId).toBe(before);
      const view = await demo.view(browser);
      expect(view.data).toEqual({ kept: 1 });
      expect(view.expiryAge).toBe(1209600);
      expect(demo.logger.errors).toEqual([]);
    });

    it('a body that makes the session larger than SESSION_MAX_DATA_BYTES: 413, and the session stays as it was', async () => {
      const limit = 4096;
      const demo = await start(engine, { SESSION_MAX_DATA_BYTES: String(limit) });
      const browser = demo.browser();
      expect((await post(browser, '/session', '{"kept":1}', JSON_TYPE)).status).toBe(200);
      const before = browser.sessionId;
      // Random text, so that compression cannot bring it under the limit.
      const big = randomBytes(2 * limit).toString('base64');
      const response = await post(browser, '/session', JSON.stringify({ big }), JSON_TYPE);
      const text = await response.text();
      expect(response.status, text.slice(0, 200)).toBe(413);
      expect(text).toMatch(/^413 Payload Too Large: ./);
      expect(setCookies(response)).toEqual([]);
      expect(browser.sessionId).toBe(before);
      expect((await demo.view(browser)).data).toEqual({ kept: 1 });
    });
  });

  describe('POST /session/fail sets the posted keys, then answers 500: nothing is saved', () => {
    it('for a visitor with a session', async () => {
      const demo = await start(engine);
      const browser = demo.browser();
      expect((await post(browser, '/session', '{"kept":1}', JSON_TYPE)).status).toBe(200);
      const before = browser.sessionId;
      demo.counting?.reset();
      const response = await post(browser, '/session/fail', '{"lost":1,"kept":2}', JSON_TYPE);
      expect(response.status).toBe(500);
      expect(await response.text()).toContain('saves nothing');
      expect(response.headers.get('set-cookie')).toBeNull();
      if (demo.counting) expect(demo.counting.writes()).toBe(0);
      expect(browser.sessionId).toBe(before);
      expect((await demo.view(browser)).data).toEqual({ kept: 1 });
      expect(demo.logger.errors).toEqual([]);
    });

    it('for a new visitor: no session is created', async () => {
      const demo = await start(engine);
      const browser = demo.browser();
      const response = await post(browser, '/session/fail', 'lost=1', FORM);
      expect(response.status).toBe(500);
      expect(response.headers.get('set-cookie')).toBeNull();
      if (demo.counting) expect(demo.counting.writes()).toBe(0);
      expect(browser.sessionId).toBeUndefined();
      expect((await demo.view(browser)).data).toEqual({});
    });
  });
});

describe.each(frameworkCases)('the request body limit on $label', (engine) => {
  it('refuses a declared length over the limit with 413 and closes, without waiting for the body', async () => {
    const demo = await start(engine);
    const head = `POST /session HTTP/1.1\r\nHost: demo\r\nContent-Type: application/json\r\nContent-Length: ${10 * 1024 ** 3}\r\n\r\n`;
    const { answer } = await rawRequest(demo.url, head);
    expect(answer).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    expect(answer).toMatch(/\r\nConnection: close\r\n/i); // Fastify and the Fetch API write names in lower case
    expect(answer.endsWith(`\r\n\r\nThe request body is larger than ${MAX_BODY_BYTES} bytes.\n`)).toBe(true);
  });

  it('stops reading a chunked body at the limit: 413, and the connection is closed long before 1 GiB is sent', async () => {
    const demo = await start(engine);
    const head = 'POST /session HTTP/1.1\r\nHost: demo\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
    const size = 64 * 1024;
    const chunk = Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), Buffer.alloc(size, 0x20), Buffer.from('\r\n')]);
    const { answer, written } = await rawRequest(demo.url, head, chunk, 1024 ** 3);
    expect(answer).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    expect(answer).toMatch(/\r\nConnection: close\r\n/i); // Fastify and the Fetch API write names in lower case
    expect(written).toBeLessThan(256 * 1024 ** 2);
  });

  it('answers a fetch of a 64 MiB body with 413', async () => {
    const demo = await start(engine);
    const response = await fetch(`${demo.url}/session`, { method: 'POST', headers: { 'content-type': JSON_TYPE }, body: HUGE_BODY });
    expect(response.status).toBe(413);
    expect(await response.text()).toBe(`The request body is larger than ${MAX_BODY_BYTES} bytes.\n`);
  });
});

it.each(frameworkCases)('serves HEAD as GET without the body, and answers a request target it cannot read with 400, on $label', async (engine) => {
  const demo = await start(engine);
  const get = await fetch(`${demo.url}/`);
  const head = await fetch(`${demo.url}/`, { method: 'HEAD' });
  expect(head.status).toBe(200);
  expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'));
  expect(head.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(await head.text()).toBe('');
  const headLogin = await fetch(`${demo.url}/login`, { method: 'HEAD' });
  expect([headLogin.status, headLogin.headers.get('allow')]).toEqual([405, 'POST']);
  const { answer } = await rawRequest(demo.url, 'GET //a:b@[ HTTP/1.1\r\nHost: demo\r\nConnection: close\r\n\r\n');
  expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*\r\n\r\nBad request target\.\n$/);
});
