/**
 * The demo's classic examples in a real browser (Chromium, JavaScript off): the visit counter on the db
 * engine (SQLite) and signed cookies; login, where the session key changes and the old key is dead; logout.
 */
import { expect, it } from 'vitest';
import { keyHash } from '../demo/browser.js';
import { demoHarness } from '../demo/harness.js';
import { cookieOf, describeWithChromium, screenshot, useChromium } from './chromium.js';

const { engines, start } = demoHarness();
const chromium = useChromium();

describeWithChromium('the demo in Chromium: the counter, login and logout', () => {
  // The in-process cache counts as SQLite does, and test/demo covers it over HTTP: the browser's time goes to
  // a store on disk and to a session held in the cookie.
  it.each(engines.filter((engine) => engine.label !== 'memory cache'))(
    'counts visits on $label: the page, the same count at /visit, another browser from 1',
    async (engine) => {
      const demo = await start(engine);
      const context = await chromium.context();
      const page = await context.newPage();
      await page.goto(`${demo.url}/`);
      await page.getByRole('navigation').getByRole('link', { name: 'Visit counter' }).click();
      const count = page.locator('[data-visit-count]');
      expect(await count.textContent()).toBe('1');
      await page.getByRole('link', { name: 'Count another visit' }).click();
      expect(await count.textContent()).toBe('2');
      await page.reload();
      expect(await count.textContent()).toBe('3');
      await page.goto(`${demo.url}/visit`);
      expect(await page.locator('body').textContent()).toBe('Visit count:4');

      const cookie = await cookieOf(context, demo.url);
      expect(cookie).toBeDefined();
      if (engine.serverSide) {
        // The browser holds a key; the number is in the store.
        expect(cookie).toMatch(/^[a-z0-9]{32}$/);
        expect(await demo.inner!.load(cookie!)).not.toBeNull();
      } else {
        // The browser holds the data itself, signed.
        expect(cookie).toMatch(/^[\w.-]+:[\w-]+:[\w-]+$/);
      }

      const other = await chromium.page();
      await other.goto(`${demo.url}/counter`);
      expect(await other.locator('[data-visit-count]').textContent()).toBe('1');
      await page.goto(`${demo.url}/counter`);
      expect(await count.textContent()).toBe('5');
      if (engine.label === 'SQLite') await screenshot(page, 'counter');
    },
  );

  it('logs in with the keyboard: the key changes, the old key is dead, the visit count stays', async () => {
    const demo = await start(engines[1]!); // SQLite: the old key's record can be looked up
    const context = await chromium.context();
    const page = await context.newPage();
    await page.goto(`${demo.url}/counter`);
    const before = (await cookieOf(context, demo.url))!;

    await page.getByRole('navigation').getByRole('link', { name: 'Log in' }).click();
    expect(await page.locator('[data-key-hash]').getAttribute('data-key-hash')).toBe(keyHash(before));
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Username').press('Enter');
    await page.getByRole('heading', { name: 'Logged in' }).waitFor();
    expect(await page.getByRole('status').textContent()).toContain('Welcome, alice.');
    expect(await page.locator('main').textContent()).toContain('You are logged in as alice.');

    const after = (await cookieOf(context, demo.url))!;
    expect(after).toMatch(/^[a-z0-9]{32}$/);
    expect(after).not.toBe(before);
    expect(await page.locator('[data-key-hash]').getAttribute('data-key-hash')).toBe(keyHash(after));
    expect(await page.content()).not.toContain(after);
    await screenshot(page, 'login');

    // The old key names no session: a browser holding it is nobody, and starts counting afresh.
    expect(await demo.inner!.load(before)).toBeNull();
    const planted = await chromium.context();
    await planted.addCookies([{ name: 'sessionid', value: before, url: demo.url }]);
    const stranger = await planted.newPage();
    await stranger.goto(`${demo.url}/connection`);
    expect(await stranger.getByRole('heading', { level: 1 }).textContent()).toBe('Log in');
    await stranger.goto(`${demo.url}/counter`);
    expect(await stranger.locator('[data-visit-count]').textContent()).toBe('1');
    expect(await cookieOf(planted, demo.url)).not.toBe(before);

    await page.goto(`${demo.url}/counter`);
    expect(await page.locator('[data-visit-count]').textContent()).toBe('2');
  });

  it('logs out with the form: the username is gone, the rest of the session stays', async () => {
    const demo = await start(engines[0]!);
    const page = await chromium.page();
    await page.goto(`${demo.url}/counter`);
    await page.goto(`${demo.url}/connection`);
    await page.getByLabel('Username').fill('bob');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log out' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Logged out');
    expect(await page.locator('main').textContent()).toContain('You are logged out.');

    await page.getByRole('link', { name: 'Log in again' }).click();
    expect(await page.getByRole('status').textContent()).toContain('You logged out.');
    expect(await page.getByLabel('Username').count()).toBe(1);
    await page.goto(`${demo.url}/counter`);
    expect(await page.locator('[data-visit-count]').textContent()).toBe('2');
  });
});
