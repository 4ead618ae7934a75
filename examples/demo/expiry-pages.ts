/**
 * The pages of per-session expiry (`setExpiry`, `getExpiryAge`, `getExpiryDate`) and of
 * `SESSION_EXPIRE_AT_BROWSER_CLOSE`.
 */
import type { FlashMessage } from '../../src/messages/index.js';
import { duration, escapeHtml, flashList, page, timeElement } from './layout.js';

/** What a session says of its expiry, read on this request. */
export interface ExpiryFacts {
  /** `getExpiryAge()`. */
  readonly age: number;
  /** `getExpiryDate()`. */
  readonly date: Date;
  /** `getExpireAtBrowserClose()`. */
  readonly atBrowserClose: boolean;
  /** The session's `_session_expiry`, as stored; `undefined` when unset. */
  readonly stored: unknown;
  /** Whether the browser has a session yet. */
  readonly hasSession: boolean;
  /** `SESSION_COOKIE_AGE`. */
  readonly cookieAge: number;
  /** `SESSION_EXPIRE_AT_BROWSER_CLOSE`. */
  readonly globalAtBrowserClose: boolean;
}

/** The four choices of the expiry form. */
export type ExpiryMode = 'default' | 'seconds' | 'date' | 'browser-close';

/** What the form shows filled in: the session's choice, or what was posted with an error. */
export interface ExpiryForm {
  readonly mode: ExpiryMode;
  readonly seconds: string;
  readonly date: string;
}

/** The stored `_session_expiry` in words. */
export function describeStoredExpiry(stored: unknown, cookieAge: number): string {
  if (stored === undefined || stored === null) return `not set: the default, <code>SESSION_COOKIE_AGE</code> (${duration(cookieAge)}) after the last change`;
  if (stored === 0) return '<code>0</code>: when the browser closes';
  if (typeof stored === 'number') return `<code>${stored}</code>: ${duration(stored)} after the last change`;
  return `<code>${escapeHtml(String(stored))}</code>: a fixed date`;
}

/** The form filled in as the session's stored expiry chose, with `now` suggesting a date a day ahead. */
export function formFor(stored: unknown, now: Date): ExpiryForm {
  const tomorrow = new Date(Math.floor(now.getTime() / 60_000) * 60_000 + 86_400_000).toISOString().slice(0, 16);
  if (stored === 0) return { mode: 'browser-close', seconds: '300', date: tomorrow };
  if (typeof stored === 'number') return { mode: 'seconds', seconds: String(stored), date: tomorrow };
  if (typeof stored === 'string') {
    const at = new Date(stored);
    return { mode: 'date', seconds: '300', date: Number.isNaN(at.getTime()) ? tomorrow : at.toISOString().slice(0, 16) };
  }
  return { mode: 'default', seconds: '300', date: tomorrow };
}

function radio(mode: ExpiryMode, form: ExpiryForm, id: string, label: string): string {
  return `<input type="radio" id="${id}" name="mode" value="${mode}"${form.mode === mode ? ' checked' : ''}> <label for="${id}">${label}</label>`;
}

/** What the session's cookie carries now, in words. */
function cookieSentence(facts: ExpiryFacts): string {
  if (facts.atBrowserClose) {
    return 'Its cookie is sent without <code>Max-Age</code> or <code>Expires</code>: a browser-session cookie, which the browser drops when it closes.';
  }
  return `Its cookie is sent with <code>Max-Age=${facts.age}</code>: the browser keeps it until ${timeElement(facts.date)}, closed or not.`;
}

/** The expiry page: the session's answers, and the form that changes them. */
export function expiryPage(facts: ExpiryFacts, form: ExpiryForm, messages: readonly FlashMessage[] = [], error?: string): string {
  const alert = error ? `<p role="alert">${escapeHtml(error)}</p>\n` : '';
  const session = facts.hasSession
    ? ''
    : '<p class="muted">You have no session yet: these are the answers a new session would give. Setting an expiry creates one.</p>\n';
  return page(
    'Per-session expiry',
    `${flashList(messages)}${alert}${session}<dl class="facts" id="expiry-facts" data-expiry-age="${facts.age}" data-expire-at-browser-close="${facts.atBrowserClose}">
<dt><code>getExpiryAge()</code></dt><dd>${facts.age} seconds (${duration(facts.age)})</dd>
<dt><code>getExpiryDate()</code></dt><dd>${timeElement(facts.date)}</dd>
<dt><code>getExpireAtBrowserClose()</code></dt><dd>${facts.atBrowserClose ? 'true' : 'false'}</dd>
<dt><code>_session_expiry</code></dt><dd>${describeStoredExpiry(facts.stored, facts.cookieAge)}</dd>
</dl>
<p>${cookieSentence(facts)}</p>
<form method="post" action="/expiry">
<fieldset>
<legend>When should this session expire?</legend>
<p>${radio('default', form, 'mode-default', `The default: <code>SESSION_COOKIE_AGE</code>, ${duration(facts.cookieAge)} after each change`)}</p>
<p>${radio('seconds', form, 'mode-seconds', 'After a while without a change')}<br>
<span class="field"><label for="seconds">Seconds</label> <input type="number" id="seconds" name="seconds" min="1" max="999999999" step="1" value="${escapeHtml(form.seconds)}"></span></p>
<p>${radio('date', form, 'mode-date', 'At a fixed date')}<br>
<span class="field"><label for="date">Date and time (UTC)</label> <input type="datetime-local" id="date" name="date" value="${escapeHtml(form.date)}"></span></p>
<p>${radio('browser-close', form, 'mode-close', 'When the browser closes')}</p>
</fieldset>
<p><button type="submit">Set the expiry</button></p>
</form>
<h2>What the choices do</h2>
<p><code>session.setExpiry(value)</code> stores the choice in the session under <code>_session_expiry</code>, as Django's
<code>set_expiry</code> does: whole seconds count from the session's last change, so an active session keeps being
extended; a date is fixed; <code>0</code> ends the session with the browser; <code>null</code> goes back to the default.</p>
<p><code>getExpiryAge()</code> is the seconds from now until the session expires, and <code>getExpiryDate()</code> that
instant. The store keeps the record until the same date, and a session past it is gone: the next request gets a new, empty one.</p>
<p>Choosing “when the browser closes” changes the cookie only: on the server the record still lasts
<code>SESSION_COOKIE_AGE</code>, as in Django. See <a href="/browser-close">browser close</a>.</p>`,
    '/expiry',
  );
}

/** What the browser-close page shows. */
export interface BrowserCloseFacts {
  /** `SESSION_EXPIRE_AT_BROWSER_CLOSE`. */
  readonly setting: boolean;
  /** `getExpireAtBrowserClose()` of this session. */
  readonly atBrowserClose: boolean;
  /** The session's own `_session_expiry`, overriding the setting when set. */
  readonly stored: unknown;
  /** `getExpiryDate()` of this session. */
  readonly date: Date;
  readonly hasSession: boolean;
  /** `SESSION_COOKIE_AGE`. */
  readonly cookieAge: number;
}

/** The `SESSION_EXPIRE_AT_BROWSER_CLOSE` page. */
export function browserClosePage(facts: BrowserCloseFacts): string {
  const overridden = facts.stored !== undefined && facts.stored !== null;
  const why = overridden
    ? `because this session's own expiry overrides the setting (<code>_session_expiry</code> is ${describeStoredExpiry(facts.stored, facts.cookieAge)}; change it on the <a href="/expiry">expiry page</a>)`
    : `because <code>SESSION_EXPIRE_AT_BROWSER_CLOSE</code> is <code>${facts.setting ? 'True' : 'False'}</code> and this session has no expiry of its own`;
  const yours = facts.hasSession ? 'Your session’s cookie' : 'A session started now (you have none yet; <a href="/counter">start one</a>)';
  const verdict = facts.atBrowserClose
    ? `<p class="result ok" data-expire-at-browser-close="true">${yours} ends when the browser closes, ${why}.</p>`
    : `<p class="result ok" data-expire-at-browser-close="false">${yours} lasts until ${timeElement(facts.date)}, whether or not the browser closes, ${why}.</p>`;
  return page(
    'Browser close',
    `<dl class="facts">
<dt><code>SESSION_EXPIRE_AT_BROWSER_CLOSE</code></dt><dd><code>${facts.setting ? 'True' : 'False'}</code></dd>
<dt><code>SESSION_COOKIE_AGE</code></dt><dd>${facts.cookieAge} seconds (${duration(facts.cookieAge)})</dd>
</dl>
${verdict}
<h2>What the setting does</h2>
<p>With <code>SESSION_EXPIRE_AT_BROWSER_CLOSE=True</code>, the session cookie is sent without <code>Max-Age</code> or
<code>Expires</code>. Browsers keep such a cookie only while they run, so closing the browser ends the session; with
<code>False</code> (the default) the cookie lasts <code>SESSION_COOKIE_AGE</code>, across restarts.</p>
<p>Try it: start the demo with <code>SESSION_EXPIRE_AT_BROWSER_CLOSE=True npm start</code>, count a few visits, quit
the browser and come back: the count starts again at 1. A session's own expiry, set with <code>setExpiry()</code>,
overrides the setting either way.</p>
<p>Two things the setting does not do: it does not shorten the record on the server, which still expires after
<code>SESSION_COOKIE_AGE</code>; and it cannot stop a browser that restores its last session on start (“continue
where you left off”) from bringing such cookies back.</p>`,
    '/browser-close',
  );
}
