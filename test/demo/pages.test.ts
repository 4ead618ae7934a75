/**
 * The demo's teaching pages and its session admin over HTTP, on every engine that needs no server and on
 * every framework: the home page and its stylesheet (which never touch the session), the expiry form (each
 * choice, and input it refuses without saving anything), the browser-close page, the engine page (the
 * stored record decoded, never the key), the admin's answers to strangers and to requests from other sites,
 * and the page policy every HTML page carries. The browser side is in test/browser/.
 */
import { describe, expect, it } from 'vitest';
import { adminTokenFromEnv } from '../../examples/demo/app.js';
import { PAGE_POLICY } from '../../examples/demo/exchange.js';
import { SessionConfigError } from '../../src/errors.js';
import { setCookies } from '../adapters/http-helpers.js';
import { keyHash } from './browser.js';
import { demoHarness } from './harness.js';

const { cases, engines, start } = demoHarness();
const TOKEN = 'admin-token-for-the-http-tests';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe.each(cases)('the demo’s pages on $label', (engine) => {
  it('serves a home page that says what to try, a stylesheet and GET /hello, none touching the session', async () => {
    const demo = await start(engine);
    const browser = demo.browser();
    await browser.text('/visit');
    demo.counting?.reset();
    const home = await browser.fetch('/');
    const page = await home.text();
    for (const path of [
      '/counter',
      '/connection',
      '/cookie-test',
      '/expiry',
      '/browser-close',
      '/engine',
      '/admin/sessions/',
      '/visit',
      '/session',
      '/hello',
    ]) {
      expect(page).toContain(`href="${path}"`);
    }
    expect(home.headers.get('content-security-policy')).toBe(PAGE_POLICY);
    const css = await browser.fetch('/style.css');
    expect([css.status, css.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);
    expect(await css.text()).toContain(':focus-visible');
    const hello = await browser.fetch('/hello');
    expect(await hello.text()).toBe('Hello');
    for (const response of [home, css, hello]) {
      expect(setCookies(response)).toEqual([]);
      expect(response.headers.get('vary')).toBeNull();
    }
    if (demo.counting) expect(demo.counting.total()).toBe(0);
  });

  it('sets each expiry the form offers, and answers with a redirect to the page that shows it', async () => {
    const demo = await start(engine);
    const browser = demo.browser();
    await browser.text('/visit');
    const choices: Array<[Record<string, string>, RegExp, string]> = [
      [{ mode: 'seconds', seconds: '600' }, /Max-Age=600/, 'data-expiry-age="600"'],
      [{ mode: 'browser-close' }, /^(?!.*(Max-Age|expires))/, 'data-expire-at-browser-close="true"'],
      // The cookie's date is now plus whole seconds of age, so it may fall a second short of the choice.
      [{ mode: 'date', date: '2099-01-02T03:04' }, /expires=Fri, 02 Jan 2099 03:0(3:59|4:00) GMT/, '<time datetime="2099-01-02T03:04:00.000Z">'],
      [{ mode: 'default', seconds: 'ignored' }, /Max-Age=1209600/, 'data-expiry-age="1209600"'],
    ];
    for (const [fields, cookie, shown] of choices) {
      const response = await browser.postForm('/expiry', fields);
      expect([response.status, response.headers.get('location')], JSON.stringify(fields)).toEqual([303, '/expiry']);
      expect(setCookies(response)[0]).toMatch(cookie);
      expect(await browser.text('/expiry')).toContain(shown);
    }
    expect((await demo.view(browser)).data).toEqual({ visit: 1 });
  });

  it('refuses an expiry it cannot use with 400, the reason and the form, and saves nothing', async () => {
    const demo = await start(engine);
    const browser = demo.browser();
    await browser.text('/visit');
    demo.counting?.reset();
    const refused: Array<[Record<string, string>, string]> = [
      [{ mode: 'seconds', seconds: '0' }, 'Enter whole seconds'],
      [{ mode: 'seconds', seconds: '1.5' }, 'Enter whole seconds'],
      [{ mode: 'seconds', seconds: '1000000000' }, 'Enter whole seconds'],
      [{ mode: 'date', date: 'next week' }, 'Enter a date and time'],
      [{ mode: 'date', date: '0000-06-15T00:00' }, 'Enter a date and time'],
      [{ mode: 'soon' }, 'Choose one of the four expiries.'],
      [{}, 'Choose one of the four expiries.'],
    ];
    for (const [fields, reason] of refused) {
      const response = await browser.postForm('/expiry', fields);
      const page = await response.text();
      expect(response.status, JSON.stringify(fields)).toBe(400);
      expect(page).toContain(`<p role="alert">${reason}`);
      expect(page).toContain('<form method="post" action="/expiry">');
      expect(setCookies(response)).toEqual([]);
    }
    if (demo.counting) expect(demo.counting.writes()).toBe(0);
    expect((await demo.view(browser)).expiryAge).toBe(1209600);
  });

  it('shows the stored record decoded on /engine, with the key hashed and never whole', async () => {
    const demo = await start(engine);
    const browser = demo.browser();
    expect(await browser.text('/engine')).toContain('You have no session yet');
    await browser.postJson('/session', { colour: 'blue' });
    const page = await browser.text('/engine');
    expect(page).toContain(keyHash(browser.sessionId!));
    expect(page).not.toContain(browser.sessionId!);
    expect(page).toContain('&#34;colour&#34;: &#34;blue&#34;');
    expect(page).toContain(engine.serverSide ? 'The stored record' : 'Nothing is stored on the server');
  });
});

describe.each(engines)('SESSION_EXPIRE_AT_BROWSER_CLOSE on $label', (engine) => {
  it.each([
    ['True', 'true', /^(?!.*(Max-Age|expires))/],
    ['False', 'false', /Max-Age=1209600/],
  ])('=%s: /browser-close says so, and the cookie agrees', async (setting, shown, cookie) => {
    const demo = await start(engine, { SESSION_EXPIRE_AT_BROWSER_CLOSE: setting });
    const browser = demo.browser();
    const visit = await browser.fetch('/visit');
    expect(setCookies(visit)[0]).toMatch(cookie);
    expect(await browser.text('/browser-close')).toContain(`data-expire-at-browser-close="${shown}"`);
  });
});

describe.each(cases)('the session admin on $label', (engine) => {
  it('answers 404 on every admin path while SESSION_ADMIN_TOKEN is unset, saying how to set it', async () => {
    const demo = await start(engine);
    const browser = demo.browser();
    const answers = [
      await browser.fetch('/admin/sessions/'),
      await browser.fetch('/admin/sessions/show?hash=000000000000'),
      await browser.postForm('/admin/login', { token: 'anything-at-all-long' }),
      await browser.postForm('/admin/sessions/clear-expired', {}),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(await answer.text()).toContain('SESSION_ADMIN_TOKEN=');
    }
    expect(browser.sessionId).toBeUndefined();
  });

  it('refuses strangers with 403, lets the token in under a new key, and refuses forms from other sites or without the CSRF token', async () => {
    const demo = await start(engine, { SESSION_ADMIN_TOKEN: TOKEN });
    const browser = demo.browser();
    await browser.text('/visit');
    const before = browser.sessionId;
    expect((await browser.fetch('/admin/sessions/')).status).toBe(403);
    expect((await browser.postForm('/admin/login', { token: 'not-the-admin-token' })).status).toBe(403);
    expect((await browser.postForm('/admin/sessions/delete', { hash: '000000000000', csrf: '' })).status).toBe(403);

    const login = await browser.postForm('/admin/login', { token: TOKEN });
    expect([login.status, login.headers.get('location')]).toEqual([303, '/admin/sessions/']);
    if (engine.serverSide) expect(browser.sessionId).not.toBe(before);
    const list = await browser.fetch('/admin/sessions/');
    expect(list.status).toBe(200);
    expect(list.headers.get('cache-control')).toBe('no-store');
    const page = await list.text();
    expect(page).not.toContain(browser.sessionId!);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;

    // From another site, even with the right token: refused before the route runs.
    const crossSite = await browser.fetch('/admin/sessions/clear-expired', {
      method: 'POST',
      headers: { ...FORM, 'sec-fetch-site': 'cross-site' },
      body: new URLSearchParams({ csrf }),
    });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.text()).toContain('Cross-site request refused');
    const forged = await browser.postForm('/admin/sessions/clear-expired', { csrf: `${csrf}x` });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('CSRF token');
    const cleared = await browser.postForm('/admin/sessions/clear-expired', { csrf });
    expect(cleared.status).toBe(303);
    expect(await browser.text('/admin/sessions/')).toContain('Deleted 0 expired sessions.');
  });
});

describe.each(engines)('the session admin’s keys on $label', (engine) => {
  it('cannot be set through the JSON API: POST /session with them is refused, and the admin stays shut', async () => {
    const demo = await start(engine, { SESSION_ADMIN_TOKEN: TOKEN });
    const browser = demo.browser();
    for (const values of [{ _admin_staff: true }, { _admin_csrf: 'chosen', visit: 3 }]) {
      const response = await browser.postJson('/session', values);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("is the session admin's to set");
      expect(
        (await browser.fetch('/session/fail', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(values) })).status,
      ).toBe(400);
    }
    expect(browser.sessionId).toBeUndefined();
    expect((await browser.fetch('/admin/sessions/')).status).toBe(403);
  });
});

describe('SESSION_ADMIN_TOKEN', () => {
  it('is off when unset or blank, and taken as given otherwise', () => {
    expect(adminTokenFromEnv({})).toBeUndefined();
    expect(adminTokenFromEnv({ SESSION_ADMIN_TOKEN: '  ' })).toBeUndefined();
    expect(adminTokenFromEnv({ SESSION_ADMIN_TOKEN: ` ${TOKEN} ` })).toBe(TOKEN);
  });

  it('refuses a token shorter than 16 characters, saying how to make one', () => {
    expect(() => adminTokenFromEnv({ SESSION_ADMIN_TOKEN: 'short' })).toThrow(SessionConfigError);
    expect(() => adminTokenFromEnv({ SESSION_ADMIN_TOKEN: 'short' })).toThrow(/at least 16.*randomBytes/);
  });
});
