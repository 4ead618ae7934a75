/** The session admin's pages: off, staff only (the token form), the list of sessions, one session decoded. */

import type { DecodeResult } from '../../../src/cli/decoding.js';
import { NEW_SECRET_KEY_COMMAND } from '../../../src/config/env.js';
import type { FlashMessage } from '../../../src/messages/index.js';
import { escapeHtml, flashList, jsonBlock, page, timeElement } from '../layout.js';
import { CSRF_KEY } from './access.js';
import type { AdminRow } from './listing.js';

const CURRENT = '/admin/sessions/';

/** The admin while nobody can get in (no `SESSION_ADMIN_TOKEN`, no user database): how to turn it on. */
export function adminOffPage(): string {
  return page(
    'Session admin',
    `<p role="alert">The session admin is off: the demo was started without <code>SESSION_ADMIN_TOKEN</code> and without Django's users.</p>
<p>To turn it on, start the demo with a token of at least 16 characters, then come back here and enter it:</p>
<pre><code>SESSION_ADMIN_TOKEN=$(${escapeHtml(NEW_SECRET_KEY_COMMAND)}) npm start</code></pre>
<p>The admin lists, decodes and deletes everyone's sessions, so only staff get in: a browser that gives the token, or
a staff user of Django's (<code>is_staff</code>) logged in with a password. <code>npm start</code> reads its users from
the <code>auth_user</code> table of <code>DATABASE_URL</code>'s database.</p>`,
    CURRENT,
  );
}

/** What the refusal of a visitor who is not staff shows. */
export interface AdminRefusalFacts {
  readonly messages?: readonly FlashMessage[] | undefined;
  readonly error?: string | undefined;
  /** Whether to offer the token form (`SESSION_ADMIN_TOKEN` is set). */
  readonly tokenForm: boolean;
  /** Whether to offer a login as a staff user (the demo has Django's users). */
  readonly usersLogin: boolean;
  /** The user the visitor is logged in as, who is not staff; `null` when anonymous. */
  readonly username: string | null;
}

function staffLogin(facts: AdminRefusalFacts): string {
  if (!facts.usersLogin) return '';
  const who = facts.username === null ? '' : `You are logged in as <strong>${escapeHtml(facts.username)}</strong>, who is not staff. `;
  return `<p>${who}Staff users of Django's (<code>is_staff</code>, such as those <code>npx sessionkit createsuperuser</code> makes) get in:
<a href="/accounts/login/?next=/admin/sessions/">log in as a staff user</a>.</p>\n`;
}

function tokenForm(facts: AdminRefusalFacts): string {
  if (!facts.tokenForm) return '';
  return `<p>${facts.usersLogin ? 'Or enter' : 'Enter'} the token the demo was started with (<code>SESSION_ADMIN_TOKEN</code>).</p>
<form method="post" action="/admin/login">
<p><label for="token">Admin token</label>
<input type="password" id="token" name="token" required autocomplete="current-password"></p>
<p><button type="submit">Enter the admin</button></p>
</form>
<p class="muted">The right token marks your session as staff's and gives it a new key, as any login does.</p>`;
}

/** The refusal of a browser that is not staff, with the ways to become staff. */
export function adminLoginPage(facts: AdminRefusalFacts): string {
  const alert = facts.error ? `<p role="alert">${escapeHtml(facts.error)}</p>\n` : '';
  return page(
    'Session admin: staff only',
    `${flashList(facts.messages ?? [])}${alert}<p>The session admin lists, decodes and deletes everyone's sessions, so it is for staff only.</p>
${staffLogin(facts)}${tokenForm(facts)}`,
    CURRENT,
  );
}

/** A hidden field carrying the session's CSRF token. */
function csrfField(token: string): string {
  return `<input type="hidden" name="csrf" value="${escapeHtml(token)}">`;
}

function deleteForm(hash: string, csrf: string, label: string): string {
  return `<form class="inline" method="post" action="/admin/sessions/delete">${csrfField(csrf)}<input type="hidden" name="hash" value="${hash}"><button class="quiet" type="submit" aria-label="Delete session ${hash}">${label}</button></form>`;
}

function when(date: Date | null, unknown: string): string {
  return date === null ? `<span class="muted">${unknown}</span>` : timeElement(date);
}

function account(row: AdminRow): string | null {
  if (row.account === null) return null;
  const { id, username } = row.account;
  return username === null
    ? `<span class="muted">user ${escapeHtml(id)} (not found)</span>`
    : `${escapeHtml(username)} <span class="muted">(user ${escapeHtml(id)})</span>`;
}

function user(row: AdminRow): string {
  const names = [account(row), row.username === null ? null : escapeHtml(row.username)].filter((name) => name !== null);
  const name = names.length === 0 ? '<span class="muted">—</span>' : names.join(', ');
  return `${name}${row.staff ? ' <span class="muted">(staff)</span>' : ''}${row.decodes ? '' : ' <span class="muted">(does not decode)</span>'}`;
}

/** What the list page shows. */
export interface AdminListFacts {
  readonly messages: readonly FlashMessage[];
  readonly csrf: string;
  /** Why the store cannot be listed; the rest is then empty. */
  readonly unavailable?: string;
  readonly rows: readonly AdminRow[];
  readonly total: number;
  /** Expired sessions that wait to be cleared; `null` when the store cannot count them. */
  readonly expired: number | null;
  /** The hash of the admin's own session key. */
  readonly ownHash: string | null;
}

function sessionTable(facts: AdminListFacts): string {
  if (facts.rows.length === 0) return '<p>No live sessions.</p>';
  const rows = facts.rows.map(
    (row) => `<tr data-hash="${row.hash}">
<td><a href="/admin/sessions/show?hash=${row.hash}"><code>${row.hash}</code></a>${row.hash === facts.ownHash ? ' <span class="muted">(yours)</span>' : ''}</td>
<td>${user(row)}</td>
<td class="number">${row.size}</td>
<td>${when(row.expireDate, 'never')}</td>
<td>${when(row.lastChange, 'unknown (fixed expiry date)')}</td>
<td>${deleteForm(row.hash, facts.csrf, 'Delete')}</td>
</tr>`,
  );
  const shown = facts.total > facts.rows.length ? `, the ${facts.rows.length} last changed shown` : '';
  return `<table>
<caption>${facts.total} live session${facts.total === 1 ? '' : 's'}${shown}</caption>
<thead><tr><th scope="col">Key (SHA-256, first 12 digits)</th><th scope="col">User</th><th scope="col">Size (bytes)</th><th scope="col">Expires</th><th scope="col">Last change</th><th scope="col"><span class="muted">Action</span></th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

function clearSection(facts: AdminListFacts): string {
  const waiting =
    facts.expired === null
      ? 'This store cannot count its expired sessions ahead of clearing them.'
      : `${facts.expired} expired session${facts.expired === 1 ? '' : 's'} wait${facts.expired === 1 ? 's' : ''} to be cleared.`;
  return `<h2>Expired sessions</h2>
<p>${waiting} Expired sessions are never loaded, but database and file stores keep them until cleared, as
Django's <code>clearsessions</code> (here <code>sessionkit clearsessions</code>, from cron) does. Caches expire them by themselves.</p>
<form method="post" action="/admin/sessions/clear-expired">${csrfField(facts.csrf)}<p><button type="submit">Clear expired sessions</button></p></form>`;
}

/** The list of live sessions. */
export function adminListPage(facts: AdminListFacts): string {
  const body = facts.unavailable
    ? `<p role="alert">${escapeHtml(facts.unavailable)}</p>`
    : `${sessionTable(facts)}
<p class="muted">Keys are shown as the first 12 hex digits of their SHA-256: whoever has a key is that session, so the admin never shows one. The last change is worked out from the expiry, since Django's records hold no such date.</p>
${clearSection(facts)}`;
  return page(
    'Session admin',
    `${flashList(facts.messages)}${body}
<h2>Leave</h2>
<form method="post" action="/admin/logout">${csrfField(facts.csrf)}<p><button class="quiet" type="submit">Leave the admin</button></p></form>`,
    CURRENT,
  );
}

/** What the page of one session shows. */
export interface AdminSessionFacts {
  readonly hash: string;
  readonly size: number;
  readonly expireDate: Date | null;
  readonly lastChange: Date | null;
  readonly decoded: DecodeResult;
  readonly csrf: string;
}

/**
 * The data a page may show: the CSRF token of a staff session is that session's own secret. (So the stored
 * value, whose payload anyone can decode, is not shown either.)
 */
function shownData(data: Record<string, unknown>): Record<string, unknown> {
  return Object.hasOwn(data, CSRF_KEY) ? { ...data, [CSRF_KEY]: '(hidden)' } : data;
}

/** One session, decoded. */
export function adminSessionPage(facts: AdminSessionFacts): string {
  const decoded = facts.decoded.ok
    ? jsonBlock(shownData(facts.decoded.data))
    : `<p role="alert">The data does not decode with SECRET_KEY or SECRET_KEY_FALLBACKS: ${escapeHtml(facts.decoded.detail)}. Django would load it as an empty session.</p>`;
  return page(
    `Session ${facts.hash}`,
    `<dl class="facts">
<dt>Key</dt><dd>SHA-256 <code>${facts.hash}</code>…</dd>
<dt>Size</dt><dd>${facts.size} bytes</dd>
<dt>Expires</dt><dd>${when(facts.expireDate, 'never')}</dd>
<dt>Last change</dt><dd>${when(facts.lastChange, 'unknown (fixed expiry date)')}</dd>
</dl>
<h2>Data, decoded</h2>
${decoded}
<p>${deleteForm(facts.hash, facts.csrf, 'Delete this session')} Deleting it logs its browser out: the next request gets a new, empty session.</p>
<p><a href="/admin/sessions/">Back to the list</a></p>`,
    CURRENT,
  );
}

/** No live session has the hash asked for. */
export function adminMissingPage(hash: string): string {
  return page(
    'Session admin',
    `<p role="alert">No live session has a key whose hash is <code>${escapeHtml(hash.slice(0, 12))}</code>: it expired, was deleted, or never was.</p>
<p><a href="/admin/sessions/">Back to the list</a></p>`,
    CURRENT,
  );
}

/** A form posted without the session's CSRF token. */
export function adminCsrfPage(): string {
  return page(
    'Session admin',
    `<p role="alert">The form did not carry this session's CSRF token, so nothing was done. Reload <a href="/admin/sessions/">the admin</a> and try again.</p>`,
    CURRENT,
  );
}
