/**
 * Django's users in Chromium, with the keyboard and JavaScript off: a refused login keeps the username and
 * empties the password; a staff user who follows the admin's link logs in and lands in the session admin
 * (`next`), where the sessions show their Django user; a password change in one browser keeps it logged in
 * and logs another browser of the same user out; the logout form ends the session.
 */
import { expect, it } from 'vitest';
import { PASSWORDS, usersDatabase } from '../demo/accounts-users.js';
import { keyHash } from '../demo/browser.js';
import { demoHarness } from '../demo/harness.js';
import { FAST_ITERATIONS } from '../helpers/password-count.js';
import { cookieOf, describeWithChromium, screenshot, useChromium } from './chromium.js';

const { engines, start } = demoHarness();
const sqlite = engines.find((engine) => engine.label === 'SQLite')!;
const database = usersDatabase();
const chromium = useChromium();

async function startDemo() {
  return start(sqlite, { DATABASE_URL: database.copy().url }, { users: { iterations: FAST_ITERATIONS } });
}

describeWithChromium('Django’s users in Chromium', () => {
  it('refuses a wrong password, then logs a staff user into the session admin through `next`', async () => {
    const demo = await startDemo();
    const context = await chromium.context();
    const page = await context.newPage();
    await page.goto(`${demo.url}/counter`);
    const before = (await cookieOf(context, demo.url))!;

    const refused = await page.goto(`${demo.url}/admin/sessions/`);
    expect(refused!.status()).toBe(403);
    await page.getByRole('link', { name: 'log in as a staff user' }).click();
    expect(page.url()).toBe(`${demo.url}/accounts/login/?next=/admin/sessions/`);
    await page.getByLabel('Username').fill('staff');
    await page.getByLabel('Password').fill('not the password');
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('Please enter a correct username and password.');
    expect(await page.getByLabel('Username').inputValue()).toBe('staff');
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    await screenshot(page, 'accounts-login-refused');

    await page.getByLabel('Password').fill(PASSWORDS.staff);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('heading', { name: 'Session admin', exact: true }).waitFor();
    expect(page.url()).toBe(`${demo.url}/admin/sessions/`);
    const key = (await cookieOf(context, demo.url))!;
    expect(key).not.toBe(before);
    const own = page.locator(`tr[data-hash="${keyHash(key)}"]`);
    expect(await own.locator('td').nth(1).textContent()).toMatch(/^staff \(user \d+\)$/);
    expect(await own.textContent()).toContain('(yours)');
  });

  it('changes the password in one browser: it stays logged in, another browser of the same user is logged out', async () => {
    const demo = await startDemo();
    const browsers = await Promise.all([chromium.context(), chromium.context()]);
    const [here, elsewhere] = await Promise.all(browsers.map((context) => context.newPage()));
    for (const page of [here!, elsewhere!]) {
      await page.goto(`${demo.url}/accounts/login/`);
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Password').fill(PASSWORDS.alice);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('heading', { name: 'Your account' }).waitFor();
    }

    await here!.getByLabel('New password').fill('a new password for alice');
    await here!.getByLabel('New password').press('Enter');
    await here!.getByRole('status').waitFor();
    expect(await here!.getByRole('status').textContent()).toContain('Your password was changed.');
    expect(await here!.locator('[data-username]').textContent()).toBe('alice');
    await screenshot(here!, 'accounts-profile');

    await elsewhere!.reload();
    expect(elsewhere!.url()).toBe(`${demo.url}/accounts/login/?next=/accounts/profile/`);
    expect(await elsewhere!.getByRole('heading', { level: 1 }).textContent()).toBe('Log in with a password');

    await here!.getByRole('button', { name: 'Log out' }).click();
    expect(await here!.getByRole('heading', { level: 1 }).textContent()).toBe('Logged out');
    expect(await cookieOf(browsers[0]!, demo.url)).toBeUndefined();
    await here!.goto(`${demo.url}/whoami`);
    expect(JSON.parse((await here!.locator('body').textContent())!)).toEqual({
      authenticated: false,
      id: null,
      username: null,
    });
  });
});
