/**
 * The pages of Django's classic session examples: the home page, the visit counter, login and logout, and
 * the test cookie. Each says what happened and why.
 */
import type { FlashMessage } from '../../src/messages/index.js';
import { BRAND, escapeHtml, flashList, page } from './layout.js';

export { escapeHtml, flashList } from './layout.js';

/** Where the pages say the session is kept: the engine's name and whether only a key is in the cookie. */
export interface Storage {
  /** The engine's Django name, or the store's name. */
  readonly engine: string;
  /** `cookie` for signed cookies: the data itself is in the cookie. */
  readonly keptIn: 'server' | 'cookie';
}

/** The home page: what the demo can do, and what to try first. */
export function homePage(storage: Storage): string {
  const where =
    storage.keptIn === 'cookie'
      ? 'in your browser: the <code>signed_cookies</code> engine puts the data itself in the cookie, signed'
      : `by the <code>${escapeHtml(storage.engine)}</code> engine; your browser holds only a random key`;
  return page(
    BRAND,
    `<p class="lead">Django's session framework, in Node.js. Each page below is one example of Django's session
documentation: try it, and it tells you what happened and why.</p>
<p>Sessions are kept ${where}. Start the demo with another <code>SESSION_ENGINE</code> (<code>db</code>,
<code>cache</code>, <code>cached_db</code>, <code>file</code>, <code>signed_cookies</code>) to see the same pages
on another store.</p>
<h2>What to try</h2>
<ol class="tries">
<li><a href="/counter">Visit counter</a>: reload it and watch the count grow; a private window starts again at 1.</li>
<li><a href="/connection">Log in and out</a>: the session key changes at login, so a key planted in the browser beforehand is worthless.</li>
<li><a href="/accounts/login/">Log in with a password</a>: Django's own users (its <code>auth_user</code> table), logged in as Django logs them in, so that a Django app sharing the sessions sees the same login. Make a user with <code>npx sessionkit createsuperuser</code>.</li>
<li><a href="/cookie-test">Test cookie</a>: Django's check that the browser keeps cookies. Turn cookies off and try it again.</li>
<li><a href="/expiry">Per-session expiry</a>: choose seconds, a date, the browser's closing or the default, and watch what <code>getExpiryAge()</code> and <code>getExpiryDate()</code> answer.</li>
<li><a href="/browser-close">Browser close</a>: <code>SESSION_EXPIRE_AT_BROWSER_CLOSE</code>, and cookies that end with the browser.</li>
<li><a href="/engine">The engine</a>: your session's stored record, decoded as Django reads it.</li>
<li><a href="/admin/sessions/">Session admin</a>: staff list, decode and delete sessions (log in as a staff user, or start the demo with <code>SESSION_ADMIN_TOKEN</code> and give the token).</li>
</ol>
<h2>For scripts</h2>
<ul>
<li><a href="/visit"><code>GET /visit</code></a>: the same counter as plain text, <code>Visit count:N</code>.</li>
<li><a href="/whoami"><code>GET /whoami</code></a>: who is logged in, as JSON: <code>{"authenticated": true, "id": 1, "username": "alice"}</code>.</li>
<li><a href="/session"><code>GET /session</code></a>: the session as JSON. <code>POST /session</code> merges keys (JSON or a form);
<code>POST /session/expiry</code>, <code>/session/flush</code>, <code>/session/cycle</code> and <code>/session/fail</code> do what they say.</li>
<li><a href="/hello"><code>GET /hello</code></a>: a page that never touches the session, so it costs no store access and sends no cookie.</li>
</ul>`,
    '/',
  );
}

/** The visit counter at its `count`-th visit. */
export function counterPage(count: number, storage: Storage): string {
  const first =
    count === 1
      ? '<p>This is the first visit of this session: the session was new and empty, and setting <code>visit</code> made it worth saving, so the response carried a new <code>sessionid</code> cookie.</p>\n'
      : '';
  const where =
    storage.keptIn === 'cookie'
      ? 'With the <code>signed_cookies</code> engine the number travels in the <code>sessionid</code> cookie itself, signed with <code>SECRET_KEY</code> so that it cannot be changed: readable, but tamper-proof.'
      : `Your browser does not hold the number: its <code>sessionid</code> cookie holds a random key, and the <code>${escapeHtml(storage.engine)}</code> engine keeps the number under that key.`;
  return page(
    'Visit counter',
    `<p class="count">Visit count: <strong data-visit-count="${count}">${count}</strong></p>
<p><a href="/counter">Count another visit</a></p>
<h2>What happened</h2>
<p>Each visit of this page adds one to the number your session keeps under the key <code>visit</code>:</p>
<pre><code>const visit = ((await session.get('visit')) ?? 0) + 1;
await session.set('visit', visit);</code></pre>
${first}<p>${where}</p>
<p>Another browser, or a private window, has a session of its own and starts at 1.
<a href="/visit">/visit</a> is the same counter as plain text, for scripts and benchmarks.</p>`,
    '/counter',
  );
}

/** A session key's hash in the form the pages show it. */
export function keyHash(hash: string | null): string {
  return hash === null ? 'none yet' : `<code data-key-hash="${hash}">${hash}</code>`;
}

const KEY_HASH_NOTE = 'the first 12 hex digits of its SHA-256: the key itself is a password to your session, and no page shows it';

/** The login form, with an optional error and flash messages above it; `current` is the hash of the session's key. */
export function loginPage(error?: string, messages: readonly FlashMessage[] = [], current: string | null = null): string {
  const message = error ? `<p role="alert">${escapeHtml(error)}</p>\n` : '';
  return page(
    'Log in',
    `${flashList(messages)}${message}<form method="post" action="/login">
<p><label for="username">Username</label>
<input id="username" name="username" required maxlength="150" autocomplete="username"></p>
<p><button type="submit">Log in</button></p>
</form>
<h2>What happens at login</h2>
<p>The demo asks for a username only: this example is about the session, not about passwords
(<code>sessionkit/auth</code> checks passwords as Django does). At login it calls <code>session.cycleKey()</code>,
then stores <code>username</code>. The session keeps its data, such as the visit count, under a new key, and the
record under the old key is deleted: a key planted in your browser before login (session fixation) is worthless after it.</p>
<p>Your session key now: ${keyHash(current)} (${KEY_HASH_NOTE}). Log in and compare.</p>`,
    '/connection',
  );
}

/** The hashes of a session's key before and after the login that cycled it. */
export interface KeyChange {
  readonly before: string | null;
  /** `null` for a signed cookie, which is signed anew only as the response is sent. */
  readonly after: string | null;
  /** Whether the session is a signed cookie, which has no key on the server. */
  readonly signedCookie: boolean;
}

/** The page of a logged-in user, with flash messages above it; `change` right after the login. */
export function loggedInPage(username: string, messages: readonly FlashMessage[] = [], current: string | null = null, change?: KeyChange): string {
  let key = `<p>Your session key: ${keyHash(current)} (${KEY_HASH_NOTE}).</p>`;
  if (change?.signedCookie) {
    key =
      '<p>With signed cookies the session is the cookie itself: it is signed anew as you log in, and there is no key on the server that someone could plant beforehand.</p>';
  } else if (change) {
    key =
      change.before === null
        ? `<p>You had no session before logging in: the login made one, with the key ${keyHash(change.after)} (${KEY_HASH_NOTE}).</p>`
        : `<p>Your session key before the login: <code>${change.before}</code>; after it: ${keyHash(change.after)} (${KEY_HASH_NOTE}). The old key now names no session.</p>`;
  }
  return page(
    'Logged in',
    `${flashList(messages)}<p>You are logged in as <strong>${escapeHtml(username)}</strong>.</p>
${key}
<form method="post" action="/logout"><p><button type="submit">Log out</button></p></form>
<h2>What logging out does</h2>
<p>The demo's logout deletes <code>username</code> from the session and keeps the rest, so the visit count
goes on. (Django's <code>logout()</code> flushes the whole session and gives it a new key; <code>sessionkit/auth</code> does the same.)</p>`,
    '/connection',
  );
}

/** The page after logging out. */
export function loggedOutPage(): string {
  return page(
    'Logged out',
    `<p>You are logged out.</p>
<p><code>username</code> is gone from your session; the rest of it, such as the <a href="/counter">visit count</a>, is kept.</p>
<p><a href="/connection">Log in again</a></p>`,
    '/connection',
  );
}

const COOKIE_TEST_EXPLAINED = `<h2>How the check works</h2>
<p>A server cannot see in one request whether the browser keeps cookies: it sends a cookie and learns only on
the next request whether it came back. Django's three calls do this, and the demo uses sessionkit's names for them:</p>
<pre><code>await session.setTestCookie();      // first request: testcookie = 'worked'
await session.testCookieWorked();   // next request: did the session come back?
await session.deleteTestCookie();   // tidy up</code></pre>
<p>Without cookies there is no session at all: no visit count, no login. Sites check before a login form, so
they can say so plainly instead of failing in silence.</p>`;

/** The result of Django's test-cookie check: `null` while it is pending. */
export function cookieTestPage(worked: boolean | null): string {
  if (worked === null) {
    return page(
      'Test cookie',
      `<p>A test cookie was set.</p>
<p><a href="/cookie-test?check=1">Check whether your browser kept it</a></p>
${COOKIE_TEST_EXPLAINED}`,
      '/cookie-test',
    );
  }
  const result = worked
    ? '<p class="result ok" data-cookies="enabled" role="status">The test cookie worked: your browser accepts cookies.</p>'
    : `<p class="result bad" data-cookies="disabled" role="alert">The test cookie did not work: your browser does not keep cookies.
Sessions need them: without cookies this site cannot count your visits or keep you logged in. Allow cookies for this site, then <a href="/cookie-test">try again</a>.</p>`;
  return page('Test cookie', `${result}\n${worked ? '<p><a href="/cookie-test">Run the check again</a></p>\n' : ''}${COOKIE_TEST_EXPLAINED}`, '/cookie-test');
}
