/**
 * Django's users in the demo over HTTP, on every engine that needs no server and on every framework: login
 * with a password (a new key; `next` only to a path of this site; refusals of a wrong password, an unknown,
 * inactive or password-less user, with the form again and no login), the profile behind a login, a password
 * change that keeps this session and ends the others, logout as a flush, `/whoami`, the refusal of
 * cross-site posts, a login made under a previous secret counted through SECRET_KEY_FALLBACKS, the login
 * page of a database without the user table, the session admin for `is_staff` users, and a user made by
 * `sessionkit createsuperuser --noinput`. The users live in SQLite (see accounts-users.ts); with the SQLite
 * engine, in the sessions' own database.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { WhoAmI } from '../../examples/demo/app.js';
import { createAuth, type DjangoUser, djangoUsers, sessionAuthHash } from '../../src/auth/index.js';
import type { Env } from '../../src/config/env.js';
import { createSessions } from '../../src/manager.js';
import { signedCookies } from '../../src/stores/signed-cookies.js';
import { setCookies } from '../adapters/http-helpers.js';
import { cookieValue } from '../helpers/cookies.js';
import { FAST_ITERATIONS } from '../helpers/password-count.js';
import { OLD_SECRET, TEST_SECRET } from '../helpers/secrets.js';
import { NO_PASSWORD_USER, PASSWORDS, SUPERUSER_ITERATIONS, type UsersCopy, usersDatabase } from './accounts-users.js';
import type { Browser } from './browser.js';
import { type Demo, demoHarness, type EngineCase } from './harness.js';

const { cases, start } = demoHarness();
const database = usersDatabase();
const INVALID_LOGIN = 'Please enter a correct username and password. Note that both fields may be case-sensitive.';
const CROSS_SITE = { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' };

/** The demo on `engine` with its users in a fresh copy of the users' database. */
async function startWithUsers(engine: EngineCase, env: Env = {}): Promise<{ demo: Demo; copy: UsersCopy }> {
  const copy = database.copy();
  const demo = await start(engine, { DATABASE_URL: copy.url, ...env }, { users: { iterations: FAST_ITERATIONS } });
  return { demo, copy };
}

async function whoami(browser: Browser): Promise<WhoAmI> {
  const response = await browser.fetch('/whoami');
  expect([response.status, response.headers.get('content-type')]).toEqual([200, 'application/json']);
  return (await response.json()) as WhoAmI;
}

/** Logs `browser` in; expects the redirect and resolves its `Location`. */
async function logIn(browser: Browser, username: keyof typeof PASSWORDS, fields: Record<string, string> = {}, path = '/accounts/login/'): Promise<string> {
  const response = await browser.postForm(path, { username, password: PASSWORDS[username], ...fields });
  expect(response.status, await response.clone().text()).toBe(303);
  return response.headers.get('location')!;
}

/** The status of a login with `password` from a new browser: 303 when it is the password, 200 (the form again) when not. */
async function loginStatus(demo: Demo, username: string, password: string): Promise<number> {
  return (await demo.browser().postForm('/accounts/login/', { username, password })).status;
}

const anonymous: WhoAmI = { authenticated: false, id: null, username: null };

describe.each(cases)('Django’s users in the demo on $label', (engine) => {
  it('logs in with a password: 303 to the profile under a new key, the old key dead, the rest of the session kept', async () => {
    const { demo } = await startWithUsers(engine);
    const browser = demo.browser();
    expect(await whoami(browser)).toEqual(anonymous);
    expect(await browser.text('/visit')).toBe('Visit count:1');
    const before = browser.sessionId!;

    const form = await browser.fetch('/accounts/login/');
    expect(form.status).toBe(200);
    const page = await form.text();
    expect(page).toContain('<form method="post" action="/accounts/login/">');
    expect(page).toContain('autocomplete="current-password"');

    expect(await logIn(browser, 'alice')).toBe('/accounts/profile/');
    expect(browser.sessionId).not.toBe(before);
    if (demo.inner) expect(await demo.inner.load(before)).toBeNull();
    const alice = await whoami(browser);
    expect(alice).toEqual({ authenticated: true, id: expect.any(Number), username: 'alice' });
    const view = await demo.view(browser);
    expect(view.data).toMatchObject({ visit: 1, _auth_user_id: String(alice.id), _auth_user_backend: 'django.contrib.auth.backends.ModelBackend' });

    const profile = await browser.fetch('/accounts/profile/');
    expect(profile.status).toBe(200);
    const shown = await profile.text();
    expect(shown).toContain('data-username="alice"');
    expect(shown).toContain('Welcome, alice.');
    expect(shown).toContain('alice@example.com');
    expect(shown).toMatch(/<dt>Last login<\/dt><dd><time datetime="/);
    // The welcome message was shown once.
    expect(await browser.text('/accounts/profile/')).not.toContain('Welcome, alice.');
    expect(demo.logger.errors).toEqual([]);
  });

  it('refuses a wrong password, an unknown user, an inactive user and an unusable password: the form again, and no login', async () => {
    const { demo } = await startWithUsers(engine);
    const attempts: Array<[string, string]> = [
      ['alice', 'alice-pw'],
      ['alice', `${PASSWORDS.alice} `],
      ['nobody', PASSWORDS.alice],
      ['inactive', PASSWORDS.inactive],
      [NO_PASSWORD_USER, '!'],
      ['x'.repeat(151), 'pw'],
    ];
    for (const [username, password] of attempts) {
      const browser = demo.browser();
      await browser.text('/visit');
      const key = browser.sessionId;
      const response = await browser.postForm('/accounts/login/', { username, password, next: '/counter' });
      const page = await response.text();
      expect([response.status, response.headers.get('location')], username).toEqual([200, null]);
      expect(page, username).toContain(`<p role="alert">${INVALID_LOGIN}</p>`);
      // The form again, with the username typed and the `next` carried.
      expect(page).toContain('<input type="hidden" name="next" value="/counter">');
      if (username.length <= 150) expect(page).toContain(`value="${username}"`);
      expect(browser.sessionId, username).toBe(key);
      expect(await whoami(browser)).toEqual(anonymous);
      expect((await demo.view(browser)).data).toEqual({ visit: 1 });
    }
    const empty = await demo.browser().postForm('/accounts/login/', { username: 'alice', password: '' });
    expect(empty.status).toBe(200);
    expect(await empty.text()).toContain('Enter your username and your password.');
  });

  it('follows `next` only to a path of this site', async () => {
    const { demo } = await startWithUsers(engine);
    const local: Array<[string, string]> = [
      ['/counter', '/counter'],
      ['/engine?a=1&b=%2F#top', '/engine?a=1&b=%2F#top'],
      ['/caf\u00e9 ü', '/caf%C3%A9%20%C3%BC'],
    ];
    for (const [next, location] of local) expect(await logIn(demo.browser(), 'bob', { next }), next).toBe(location);
    const offSite = [
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example/',
      '/\\/evil.example',
      'javascript:alert(1)',
      'http:evil.example',
      'counter',
      '/\tevil',
      ' //evil.example',
    ];
    for (const next of offSite) {
      expect(await logIn(demo.browser(), 'bob', { next }), JSON.stringify(next)).toBe('/accounts/profile/');
      const form = await demo.browser().text(`/accounts/login/?next=${encodeURIComponent(next)}`);
      expect(form, next).not.toContain('name="next"');
    }
    // As Django's LoginView: the address's `next` when the form has none.
    expect(await logIn(demo.browser(), 'bob', {}, '/accounts/login/?next=/expiry')).toBe('/expiry');
    const form = await demo.browser().text('/accounts/login/?next=/admin/sessions/');
    expect(form).toContain('<input type="hidden" name="next" value="/admin/sessions/">');
  });

  it('keeps the profile and the password form for a logged-in user: 302 to the login page, which comes back', async () => {
    const { demo } = await startWithUsers(engine);
    const browser = demo.browser();
    const profile = await browser.fetch('/accounts/profile/');
    expect([profile.status, profile.headers.get('location')]).toEqual([302, '/accounts/login/?next=/accounts/profile/']);
    const change = await browser.postForm('/accounts/password/', { new_password: 'taken over' });
    expect([change.status, change.headers.get('location')]).toEqual([302, '/accounts/login/?next=/accounts/profile/']);
    expect(await loginStatus(demo, 'alice', 'taken over')).toBe(200);
    expect(await logIn(browser, 'alice', { next: '/accounts/profile/' })).toBe('/accounts/profile/');
    expect((await browser.fetch('/accounts/profile/')).status).toBe(200);
  });

  it('changes the password: this session stays logged in under a new key, the user’s other sessions end', async () => {
    const { demo, copy } = await startWithUsers(engine);
    const here = demo.browser();
    const elsewhere = demo.browser();
    const other = demo.browser();
    await logIn(here, 'alice');
    await logIn(elsewhere, 'alice');
    await logIn(other, 'bob');
    const key = here.sessionId;

    const refused = await here.postForm('/accounts/password/', { new_password: '' });
    expect(refused.status).toBe(200);
    expect(await refused.text()).toContain('<p role="alert">Enter the new password.</p>');

    const changed = await here.postForm('/accounts/password/', { new_password: 'new alice pw' });
    expect([changed.status, changed.headers.get('location')]).toEqual([303, '/accounts/profile/']);
    expect(here.sessionId).not.toBe(key);
    expect(await here.text('/accounts/profile/')).toContain('Your password was changed.');
    expect(await whoami(here)).toMatchObject({ authenticated: true, username: 'alice' });
    expect(await whoami(elsewhere)).toEqual(anonymous);
    expect(await whoami(other)).toMatchObject({ authenticated: true, username: 'bob' });

    const stored = await copy.users().getByUsername('alice');
    expect(stored!.passwordHash).toMatch(new RegExp(`^pbkdf2_sha256\\$${FAST_ITERATIONS}\\$`));
    expect(await loginStatus(demo, 'alice', PASSWORDS.alice)).toBe(200);
    expect(await loginStatus(demo, 'alice', 'new alice pw')).toBe(303);
  });

  it('logs out as Django does: the session flushed, its record gone, the cookie deleted', async () => {
    const { demo } = await startWithUsers(engine);
    const browser = demo.browser();
    await browser.text('/visit');
    await logIn(browser, 'alice');
    const key = browser.sessionId!;
    const response = await browser.fetch('/accounts/logout/', { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('You are logged out.');
    expect(setCookies(response)).toEqual([expect.stringMatching(/^sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=\//)]);
    if (demo.inner) expect(await demo.inner.load(key)).toBeNull();
    expect(await whoami(browser)).toEqual(anonymous);
    expect((await demo.view(browser)).data).toEqual({});
    const get = await browser.fetch('/accounts/logout/');
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
  });

  it('refuses the account forms posted from another site, and changes nothing', async () => {
    const { demo, copy } = await startWithUsers(engine);
    const browser = demo.browser();
    const login = await browser.fetch('/accounts/login/', {
      method: 'POST',
      headers: CROSS_SITE,
      body: `username=alice&password=${encodeURIComponent(PASSWORDS.alice)}`,
    });
    expect(login.status).toBe(403);
    expect(await whoami(browser)).toEqual(anonymous);

    await logIn(browser, 'alice');
    const before = (await copy.users().getByUsername('alice'))!.passwordHash;
    const posts: Array<[string, string, Record<string, string>]> = [
      ['/accounts/password/', 'new_password=chosen', CROSS_SITE],
      ['/accounts/password/', 'new_password=chosen', { 'sec-fetch-site': 'same-site', 'content-type': 'application/x-www-form-urlencoded' }],
      ['/accounts/logout/', '', CROSS_SITE],
      ['/accounts/logout/', '', { origin: 'null' }],
    ];
    for (const [path, body, headers] of posts) {
      const response = await browser.fetch(path, { method: 'POST', headers, body });
      expect(response.status, path).toBe(403);
      expect(await response.text()).toMatch(/^Cross-site request refused: /);
    }
    expect(await whoami(browser)).toMatchObject({ authenticated: true, username: 'alice' });
    expect((await copy.users().getByUsername('alice'))!.passwordHash).toBe(before);
  });

  it('counts a login made under a previous SECRET_KEY through SECRET_KEY_FALLBACKS, and rewrites its hash with the new one', async () => {
    const loginUnderOldSecret = async (demo: Demo, user: DjangoUser): Promise<string> => {
      const sessions = createSessions({ secret: OLD_SECRET, store: demo.inner ?? signedCookies() });
      const session = sessions.load(undefined);
      await createAuth({ secret: OLD_SECRET, users: { getUser: () => user } }).login(session, user);
      return cookieValue((await sessions.commit(session)).setCookie[0]!);
    };
    const { demo, copy } = await startWithUsers(engine, { SECRET_KEY_FALLBACKS: OLD_SECRET });
    const alice = (await copy.users().getByUsername('alice'))!;
    const browser = demo.browser();
    const oldKey = await loginUnderOldSecret(demo, alice);
    browser.cookies.set('sessionid', oldKey);
    expect(await whoami(browser)).toMatchObject({ authenticated: true, username: 'alice' });
    // Django 4.1+: a new key, and the hash made again with SECRET_KEY.
    expect(browser.sessionId).not.toBe(oldKey);
    expect((await demo.view(browser)).data._auth_user_hash).toBe(sessionAuthHash(alice, TEST_SECRET));
    expect(await whoami(browser)).toMatchObject({ authenticated: true, username: 'alice' });

    // Without the fallback, the same login counts for nothing.
    const { demo: strict } = await startWithUsers(engine);
    const stranger = strict.browser();
    stranger.cookies.set('sessionid', await loginUnderOldSecret(strict, alice));
    expect(await whoami(stranger)).toEqual(anonymous);
  });

  it('says how to create the user table on a database without it, and finds the table once created', async () => {
    const empty = database.empty();
    const { demo } = await startWithUsers(engine, { DATABASE_URL: `sqlite:///${empty}` });
    const browser = demo.browser();
    const page = await browser.text('/accounts/login/');
    expect(page).toContain('<p role="alert" data-users="missing">There is no auth_user table in the database DATABASE_URL names yet.</p>');
    expect(page).not.toContain(empty);
    expect(page).toContain('npx sessionkit migrate --auth');
    expect(page).toContain('manage.py migrate');
    expect(page).not.toContain('<form method="post" action="/accounts/login/">');
    const post = await browser.postForm('/accounts/login/', { username: 'alice', password: PASSWORDS.alice });
    expect(post.status).toBe(200);
    expect(await post.text()).toContain('data-users="missing"');
    expect(await whoami(browser)).toEqual(anonymous);

    const users = djangoUsers({ url: `sqlite:///${empty}`, iterations: FAST_ITERATIONS });
    try {
      expect(await users.migrate()).toBe('created');
      await users.createUser({ username: 'dora', password: 'dora-pw' });
    } finally {
      await users.close();
    }
    expect(await browser.text('/accounts/login/')).toContain('<form method="post" action="/accounts/login/">');
    expect((await browser.postForm('/accounts/login/', { username: 'dora', password: 'dora-pw' })).status).toBe(303);
    expect(await whoami(browser)).toMatchObject({ authenticated: true, username: 'dora' });
  });

  it('on a user table without a column the demo reads, says so without the database or the driver’s words, and logs which', async () => {
    const partial = database.empty();
    const db = new Database(partial);
    db.exec('CREATE TABLE auth_user (id integer PRIMARY KEY, username varchar(150) NOT NULL UNIQUE)');
    db.close();
    const { demo } = await startWithUsers(engine, { DATABASE_URL: `sqlite:///${partial}` });
    const browser = demo.browser();
    // The table is there, so the form is shown; the login's query meets the missing columns.
    expect(await browser.text('/accounts/login/')).toContain('<form method="post" action="/accounts/login/">');
    const post = await browser.postForm('/accounts/login/', { username: 'alice', password: PASSWORDS.alice });
    expect(post.status).toBe(200);
    const page = await post.text();
    expect(page).toContain('<p role="alert" data-users="missing">The user table lacks a column the demo reads; the server log says which.</p>');
    expect(page).not.toContain(partial);
    expect(page).not.toMatch(/no such column/i);
    expect(await whoami(browser)).toEqual(anonymous);
    expect(demo.logger.warnings).toHaveLength(1);
    expect(demo.logger.warnings[0]).toMatch(/^sessionkit demo: the table auth_user in .* lacks a column the user source uses \(.*no such column.*\)/);
  });

  it('lets Django’s staff users into the session admin without a token; others are refused', async () => {
    const { demo } = await startWithUsers(engine);
    const browser = demo.browser();
    const anonymousAnswer = await browser.fetch('/admin/sessions/');
    expect(anonymousAnswer.status).toBe(403);
    const refusal = await anonymousAnswer.text();
    expect(refusal).toContain('<a href="/accounts/login/?next=/admin/sessions/">log in as a staff user</a>');
    expect(refusal).not.toContain('Admin token');
    const token = await browser.postForm('/admin/login', { token: 'any token at all, long enough' });
    expect(token.status).toBe(403);
    expect(await token.text()).toContain('The demo was started without SESSION_ADMIN_TOKEN: log in as a staff user instead.');

    await logIn(browser, 'bob');
    const bob = await browser.fetch('/admin/sessions/');
    expect(bob.status).toBe(403);
    expect(await bob.text()).toContain('You are logged in as <strong>bob</strong>, who is not staff.');

    const staff = demo.browser();
    expect(await logIn(staff, 'staff', { next: '/admin/sessions/' })).toBe('/admin/sessions/');
    const list = await staff.fetch('/admin/sessions/');
    expect(list.status).toBe(200);
    const listed = await list.text();
    if (demo.inner) {
      expect(listed).toMatch(/<td>bob <span class="muted">\(user \d+\)<\/span><\/td>/);
      const csrf = /name="csrf" value="([^"]+)"/.exec(listed)![1]!;
      const deleted = await staff.postForm('/admin/sessions/delete', { csrf, hash: browser.sessionKeyHash! });
      expect([deleted.status, deleted.headers.get('location')]).toEqual([303, '/admin/sessions/']);
      expect(await whoami(browser)).toEqual(anonymous);
      const forged = await staff.postForm('/admin/sessions/clear-expired', { csrf: `${csrf}x` });
      expect(forged.status).toBe(403);
      // Leaving the admin logs a staff user out, as Django's admin does.
      const left = await staff.postForm('/admin/logout', { csrf });
      expect(left.status).toBe(303);
      expect(await whoami(staff)).toEqual(anonymous);
      expect(await staff.text('/admin/sessions/')).toContain('You left the session admin and logged out.');
    } else {
      expect(listed).toContain('sessions live in the browsers’ cookies');
    }
  });

  it('lets a user made by `sessionkit createsuperuser --noinput` log in, staff in the admin', async () => {
    const { demo, copy } = await startWithUsers(engine);
    // The command's count (SUPERUSER_ITERATIONS, standing for its default 1,000,000), not the demo's.
    expect((await copy.users().getByUsername('root'))!.passwordHash).toMatch(new RegExp(`^pbkdf2_sha256\\$${SUPERUSER_ITERATIONS}\\$`));
    const browser = demo.browser();
    expect(await logIn(browser, 'root')).toBe('/accounts/profile/');
    expect(await whoami(browser)).toMatchObject({ authenticated: true, username: 'root' });
    expect((await browser.fetch('/admin/sessions/')).status).toBe(200);
    // Rehashed to the demo's count at the login, as Django's check_password does; the session survives it.
    expect((await copy.users().getByUsername('root'))!.passwordHash).toMatch(new RegExp(`^pbkdf2_sha256\\$${FAST_ITERATIONS}\\$`));
    expect(await whoami(browser)).toMatchObject({ authenticated: true, username: 'root' });
  });

  it('refuses the login’s keys through the JSON API', async () => {
    const { demo } = await startWithUsers(engine);
    const browser = demo.browser();
    for (const key of ['_auth_user_id', '_auth_user_backend', '_auth_user_hash']) {
      const response = await browser.postJson('/session', { [key]: '1' });
      expect(response.status, key).toBe(400);
      expect(await response.text()).toBe(`${key} is the login's to set: log in at /accounts/login/.\n`);
    }
    expect((await demo.view(browser)).data).toEqual({});
  });
});

// The db engine on SQLite creates its file for the sessions; the other engines leave it to the users' command.
describe.each(cases.filter((engine) => !engine.label.startsWith('SQLite')))('Django’s users without a database on $label', (engine) => {
  it('says how to create the SQLite file and its table, and creates nothing', async () => {
    const missing = join(database.scratch, `missing-${engine.label.replace(/\W+/g, '-')}.sqlite3`);
    const { demo } = await startWithUsers(engine, { DATABASE_URL: `sqlite:///${missing}` });
    const browser = demo.browser();
    const page = await browser.text('/accounts/login/');
    expect(page).toContain('<p role="alert" data-users="missing">There is no SQLite file at the path DATABASE_URL names yet.</p>');
    expect(page).not.toContain(missing);
    expect(page).toContain('npx sessionkit migrate --auth');
    expect(await whoami(browser)).toEqual(anonymous);
    expect(existsSync(missing)).toBe(false);
  });
});
