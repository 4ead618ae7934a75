/**
 * What browsers decide about cookies, in Chromium: the test cookie with cookies turned off in the browser's
 * settings; a session that ends when the browser closes (SESSION_EXPIRE_AT_BROWSER_CLOSE, or the session's
 * own expiry chosen on the expiry page) while a two-week session survives a real restart of the browser on
 * the same profile; and a SameSite=Lax session cookie left off a cross-site POST, while a cross-site link
 * still carries it.
 *
 * Two origins are two sites when their registrable domains differ: `localhost` and `127.0.0.1` are
 * different sites, and cookies are not kept apart by port. So a page served from `localhost:<port>` is a
 * site of its own towards the demo at `127.0.0.1:<port>`, and a second server at `127.0.0.1:<another
 * port>` receives the demo's cookies.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { expect, it } from 'vitest';
import { listen } from '../adapters/http-helpers.js';
import { demoHarness } from '../demo/harness.js';
import { cookieOf, describeWithChromium, firstPage, screenshot, useChromium } from './chromium.js';

const { engines, start } = demoHarness();
const [memory] = engines as [(typeof engines)[number]];
const chromium = useChromium();

/** `url` (`http://127.0.0.1:<port>`) reached as `localhost`: the same server, another site. */
function asLocalhost(url: string): string {
  return url.replace('//127.0.0.1:', '//localhost:');
}

describeWithChromium('cookies as Chromium keeps them', () => {
  it('the test cookie says plainly that cookies are off when the browser blocks them', async () => {
    const demo = await start(memory);
    const blocked = await chromium.profile({ blockCookies: true }).open();
    const page = await firstPage(blocked);
    await page.goto(`${demo.url}/cookie-test`);
    expect(await page.locator('main').textContent()).toContain('A test cookie was set.');
    await page.getByRole('link', { name: 'Check whether your browser kept it' }).click();
    const result = page.locator('[data-cookies]');
    expect(await result.getAttribute('data-cookies')).toBe('disabled');
    expect(await result.textContent()).toContain('The test cookie did not work: your browser does not keep cookies.');
    expect(await page.getByRole('alert').count()).toBe(1);
    await screenshot(page, 'cookie-test-blocked');
    // Without cookies there is no session: every visit is the first.
    await page.goto(`${demo.url}/counter`);
    await page.goto(`${demo.url}/counter`);
    expect(await page.locator('[data-visit-count]').textContent()).toBe('1');
    await blocked.close();

    const allowing = await chromium.page();
    await allowing.goto(`${demo.url}/cookie-test`);
    await allowing.getByRole('link', { name: 'Check whether your browser kept it' }).click();
    expect(await allowing.locator('[data-cookies]').getAttribute('data-cookies')).toBe('enabled');
  });

  it('a browser-close session ends when the browser quits; a two-week session survives the restart', async () => {
    // Three demos, each with its own cookie: two weeks (the default); SESSION_EXPIRE_AT_BROWSER_CLOSE=True
    // (on `localhost`, another host, so its `sessionid` is another cookie); and the default, with this
    // session's own expiry set to "when the browser closes" on the expiry page.
    const twoWeeks = await start(memory);
    const closing = await start(memory, { SESSION_EXPIRE_AT_BROWSER_CLOSE: 'True' });
    const chosen = await start(memory, { SESSION_COOKIE_NAME: 'chosen' });
    const closingUrl = asLocalhost(closing.url);
    const profile = chromium.profile();

    const first = await profile.open();
    const page = await firstPage(first);
    for (const url of [twoWeeks.url, closingUrl, chosen.url]) {
      await page.goto(`${url}/counter`);
      await page.goto(`${url}/counter`);
      expect(await page.locator('[data-visit-count]').textContent(), url).toBe('2');
    }
    await page.goto(`${chosen.url}/expiry`);
    await page.getByLabel('When the browser closes').check();
    await page.getByRole('button', { name: 'Set the expiry' }).click();
    expect(await page.getByRole('status').textContent()).toContain('The session now ends when the browser closes.');
    expect(await page.locator('#expiry-facts').getAttribute('data-expire-at-browser-close')).toBe('true');

    await page.goto(`${closingUrl}/browser-close`);
    expect(await page.locator('[data-expire-at-browser-close]').getAttribute('data-expire-at-browser-close')).toBe('true');
    await screenshot(page, 'browser-close');
    await page.goto(`${twoWeeks.url}/browser-close`);
    expect(await page.locator('[data-expire-at-browser-close]').getAttribute('data-expire-at-browser-close')).toBe('false');

    // As the browser holds them: two session cookies (no expiry), one for two weeks.
    const expiries = new Map((await first.cookies()).map((cookie) => [`${cookie.domain} ${cookie.name}`, cookie.expires]));
    expect(expiries.get('localhost sessionid')).toBe(-1);
    expect(expiries.get('127.0.0.1 chosen')).toBe(-1);
    expect(expiries.get('127.0.0.1 sessionid')! - Date.now() / 1000).toBeGreaterThan(1209600 - 60);
    await first.close(); // the browser quits: it writes the cookies it keeps to the profile

    const second = await profile.open();
    const again = await firstPage(second);
    const counts: Record<string, string | null> = {};
    for (const url of [twoWeeks.url, closingUrl, chosen.url]) {
      await again.goto(`${url}/counter`);
      counts[url] = await again.locator('[data-visit-count]').textContent();
    }
    expect(counts).toEqual({ [twoWeeks.url]: '3', [closingUrl]: '1', [chosen.url]: '1' });
  });

  it('a SameSite=Lax session cookie is left off a cross-site POST, and sent with a cross-site link', async () => {
    const demo = await start(memory);
    // Records what reaches it: on the demo's host, so the browser would send it the demo's cookie.
    const seen: Array<{ method: string; cookie: string | undefined; site: string | undefined }> = [];
    const record = (req: IncomingMessage): void => {
      seen.push({
        method: req.method!,
        cookie: req.headers.cookie,
        site: req.headers['sec-fetch-site'] as string | undefined,
      });
    };
    const recorder = await listen(
      createServer((req, res) => {
        // The browser also asks this origin for /favicon.ico, of its own accord.
        if (req.url === '/record') record(req);
        req.resume();
        res.writeHead(200, { 'content-type': 'text/plain' }).end('recorded');
      }),
    );
    // Another site's page, with forms and a link that lead to the demo's host.
    const other = await listen(
      createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>Another site</title>
<form method="post" action="${recorder.url}/record"><button>Post to the demo's host</button></form>
<form method="post" action="${demo.url}/login"><input type="hidden" name="username" value="mallory"><button>Log in as mallory</button></form>
<a href="${recorder.url}/record">A link to the demo's host</a>`);
      }),
    );
    try {
      const context = await chromium.context();
      const page = await context.newPage();
      await page.goto(`${demo.url}/connection`);
      await page.getByLabel('Username').fill('alice');
      await page.getByRole('button', { name: 'Log in' }).click();
      const key = await cookieOf(context, demo.url);
      expect((await context.cookies(demo.url)).find((cookie) => cookie.name === 'sessionid')?.sameSite).toBe('Lax');

      const elsewhere = asLocalhost(other.url);
      await page.goto(elsewhere);
      await page.getByRole('button', { name: "Post to the demo's host" }).click();
      await page.waitForURL(`${recorder.url}/record`);
      await page.goto(elsewhere);
      await page.getByRole('link', { name: "A link to the demo's host" }).click();
      await page.waitForURL(`${recorder.url}/record`);
      expect(seen).toEqual([
        { method: 'POST', cookie: undefined, site: 'cross-site' },
        { method: 'GET', cookie: `sessionid=${key}`, site: 'cross-site' },
      ]);

      // The demo refuses the cross-site login outright, and the browser sent no session with it either.
      await page.goto(elsewhere);
      const [login] = await Promise.all([page.waitForRequest(`${demo.url}/login`), page.getByRole('button', { name: 'Log in as mallory' }).click()]);
      expect((await login.allHeaders()).cookie).toBeUndefined();
      expect((await login.response())!.status()).toBe(403);
      expect(await page.locator('body').textContent()).toContain('Cross-site request refused');
      await page.goto(`${demo.url}/connection`);
      expect(await page.locator('main').textContent()).toContain('You are logged in as alice.');
      expect(await cookieOf(context, demo.url)).toBe(key);
    } finally {
      await Promise.all([recorder.close(), other.close()]);
    }
  });
});
