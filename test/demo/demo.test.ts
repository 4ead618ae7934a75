/**
 * The demo app over real HTTP, on every engine the environment can select without a server — the memory
 * cache, SQLite (a temporary file) and signed cookies — and on every framework (`FRAMEWORK`) with the
 * memory cache and SQLite. Also the bad-input table: hostile cookies and corrupt stored data
 * must each give a fresh empty session, no error and no store write.
 */
import { describe, expect, it } from 'vitest';
import type { SessionView } from '../../examples/demo/app.js';
import { MAX_BODY_BYTES } from '../../examples/demo/body.js';
import { generateSessionKey } from '../../src/core/session-key.js';
import { setCookies } from '../adapters/http-helpers.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { badCookieValues, badTokens, STORE_SALT } from './bad-cookies.js';
import { keyHash } from './browser.js';
import { demoHarness } from './harness.js';

const { cases, start: startDemo } = demoHarness();

describe.each(cases)('demo app on $label', (engine) => {
  it('counts visits per session: GET /visit, and the /counter page on the same key', async () => {
    const demo = await startDemo(engine);
    const alice = demo.browser();
    expect(await alice.text('/visit')).toBe('Visit count:1');
    expect(await alice.text('/visit')).toBe('Visit count:2');
    expect(await alice.text('/visit')).toBe('Visit count:3');
    const bob = demo.browser();
    expect(await bob.text('/visit')).toBe('Visit count:1');
    expect(await alice.text('/visit')).toBe('Visit count:4');
    const carol = demo.browser();
    expect(await carol.text('/counter')).toContain('data-visit-count="1">1</strong>');
    expect(await carol.text('/visit')).toBe('Visit count:2');
    expect(await carol.text('/counter')).toContain('data-visit-count="3">3</strong>');
  });

  it('logs in with a new session key and out again: /connection, POST /login, /logout', async () => {
    const demo = await startDemo(engine);
    const browser = demo.browser();
    const form = await browser.fetch('/connection');
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('<form method="post" action="/login">');

    await browser.text('/visit');
    const before = browser.sessionId;
    expect(before).toBeDefined();
    const login = await browser.postForm('/login', { username: 'alice <admin>' });
    expect(login.status).toBe(200);
    const page = await login.text();
    expect(page).toContain('You are logged in as <strong>alice &#60;admin&#62;</strong>');
    expect(page).not.toContain('<admin>');
    expect(browser.sessionId).toBeDefined();
    expect(browser.sessionId).not.toBe(before); // cycleKey at login
    if (engine.serverSide) expect(await demo.inner!.load(before!)).toBeNull(); // the old key is gone

    expect(await browser.text('/connection')).toContain('alice &#60;admin&#62;');
    expect(await browser.text('/visit')).toBe('Visit count:2'); // data survived the key cycle

    const logout = await browser.fetch('/logout');
    expect(await logout.text()).toContain('You are logged out.');
    expect(await browser.text('/connection')).toContain('<form method="post" action="/login">');
    expect(await browser.text('/visit')).toBe('Visit count:3');
  });

  it('refuses a login without a username with a 400', async () => {
    const demo = await startDemo(engine);
    const browser = demo.browser();
    for (const username of ['', '   ', 'x'.repeat(151)]) {
      const response = await browser.postForm('/login', { username });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('Enter a username');
    }
    const missing = await browser.postJson('/login', {});
    expect(missing.status).toBe(400);
    expect(browser.sessionId).toBeUndefined();
  });

  it("runs Django's test-cookie check: GET /cookie-test", async () => {
    const demo = await startDemo(engine);
    const browser = demo.browser();
    expect(await browser.text('/cookie-test')).toContain('A test cookie was set.');
    expect(await browser.text('/cookie-test')).toContain('The test cookie worked');
    expect((await demo.view(browser)).data).not.toHaveProperty('testcookie'); // deleted after the check
    expect(await browser.text('/cookie-test')).toContain('A test cookie was set.');

    // A client that keeps no cookies.
    const refusing = await fetch(`${demo.url}/cookie-test`);
    expect(await refusing.text()).toContain('A test cookie was set.');
    const check = await fetch(`${demo.url}/cookie-test?check=1`);
    expect(await check.text()).toContain('The test cookie did not work');
  });

  it('shows and changes the session as JSON: GET and POST /session', async () => {
    const now = Date.now();
    const demo = await startDemo(engine, {}, { now: () => now });
    const browser = demo.browser();
    const fresh = await demo.view(browser);
    expect(fresh.sessionKeyHash).toBeNull();
    expect(fresh.data).toEqual({});
    expect(fresh.expiryAge).toBe(1209600);
    expect(Date.parse(fresh.expiryDate)).toBe(now + 1209600 * 1000);
    expect(fresh.expireAtBrowserClose).toBe(false);

    const json = await browser.postJson('/session', { colour: 'blue', nested: { n: [1, 2] } });
    expect(json.status).toBe(200);
    expect(((await json.json()) as SessionView).data).toEqual({ colour: 'blue', nested: { n: [1, 2] } });
    const form = await browser.postForm('/session', { size: '3' });
    expect(((await form.json()) as SessionView).data).toEqual({ colour: 'blue', nested: { n: [1, 2] }, size: '3' });

    const shown = await demo.view(browser);
    expect(shown.data).toEqual({ colour: 'blue', nested: { n: [1, 2] }, size: '3' });
    // For signed cookies, the hash of the signed cookie itself.
    expect(shown.sessionKeyHash).toBe(browser.sessionKeyHash);
  });

  it('sets the expiry: POST /session/expiry', async () => {
    const demo = await startDemo(engine);
    const browser = demo.browser();
    await browser.postJson('/session', { a: 1 });

    const seconds = await browser.postForm('/session/expiry', { value: '300' });
    expect(((await seconds.json()) as SessionView).expiryAge).toBe(300);
    expect(setCookies(seconds)[0]).toContain('Max-Age=300');

    const atClose = await browser.postJson('/session/expiry', { value: 0 });
    const closeView = (await atClose.json()) as SessionView;
    expect(closeView.expireAtBrowserClose).toBe(true);
    expect(setCookies(atClose)[0]).not.toMatch(/Max-Age|expires/);

    const date = '2099-01-02T03:04:05.000Z';
    const absolute = await browser.postForm('/session/expiry', { value: date });
    expect(((await absolute.json()) as SessionView).expiryDate).toBe(date);

    const reset = await browser.postForm('/session/expiry', { value: '' });
    const resetView = (await reset.json()) as SessionView;
    expect(resetView.expiryAge).toBe(1209600);
    expect(resetView.expireAtBrowserClose).toBe(false);
    expect(resetView.data).toEqual({ a: 1 });
  });

  it('flushes and cycles: POST /session/flush and /session/cycle', async () => {
    const demo = await startDemo(engine);
    const browser = demo.browser();
    await browser.postJson('/session', { kept: 'yes' });
    const first = browser.sessionId!;

    const cycled = await browser.fetch('/session/cycle', { method: 'POST' });
    const cycledView = (await cycled.json()) as SessionView;
    expect(cycledView.data).toEqual({ kept: 'yes' });
    // A signed cookie is re-signed; within the same second it is the same token, as in Django.
    if (engine.serverSide) {
      expect(browser.sessionId).not.toBe(first);
      expect(cycledView.sessionKeyHash).toBe(browser.sessionKeyHash);
      expect(await demo.inner!.load(first)).toBeNull();
    }

    const second = browser.sessionId!;
    const flushed = await browser.fetch('/session/flush', { method: 'POST' });
    const flushedView = (await flushed.json()) as SessionView;
    expect(flushedView).toMatchObject({ sessionKeyHash: null, data: {} });
    expect(setCookies(flushed)).toEqual(['sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax']);
    expect(browser.sessionId).toBeUndefined();
    if (engine.serverSide) expect(await demo.inner!.load(second)).toBeNull();
    expect((await demo.view(browser)).data).toEqual({});
  });

  it('answers bad requests with 4xx and keeps serving', async () => {
    const demo = await startDemo(engine);
    const browser = demo.browser();
    const post = (path: string, body: string | Uint8Array, type: string): Promise<Response> =>
      browser.fetch(path, { method: 'POST', headers: { 'content-type': type }, body });
    const cases: Array<[string, () => Promise<Response>, number]> = [
      ['malformed JSON', () => post('/session', '{"a":', 'application/json'), 400],
      ['a JSON array', () => post('/session', '[1,2]', 'application/json'), 400],
      ['JSON null', () => post('/session', 'null', 'application/json'), 400],
      ['an unsupported media type', () => post('/session', 'a=1', 'text/plain'), 415],
      ['an oversized body', () => post('/session', JSON.stringify({ big: 'x'.repeat(MAX_BODY_BYTES) }), 'application/json'), 413],
      ['the reserved expiry key', () => post('/session', '{"_session_expiry":"soon"}', 'application/json'), 400],
      ['an unreadable expiry', () => post('/session/expiry', 'value=next+week', 'application/x-www-form-urlencoded'), 400],
      ['an expiry out of range', () => post('/session/expiry', 'value=99999999999999', 'application/x-www-form-urlencoded'), 400],
      ['a fractional expiry', () => post('/session/expiry', '{"value":1.5}', 'application/json'), 400],
      ['malformed JSON at login', () => post('/login', '{', 'application/json'), 400],
      ['an unknown path', () => browser.fetch('/nope'), 404],
      ['a wrong method', () => browser.fetch('/visit', { method: 'DELETE' }), 405],
    ];
    for (const [label, send, status] of cases) {
      const response = await send();
      expect(response.status, label).toBe(status);
      await response.text();
    }
    expect(demo.logger.errors).toEqual([]);
    if (demo.counting) expect(demo.counting.writes()).toBe(0);
    expect(await browser.text('/visit')).toBe('Visit count:1');
  });

  describe('bad session cookies give a fresh empty session, no error and no store write', () => {
    for (const [label, value] of Object.entries(badCookieValues(TEST_SECRET))) {
      it(label, async () => {
        const demo = await startDemo(engine);
        const response = await fetch(`${demo.url}/session`, { headers: { cookie: `sessionid=${value}` } });
        expect(response.status).toBe(200);
        const view = (await response.json()) as SessionView;
        expect(view.data).toEqual({});
        if (engine.serverSide) {
          expect(view.sessionKeyHash).toBeNull();
          expect(demo.counting!.writes()).toBe(0);
          // The unusable cookie is deleted, as Django does for an empty session that came with a cookie.
          expect(setCookies(response)[0]).toMatch(/^sessionid=""; expires=Thu, 01 Jan 1970/);
        }
        expect(demo.logger.errors).toEqual([]);

        // And the visitor can carry on with a new session.
        const visit = await fetch(`${demo.url}/visit`, { headers: { cookie: `sessionid=${value}` } });
        expect(await visit.text()).toBe('Visit count:1');
      });
    }
  });

  if (engine.serverSide) {
    describe('corrupt stored data gives an empty session under the same key, no error and no write', () => {
      for (const [label, data] of Object.entries(badTokens(TEST_SECRET, STORE_SALT))) {
        it(label, async () => {
          const demo = await startDemo(engine);
          const key = generateSessionKey();
          expect(await demo.inner!.create(key, data, new Date(Date.now() + 3600_000))).toBe(true);
          const response = await fetch(`${demo.url}/session`, { headers: { cookie: `sessionid=${key}` } });
          expect(response.status).toBe(200);
          const view = (await response.json()) as SessionView;
          expect(view.data).toEqual({});
          expect(view.sessionKeyHash).toBe(keyHash(key)); // Django keeps the key so the next save overwrites the record
          expect(setCookies(response)).toEqual([]);
          expect(demo.counting!.writes()).toBe(0);
          expect(demo.logger.errors).toEqual([]);
        });
      }
    });
  }
});
