/**
 * The demo's flash messages: login shows its welcome at once; logout leaves one that the next /connection
 * shows, once; both stored as Django's SessionStorage stores them, on every engine.
 */
import { describe, expect, it } from 'vitest';
import { demoHarness } from '../demo/harness.js';

const { engines, start } = demoHarness();
const FLASH = /<ul class="messages" role="status">\n([\s\S]*?)\n<\/ul>/;

describe.each(engines)('demo flash messages on $label', (engine) => {
  it('login shows a success message at once; logout leaves an info message for /connection, shown once', async () => {
    const demo = await start(engine);
    const browser = demo.browser();
    expect(await browser.text('/connection')).not.toMatch(FLASH);

    const login = await browser.postForm('/login', { username: 'zoë <b>' });
    expect(login.status).toBe(200);
    expect(FLASH.exec(await login.text())?.[1]).toBe(
      '<li class="success">Welcome, zoë &#60;b&#62;. Your session key changed at login, so a key planted before it is worthless.</li>',
    );
    expect((await demo.view(browser)).data).not.toHaveProperty('_messages'); // read, so not stored
    expect(await browser.text('/connection')).not.toMatch(FLASH);

    const logout = await browser.fetch('/logout');
    expect(logout.status).toBe(200);
    expect(await logout.text()).not.toMatch(FLASH);
    expect((await demo.view(browser)).data['_messages']).toBe(
      '[["__json_message", 0, 20, "You logged out. The rest of your session, such as the visit count, is kept.", ""]]',
    );
    const next = await browser.text('/connection');
    expect(FLASH.exec(next)?.[1]).toBe('<li class="info">You logged out. The rest of your session, such as the visit count, is kept.</li>');
    expect(next).toContain('<form method="post" action="/login">');
    expect(await browser.text('/connection')).not.toMatch(FLASH);
  });
});
