/**
 * Django next to the demo, in one browser: Django's own development server (Debian's Django 3.2, the
 * minimal site in test/django/site/) and the Node demo share one SQLite database and one SECRET_KEY. Both
 * listen on 127.0.0.1, and cookies are not kept apart by port, so the browser sends the same `sessionid`
 * to both: the visit count grows across the two, and the user logged in with a password on the demo is
 * Django's `request.user` too, until the demo logs out.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import { djangoUsers } from '../../src/auth/index.js';
import { keyHash } from '../demo/browser.js';
import { demoHarness } from '../demo/harness.js';
import { describeWithDjango, djangoPython } from '../django/bridge.js';
import { DJANGO_32_ITERATIONS } from '../helpers/password-count.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { freePort, waitUntil } from '../helpers/servers.js';
import { cookieOf, describeWithChromium, screenshot, useChromium } from './chromium.js';

const SITE = fileURLToPath(new URL('../django/site/', import.meta.url));
const { engines, start } = demoHarness();
const sqlite = engines.find((engine) => engine.label === 'SQLite')!;
const chromium = useChromium();
const scratch = mkdtempSync(join(tmpdir(), 'sessionkit-browser-django-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
  rmSync(scratch, { recursive: true, force: true });
});

/** The environment of the Django site: the demo's secret and database; no bytecode left in the tree. */
function siteEnv(database: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SECRET_KEY: TEST_SECRET,
    SESSIONKIT_DJANGO_DB: database,
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONUNBUFFERED: '1',
  };
}

/** Creates Django's session table in `database` with Django's own migration. */
function migrate(database: string): void {
  const run = spawnSync(djangoPython, ['manage.py', 'migrate', '--noinput'], {
    cwd: SITE,
    env: siteEnv(database),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`manage.py migrate failed:\n${run.stdout}${run.stderr}`);
}

/** Django's development server on `database`, on a free port of 127.0.0.1; resolves its URL once it answers. */
async function runDjango(database: string): Promise<string> {
  const port = await freePort();
  const child = spawn(djangoPython, ['manage.py', 'runserver', '--noreload', `127.0.0.1:${port}`], {
    cwd: SITE,
    env: siteEnv(database),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  const url = `http://127.0.0.1:${port}`;
  try {
    // Any answer will do (a 404 here): a request to the counter would make a session nobody holds.
    await waitUntil('Django’s development server', async () => (await fetch(`${url}/`)).status > 0, 20_000);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${log}`);
  }
  return url;
}

/** Shows `shots` side by side in `page`, each with its caption, for one screenshot of both servers. */
async function sideBySide(page: Page, shots: ReadonlyArray<readonly [png: Buffer, caption: string]>): Promise<void> {
  const figures = shots.map(
    ([png, caption]) =>
      `<figure style="margin:0"><img style="width:560px;border:1px solid #c9c9d1" alt="" src="data:image/png;base64,${png.toString('base64')}"><figcaption style="font:15px system-ui,sans-serif;padding:6px 2px">${caption}</figcaption></figure>`,
  );
  await page.setViewportSize({ width: 1160, height: 500 });
  // A blank page first: the demo's page policy would refuse the images and the styles.
  await page.goto('about:blank');
  await page.setContent(`<body style="margin:12px;display:flex;gap:16px">${figures.join('')}</body>`);
}

describeWithChromium('Django and the demo in one browser', () => {
  describeWithDjango('on one SQLite database and one SECRET_KEY', () => {
    it('counts the same visits on Django’s page and on the demo’s, in one session', async () => {
      const database = join(scratch, 'db.sqlite3');
      migrate(database);
      const djangoUrl = await runDjango(database);
      const demo = await start(sqlite, { DATABASE_URL: `sqlite:///${database}` });
      const context = await chromium.context({ viewport: { width: 560, height: 440 } });
      const page = await context.newPage();
      const count = page.locator('[data-visit-count]');

      await page.goto(`${demo.url}/counter`);
      expect(await count.textContent()).toBe('1');
      const key = await cookieOf(context, demo.url);
      await page.goto(`${djangoUrl}/visit/`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^Django 3\.2/);
      expect(await count.textContent()).toBe('2');
      await screenshot(page, 'django-visit');
      await page.goto(`${demo.url}/counter`);
      expect(await count.textContent()).toBe('3');
      await page.goto(`${djangoUrl}/visit/`);
      expect(await count.textContent()).toBe('4');
      const djangoShot = await page.screenshot();
      await page.goto(`${demo.url}/counter`);
      expect(await count.textContent()).toBe('5');
      await sideBySide(page, [
        [djangoShot, `Django 3.2 at 127.0.0.1:${new URL(djangoUrl).port}/visit/`],
        [await page.screenshot(), `The Node demo at 127.0.0.1:${new URL(demo.url).port}/counter`],
      ]);
      await screenshot(page, 'django-and-demo', false);

      // One cookie for both servers, one session: the key the demo made is the one Django kept saving.
      expect(await cookieOf(context, djangoUrl)).toBe(key);
      await page.goto(`${demo.url}/engine`);
      expect(await page.locator('main').textContent()).toContain(keyHash(key!));
      expect(JSON.parse((await page.locator('pre').first().textContent())!)).toEqual({ visit: 5 });
    });

    it('shows the same logged-in user on Django’s page and the demo’s, until the demo logs out', async () => {
      const database = join(scratch, 'users.sqlite3');
      migrate(database);
      // Django 3.2's PBKDF2 count on both sides, so that neither rehashes the other's passwords.
      const iterations = DJANGO_32_ITERATIONS;
      const users = djangoUsers({ url: `sqlite:///${database}`, iterations });
      try {
        await users.createUser({ username: 'alice', password: 'alice-pw 😀', email: 'alice@example.com' });
      } finally {
        await users.close();
      }
      const djangoUrl = await runDjango(database);
      const demo = await start(sqlite, { DATABASE_URL: `sqlite:///${database}` }, { users: { iterations } });
      const context = await chromium.context({ viewport: { width: 560, height: 440 } });
      const page = await context.newPage();
      const djangoUser = page.locator('p.user');

      await page.goto(`${djangoUrl}/whoami/`);
      expect(await djangoUser.getAttribute('data-authenticated')).toBe('false');
      await page.goto(`${demo.url}/accounts/profile/`);
      expect(page.url()).toBe(`${demo.url}/accounts/login/?next=/accounts/profile/`);
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Password').fill('alice-pw 😀');
      await page.getByLabel('Password').press('Enter');
      await page.getByRole('heading', { name: 'Your account' }).waitFor();
      expect(await page.locator('[data-username]').textContent()).toBe('alice');
      const demoShot = await page.screenshot();

      await page.goto(`${djangoUrl}/whoami/`);
      expect(await djangoUser.getAttribute('data-authenticated')).toBe('true');
      expect(await djangoUser.getAttribute('data-username')).toBe('alice');
      expect(await djangoUser.textContent()).toMatch(/^Logged in as alice \(user \d+\)$/);
      await sideBySide(page, [
        [await page.screenshot(), `Django 3.2 at 127.0.0.1:${new URL(djangoUrl).port}/whoami/: request.user`],
        [demoShot, `The Node demo at 127.0.0.1:${new URL(demo.url).port}/accounts/profile/`],
      ]);
      await screenshot(page, 'django-and-demo-login', false);

      await page.goto(`${demo.url}/accounts/profile/`);
      await page.getByRole('button', { name: 'Log out' }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Logged out');
      expect(await cookieOf(context, demo.url)).toBeUndefined();
      await page.goto(`${djangoUrl}/whoami/`);
      expect(await djangoUser.getAttribute('data-authenticated')).toBe('false');
    });
  });
});
