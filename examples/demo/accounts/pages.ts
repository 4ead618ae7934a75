/**
 * The pages of Django's users: the login form (or, while the user table is missing, how to create it), the
 * profile with the password form, and the page after logging out.
 */
import type { DjangoUser } from '../../../src/auth/index.js';
import type { FlashMessage } from '../../../src/messages/index.js';
import { escapeHtml, flashList, page, timeElement } from '../layout.js';
import { keyHash } from '../pages.js';

/** The path the accounts pages are shown under in the navigation. */
export const ACCOUNT_PATH = '/accounts/profile/';

function alert(error: string | undefined): string {
  return error ? `<p role="alert">${escapeHtml(error)}</p>\n` : '';
}

/** What to run while the user table is missing, after `reason` says what is missing. */
function createTheTable(reason: string): string {
  return `<p role="alert" data-users="missing">${escapeHtml(reason)}</p>
<p>The demo's users live in Django's <code>auth_user</code> table, in the database <code>DATABASE_URL</code> names
(<code>sqlite:///db.sqlite3</code> by default), whatever <code>SESSION_ENGINE</code> keeps the sessions. Create
the table, then a user, with the same <code>DATABASE_URL</code>:</p>
<pre><code>npx sessionkit migrate --auth
npx sessionkit createsuperuser</code></pre>
<p>When a Django project uses this database, its own <code>python manage.py migrate</code> creates the table instead
(<code>migrate --auth</code> is for a database no Django project migrates), and its <code>createsuperuser</code> makes
users that log in here too. Then reload this page.</p>`;
}

/** What the login form shows. */
export interface LoginFacts {
  /** Why nobody can log in yet (the user table is missing); the form is then left out. */
  readonly unavailable?: string | undefined;
  readonly error?: string | undefined;
  /** The username typed before a refusal, shown again. */
  readonly username?: string | undefined;
  /** Where a successful login goes: a local path, or `undefined` for the profile. */
  readonly next?: string | undefined;
  readonly messages?: readonly FlashMessage[] | undefined;
  /** The hash of the session's key, `null` without one. */
  readonly current: string | null;
}

/** `GET /accounts/login/`, and a refused login. */
export function accountLoginPage(facts: LoginFacts): string {
  const next = facts.next === undefined ? '' : `<input type="hidden" name="next" value="${escapeHtml(facts.next)}">\n`;
  const form =
    facts.unavailable !== undefined
      ? createTheTable(facts.unavailable)
      : `<form method="post" action="/accounts/login/">
${next}<p><label for="username">Username</label>
<input id="username" name="username" required maxlength="150" autocomplete="username" value="${escapeHtml(facts.username ?? '')}"></p>
<p><label for="password">Password</label>
<input type="password" id="password" name="password" required autocomplete="current-password"></p>
<p><button type="submit">Log in</button></p>
</form>`;
  return page(
    'Log in with a password',
    `${flashList(facts.messages ?? [])}${alert(facts.error)}${form}
<h2>What happens at login</h2>
<p>The password is checked as Django's <code>ModelBackend</code> checks it (<code>users.authenticate</code>), against
Django's <code>auth_user</code> table. Then <code>auth.login(session, user)</code> stores Django's three keys —
<code>_auth_user_id</code>, <code>_auth_user_backend</code> and <code>_auth_user_hash</code>, an HMAC of the password's
hash — under a new session key. A Django app with the same <code>SECRET_KEY</code> and sessions sees the same login,
and a login made there counts here.</p>
<p>Your session key now: ${keyHash(facts.current)}. Log in and compare.</p>
<p class="muted">This is Django's login; <a href="/connection">the username-only example</a> shows the session alone.</p>`,
    ACCOUNT_PATH,
  );
}

function yesNo(value: boolean, yes: string): string {
  return value ? `yes (${yes})` : 'no';
}

/** `GET /accounts/profile/` of `user`, with an error of the password form. */
export function profilePage(user: DjangoUser, messages: readonly FlashMessage[], current: string | null, error?: string): string {
  return page(
    'Your account',
    `${flashList(messages)}<p>You are logged in as <strong data-username="${escapeHtml(user.username)}">${escapeHtml(user.username)}</strong>.</p>
<dl class="facts">
<dt>User id</dt><dd>${escapeHtml(String(user.id))}</dd>
<dt>Email</dt><dd>${user.email === '' ? '<span class="muted">none</span>' : escapeHtml(user.email)}</dd>
<dt>Staff</dt><dd>${yesNo(user.isStaff, '<code>is_staff</code>: the <a href="/admin/sessions/">session admin</a> lets you in')}</dd>
<dt>Last login</dt><dd>${user.lastLogin === null ? '<span class="muted">never</span>' : timeElement(user.lastLogin)}</dd>
<dt>Session key</dt><dd>${keyHash(current)}</dd>
</dl>
<h2>Change your password</h2>
${alert(error)}<form method="post" action="/accounts/password/">
<p><label for="new_password">New password</label>
<input type="password" id="new_password" name="new_password" required autocomplete="new-password"></p>
<p><button type="submit">Change the password</button></p>
</form>
<p>The new hash is saved (<code>users.setPassword</code>), and <code>auth.updateSessionAuthHash(session, user)</code>
keeps this browser logged in, under a new key. Every other session of yours — other browsers, and the Django app's —
ends at its next request: its <code>_auth_user_hash</code> no longer matches the password.</p>
<h2>Log out</h2>
<form method="post" action="/accounts/logout/"><p><button type="submit">Log out</button></p></form>
<p>Django's <code>logout()</code> flushes the whole session: its data, its stored record and its key.</p>`,
    ACCOUNT_PATH,
  );
}

/** The page after `POST /accounts/logout/`. */
export function accountLoggedOutPage(): string {
  return page(
    'Logged out',
    `<p>You are logged out.</p>
<p><code>auth.logout(session)</code> flushed your session, as Django's <code>logout()</code> does: its data is gone,
its record deleted, and this response deleted the cookie. A Django app sharing the sessions sees you logged out too.</p>
<p><a href="/accounts/login/">Log in again</a></p>`,
    ACCOUNT_PATH,
  );
}
