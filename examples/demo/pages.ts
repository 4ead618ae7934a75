/**
 * The demo's HTML pages. Every value shown is escaped: usernames come from the client.
 */
import type { FlashMessage } from '../../src/messages/index.js';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)} — sessionkit demo</title></head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
<p><a href="/">Home</a></p>
</body>
</html>
`;
}

/** The home page: what the demo can do. */
export function homePage(engine: string): string {
  return page(
    'sessionkit demo',
    `<p>Sessions are stored by the <code>${escapeHtml(engine)}</code> engine.</p>
<ul>
<li><a href="/visit">/visit</a> — a per-session visit counter</li>
<li><a href="/connection">/connection</a> — log in and out</li>
<li><a href="/cookie-test">/cookie-test</a> — Django's test cookie</li>
<li><a href="/session">/session</a> — the session as JSON (POST to change it)</li>
<li><a href="/hello">/hello</a> — a page that never touches the session</li>
</ul>`,
  );
}

/**
 * Flash messages as a list, each with its tags as classes (e.g. `success`); `''` when there are none. Only
 * a message marked safe is shown as HTML.
 */
export function flashList(messages: readonly FlashMessage[]): string {
  if (messages.length === 0) return '';
  const items = messages.map((m) => `<li class="${escapeHtml(m.tags)}">${m.safe ? m.message : escapeHtml(m.message)}</li>`);
  return `<ul class="messages" role="status">\n${items.join('\n')}\n</ul>\n`;
}

/** The login form, with an optional error and flash messages above it. */
export function loginPage(error?: string, messages: readonly FlashMessage[] = []): string {
  const message = error ? `<p role="alert">${escapeHtml(error)}</p>\n` : '';
  return page(
    'Log in',
    `${flashList(messages)}${message}<form method="post" action="/login">
<label>Username <input name="username" required maxlength="150" autofocus></label>
<button type="submit">Log in</button>
</form>`,
  );
}

/** The page of a logged-in user, with flash messages above it. */
export function loggedInPage(username: string, messages: readonly FlashMessage[] = []): string {
  return page('Logged in', `${flashList(messages)}<p>You are logged in as <strong>${escapeHtml(username)}</strong>.</p>\n<p><a href="/logout">Log out</a></p>`);
}

/** The page after logging out. */
export function loggedOutPage(): string {
  return page('Logged out', '<p>You are logged out.</p>\n<p><a href="/connection">Log in again</a></p>');
}

/** The result of Django's test-cookie check: `null` while it is pending. */
export function cookieTestPage(worked: boolean | null): string {
  if (worked === null) {
    return page('Test cookie', '<p>A test cookie was set.</p>\n<p><a href="/cookie-test?check=1">Check whether your browser kept it</a></p>');
  }
  return page(
    'Test cookie',
    worked ? '<p>The test cookie worked: your browser accepts cookies.</p>' : '<p>The test cookie did not work: your browser does not keep cookies.</p>',
  );
}
