/**
 * Debian's Chromium for the browser tests, driven by playwright-core, which downloads no browser of its
 * own. One browser for all of them (`useChromium()`), since they run in one test file; contexts run with
 * JavaScript off, since every page of the demo must work without it. Screenshots go to
 * `.tmp/screenshots/` (ignored by git).
 *
 * The tests run Chromium's headless shell (Debian's `chromium-headless-shell`, the same engine and version
 * as `chromium`, and what Playwright itself runs headless): it does the same work for half the CPU of the
 * full browser in headless mode. The shell reads no settings from a profile, so the one test that turns
 * cookies off in the browser's settings runs the full `chromium`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { describeIfAvailable } from '../helpers/gate.js';
import { haveExecutable } from '../helpers/servers.js';

/** The browser: Debian's `chromium-headless-shell` package; `SESSIONKIT_CHROMIUM` names another build of it. */
export const CHROMIUM: string = process.env['SESSIONKIT_CHROMIUM'] || '/usr/bin/chromium-headless-shell';

/**
 * The full browser, for a profile whose settings matter (cookies blocked): Debian's `chromium` package;
 * `SESSIONKIT_CHROMIUM_FULL` names another build of it.
 */
export const FULL_CHROMIUM: string = process.env['SESSIONKIT_CHROMIUM_FULL'] || '/usr/bin/chromium';

/** Where the tests leave their screenshots. */
export const SCREENSHOTS: string = fileURLToPath(new URL('../../.tmp/screenshots/', import.meta.url));

/** What every context of the tests starts with: no JavaScript, a desktop-sized window. */
const CONTEXT: BrowserContextOptions = { javaScriptEnabled: false, viewport: { width: 1000, height: 760 } };

/** How long an action or a wait may take before it fails, naming what it waited for (Playwright's own is 30 s, the test's whole budget). */
const ACTION_TIMEOUT_MS = 10_000;

/**
 * `describe` for suites that need Chromium: without it the suite is skipped with a loud warning, except on
 * CI (`CI` set), where it fails, so that a machine without the browser cannot pass unnoticed.
 */
export function describeWithChromium(name: string, fn: () => void): void {
  const absent = [CHROMIUM, FULL_CHROMIUM].filter((path) => !haveExecutable(path));
  const missing =
    absent.length === 0
      ? null
      : `${absent.join(' and ')} ${absent.length === 1 ? 'is' : 'are'} not installed; the browser tests drive them (apt-get install chromium chromium-headless-shell)`;
  describeIfAvailable('Chromium', missing, name, fn);
}

/** The browser of a test file, with helpers for its contexts. */
export interface Chromium {
  /** A new context (an empty cookie jar), with JavaScript off; closed after the test. */
  context(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** A new page in a new context. */
  page(options?: BrowserContextOptions): Promise<Page>;
  /**
   * A browser profile on disk, which a real browser start reads and a real browser close writes: its
   * persistent cookies survive a restart, its session cookies do not. `blockCookies` turns cookies off in
   * its settings, as a user does under "Third-party cookies → Block all cookies" (in the full browser,
   * {@link FULL_CHROMIUM}, since the headless shell reads no settings).
   */
  profile(options?: { blockCookies?: boolean }): Profile;
}

/** A browser profile directory; each {@link Profile.open} starts Chromium on it. */
export interface Profile {
  /** Starts the browser on the profile; close the context to quit it. */
  open(): Promise<BrowserContext>;
}

let shared: Chromium | undefined;

/**
 * The browser of the test file: launched before its tests and closed after them; the contexts a test
 * opens are closed after it. Every suite of the file that calls this gets the same one, so Chromium
 * starts once.
 */
export function useChromium(): Chromium {
  shared ??= launchForTheFile();
  return shared;
}

function launchForTheFile(): Chromium {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const directories: string[] = [];
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });
  // A test's contexts end with it: the file has many tests, and each context keeps its pages' processes.
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close().catch(() => undefined)));
  });
  afterAll(async () => {
    await browser?.close();
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  });

  async function context(options: BrowserContextOptions = {}): Promise<BrowserContext> {
    if (!browser) throw new Error('useChromium(): the browser is not started yet (call it at the top of the file)');
    const created = await browser.newContext({ ...CONTEXT, ...options });
    created.setDefaultTimeout(ACTION_TIMEOUT_MS);
    contexts.push(created);
    return created;
  }

  function profile({ blockCookies = false }: { blockCookies?: boolean } = {}): Profile {
    const directory = mkdtempSync(join(tmpdir(), 'sessionkit-chromium-'));
    directories.push(directory);
    if (blockCookies) {
      // Chromium's own setting for "Block all cookies" (content setting 2: block), read at start-up.
      mkdirSync(join(directory, 'Default'));
      writeFileSync(join(directory, 'Default', 'Preferences'), JSON.stringify({ profile: { default_content_setting_values: { cookies: 2 } } }));
    }
    return {
      async open() {
        const executablePath = blockCookies ? FULL_CHROMIUM : CHROMIUM;
        const opened = await chromium.launchPersistentContext(directory, { ...CONTEXT, executablePath });
        opened.setDefaultTimeout(ACTION_TIMEOUT_MS);
        contexts.push(opened);
        return opened;
      },
    };
  }

  return {
    context,
    async page(options) {
      return (await context(options)).newPage();
    },
    profile,
  };
}

/** The first page of a context (a persistent context opens with one), or a new one. */
export async function firstPage(context: BrowserContext): Promise<Page> {
  return context.pages()[0] ?? context.newPage();
}

/** Saves a screenshot of `page` as `.tmp/screenshots/<name>.png`; resolves its path. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** The value of the cookie `name` the context holds for `url`; `undefined` without one. */
export async function cookieOf(context: BrowserContext, url: string, name = 'sessionid'): Promise<string | undefined> {
  return (await context.cookies(url)).find((cookie) => cookie.name === name)?.value;
}
