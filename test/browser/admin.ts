/**
 * The session admin in Chromium: off without SESSION_ADMIN_TOKEN; refused to everyone who has not given the
 * token (the page, the wrong token, a staff form posted without being staff); for staff, the live sessions
 * by key hash with their user, one decoded, one deleted (its browser is logged out), the expired ones
 * cleared with their count, and a form without the session's CSRF token refused. No page shows a key.
 */
import { expect, it } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import { keyHash } from '../demo/browser.js';
import { demoHarness } from '../demo/harness.js';
import { cookieOf, describeWithChromium, screenshot, useChromium } from './chromium.js';

const { engines, start } = demoHarness();
const [memory, sqlite, signedCookies] = engines as [(typeof engines)[number], (typeof engines)[number], (typeof engines)[number]];
const chromium = useChromium();
const TOKEN = 'admin-token-for-the-browser-tests';

describeWithChromium('the session admin in Chromium', () => {
  it('is off without SESSION_ADMIN_TOKEN, and says how to turn it on', async () => {
    const demo = await start(memory);
    const page = await chromium.page();
    const response = await page.goto(`${demo.url}/admin/sessions/`);
    expect(response!.status()).toBe(404);
    expect(await page.getByRole('alert').textContent()).toContain('The session admin is off');
    expect(await page.locator('main').textContent()).toContain('SESSION_ADMIN_TOKEN=');
  });

  it('refuses everyone who has not given the token', async () => {
    const demo = await start(memory, { SESSION_ADMIN_TOKEN: TOKEN });
    const context = await chromium.context();
    const page = await context.newPage();
    const refused = await page.goto(`${demo.url}/admin/sessions/`);
    expect(refused!.status()).toBe(403);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Session admin: staff only');
    await page.getByLabel('Admin token').fill(`${TOKEN}-not`);
    const [wrong] = await Promise.all([page.waitForResponse(`${demo.url}/admin/login`), page.getByRole('button', { name: 'Enter the admin' }).click()]);
    expect(wrong.status()).toBe(403);
    expect(await page.getByRole('alert').textContent()).toBe('That is not the admin token.');
    // A staff form posted by a browser that is not staff.
    const post = await context.request.post(`${demo.url}/admin/sessions/clear-expired`, { form: { csrf: 'guess' } });
    expect(post.status()).toBe(403);
    expect(await post.text()).toContain('staff only');
    const show = await context.request.get(`${demo.url}/admin/sessions/show?hash=000000000000`);
    expect(show.status()).toBe(403);
  });

  it('lets staff list, decode and delete sessions and clear the expired ones, by key hash only', async () => {
    const demo = await start(sqlite, { SESSION_ADMIN_TOKEN: TOKEN });
    // Bob, a visitor with a login.
    const bobContext = await chromium.context();
    const bob = await bobContext.newPage();
    await bob.goto(`${demo.url}/connection`);
    await bob.getByLabel('Username').fill('bob');
    await bob.getByRole('button', { name: 'Log in' }).click();
    await bob.goto(`${demo.url}/counter`);
    const bobKey = (await cookieOf(bobContext, demo.url))!;
    // Two sessions past their expiry, waiting for clearsessions.
    for (let i = 0; i < 2; i++) expect(await demo.inner!.create(generateSessionKey(), 'stale', new Date(Date.now() - 60_000))).toBe(true);

    // Staff: a session first, then the token; coming in changes the key.
    const staffContext = await chromium.context();
    const staff = await staffContext.newPage();
    await staff.goto(`${demo.url}/counter`);
    const before = await cookieOf(staffContext, demo.url);
    await staff.goto(`${demo.url}/admin/sessions/`);
    await staff.getByLabel('Admin token').fill(TOKEN);
    await staff.getByLabel('Admin token').press('Enter');
    await staff.getByRole('heading', { name: 'Session admin', exact: true }).waitFor();
    const staffKey = (await cookieOf(staffContext, demo.url))!;
    expect(staffKey).not.toBe(before);
    expect(await demo.inner!.load(before!)).toBeNull();

    const bobRow = staff.locator(`tr[data-hash="${keyHash(bobKey)}"]`);
    expect(await bobRow.locator('td').nth(1).textContent()).toBe('bob');
    expect(await staff.locator(`tr[data-hash="${keyHash(staffKey)}"]`).textContent()).toContain('(yours)');
    expect(await staff.locator('caption').textContent()).toBe('2 live sessions');
    expect(await staff.locator('main').textContent()).toContain('2 expired sessions wait to be cleared.');
    for (const key of [bobKey, staffKey]) expect(await staff.content()).not.toContain(key);
    await screenshot(staff, 'admin-sessions');

    await bobRow.getByRole('link').click();
    expect(await staff.getByRole('heading', { level: 1 }).textContent()).toBe(`Session ${keyHash(bobKey)}`);
    const decoded = await staff.locator('pre').textContent();
    expect(JSON.parse(decoded!)).toEqual({ username: 'bob', visit: 1 });
    expect(await staff.content()).not.toContain(bobKey);
    await staff.getByRole('button', { name: `Delete session ${keyHash(bobKey)}` }).click();
    expect(await staff.getByRole('status').textContent()).toContain(`Deleted session ${keyHash(bobKey)}`);
    expect(await staff.locator('caption').textContent()).toBe('1 live session');
    expect(await demo.inner!.load(bobKey)).toBeNull();
    // Bob's browser is logged out, and counts afresh.
    await bob.goto(`${demo.url}/connection`);
    expect(await bob.getByRole('heading', { level: 1 }).textContent()).toBe('Log in');
    await bob.goto(`${demo.url}/counter`);
    expect(await bob.locator('[data-visit-count]').textContent()).toBe('1');

    await staff.getByRole('button', { name: 'Clear expired sessions' }).click();
    expect(await staff.getByRole('status').textContent()).toContain('Deleted 2 expired sessions.');
    expect(await staff.locator('main').textContent()).toContain('0 expired sessions wait to be cleared.');

    // A staff form without the session's CSRF token (as another site's form would be) does nothing.
    const forged = await staffContext.request.post(`${demo.url}/admin/sessions/delete`, {
      form: { hash: keyHash(staffKey) },
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain("did not carry this session's CSRF token");
    expect(await demo.inner!.load(staffKey)).not.toBeNull();

    await staff.getByRole('button', { name: 'Leave the admin' }).click();
    expect(await staff.getByRole('heading', { level: 1 }).textContent()).toBe('Session admin: staff only');
    expect(await staff.getByRole('status').textContent()).toContain('You left the session admin.');
  });

  it('says why it cannot list signed-cookie sessions', async () => {
    const demo = await start(signedCookies, { SESSION_ADMIN_TOKEN: TOKEN });
    const page = await chromium.page();
    await page.goto(`${demo.url}/admin/sessions/`);
    await page.getByLabel('Admin token').fill(TOKEN);
    await page.getByRole('button', { name: 'Enter the admin' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('sessions live in the browsers’ cookies');
  });
});
