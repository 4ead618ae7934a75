/**
 * SECRET_KEY_FALLBACKS on every framework, on SQLite and signed cookies: after the secret changes, a demo
 * with the old secret among its fallbacks still reads the sessions signed with it and signs them anew with
 * the new one; a demo without the fallback reads them as fresh sessions, and the re-signed ones as they are.
 */
import { describe, expect, it } from 'vitest';
import { FRAMEWORKS, type SessionView } from '../../examples/demo/app.js';
import { OLD_SECRET, TEST_SECRET } from '../helpers/secrets.js';
import { demoHarness } from './harness.js';

const { engines, on, start } = demoHarness();
const [, sqlite, signedCookies] = engines;
const cases = FRAMEWORKS.flatMap((framework) => [sqlite!, signedCookies!].map((engine) => on(engine, framework)));

/** The session the cookie `value` names, as `GET /session` on `url` shows it. */
async function view(url: string, value: string): Promise<SessionView> {
  const response = await fetch(`${url}/session`, { headers: { cookie: `sessionid=${value}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as SessionView;
}

describe.each(cases)('SECRET_KEY_FALLBACKS on $label', (engine) => {
  it('reads what the old secret signed, and signs it anew with the new one', async () => {
    // One database for the three demos (the signed-cookie engine keeps the session in the cookie).
    const shared = engine.env();
    const before = await start(engine, { ...shared, SECRET_KEY: OLD_SECRET });
    const rotated = await start(engine, { ...shared, SECRET_KEY: TEST_SECRET, SECRET_KEY_FALLBACKS: `unused-${'x'.repeat(50)},${OLD_SECRET}` });
    const without = await start(engine, { ...shared, SECRET_KEY: TEST_SECRET });

    const browser = before.browser();
    expect((await browser.postForm('/login', { username: 'alice' })).status).toBe(200);
    expect(await browser.text('/visit')).toBe('Visit count:1');
    const signedWithOld = browser.sessionId!;
    expect((await view(without.url, signedWithOld)).data).toEqual({});

    const moved = rotated.browser();
    moved.cookies.set('sessionid', signedWithOld);
    expect(await moved.text('/connection')).toContain('You are logged in as <strong>alice</strong>');
    expect(await moved.text('/visit')).toBe('Visit count:2');
    expect((await view(without.url, moved.sessionId!)).data).toEqual({ username: 'alice', visit: 2 });
    for (const demo of [before, rotated, without]) expect(demo.logger.errors).toEqual([]);
  });
});
