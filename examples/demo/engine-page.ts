/**
 * The engine page: which engine keeps the sessions, and the visitor's own session as that engine stores it
 * and as Django reads it back: the record's fields with the key hashed, and its data decoded.
 */
import type { DecodeResult } from '../../src/cli/decoding.js';
import { escapeHtml, jsonBlock, page, timeElement } from './layout.js';

/** Django's dotted engine names, by short name. */
const DOTTED: Readonly<Record<string, string>> = {
  db: 'django.contrib.sessions.backends.db',
  cached_db: 'django.contrib.sessions.backends.cached_db',
  cache: 'django.contrib.sessions.backends.cache',
  file: 'django.contrib.sessions.backends.file',
  signed_cookies: 'django.contrib.sessions.backends.signed_cookies',
};

/** The visitor's session as its engine keeps it. */
export type StoredView =
  /** The browser has no session. */
  | { readonly kind: 'none' }
  /** A server-side record under the session key. */
  | { readonly kind: 'record'; readonly keyHash: string; readonly data: string; readonly expireDate: Date | null; readonly decoded: DecodeResult }
  /** The browser's key names no stored record (it was deleted, or expired, during this request). */
  | { readonly kind: 'missing'; readonly keyHash: string }
  /** A signed-cookie session: the cookie is the record. */
  | { readonly kind: 'cookie'; readonly keyHash: string; readonly size: number; readonly decoded: DecodeResult };

/** What the engine page shows. */
export interface EngineFacts {
  /** The engine's short Django name, or the store's name when the demo was not told it. */
  readonly engine: string;
  /** The store's name (`sqlite`, `redis`, …). */
  readonly storeName: string;
  /** How the store wants data encoded: `signed` or `plain`. */
  readonly dataFormat: 'signed' | 'plain';
  readonly cookieName: string;
  readonly view: StoredView;
}

/** Where the engine keeps a session, with the key shown as `keyHash`: the record's name as Django would look it up. */
function recordName(engine: string, keyHash: string, cookieName: string): string {
  const key = `<var>key</var> (SHA-256 <code>${keyHash}</code>…)`;
  switch (engine) {
    case 'db':
      return `the row of the <code>django_session</code> table whose <code>session_key</code> is ${key}`;
    case 'cached_db':
      return `the row of the <code>django_session</code> table whose <code>session_key</code> is ${key}, with a copy in the cache under <code>django.contrib.sessions.cached_db</code>${key}`;
    case 'cache':
      return `the cache entry <code>django.contrib.sessions.cache</code>${key}`;
    case 'file':
      return `the file <code>${escapeHtml(cookieName)}</code>${key} in <code>SESSION_FILE_PATH</code>`;
    default:
      return `the record under ${key}`;
  }
}

function decodedBlock(decoded: DecodeResult): string {
  if (decoded.ok) return jsonBlock(decoded.data);
  return `<p role="alert">The data does not decode: ${escapeHtml(decoded.detail)}. Django would read it as an empty session.</p>`;
}

function recordSection(facts: EngineFacts): string {
  const { view } = facts;
  switch (view.kind) {
    case 'none':
      return '<p>You have no session yet: <a href="/counter">count a visit</a>, then come back to see its record.</p>';
    case 'missing':
      return `<p>Your browser sent a key (SHA-256 <code>${view.keyHash}</code>…) that names no stored session: it expired or was deleted.</p>`;
    case 'cookie':
      return `<p>Nothing is stored on the server: the <code>${escapeHtml(facts.cookieName)}</code> cookie (${view.size} bytes,
SHA-256 <code>${view.keyHash}</code>…) is the record. It holds
<code>signing.dumps(data, salt='django.contrib.sessions.backends.signed_cookies', compress=True)</code>: the data is
compressed and base64-encoded, not encrypted, so anyone holding the cookie can read it; the signature, made with
<code>SECRET_KEY</code>, makes it impossible to change. Decoded, as Django reads it:</p>
${decodedBlock(view.decoded)}`;
    case 'record': {
      const expires = view.expireDate === null ? 'not known to the store' : timeElement(view.expireDate);
      const encoding =
        facts.dataFormat === 'signed'
          ? "Django's <code>session_data</code>: <code>signing.dumps(data, salt='django.contrib.sessions.SessionStore', compress=True)</code>, signed with <code>SECRET_KEY</code>"
          : "the session's JSON as it is, unsigned, as Django's cache engine keeps it: keep the cache private";
      return `<p>Your session is ${recordName(facts.engine, view.keyHash, facts.cookieName)}. The key itself is never shown.</p>
<table>
<caption>The stored record</caption>
<tbody>
<tr><th scope="row">key</th><td>SHA-256 <code>${view.keyHash}</code>… (hashed)</td></tr>
<tr><th scope="row">data</th><td><code>${escapeHtml(view.data)}</code><br><span class="muted">${Buffer.byteLength(view.data)} bytes; ${encoding}</span></td></tr>
<tr><th scope="row">expires</th><td>${expires}</td></tr>
</tbody>
</table>
<p>The data, decoded as Django reads it:</p>
${decodedBlock(view.decoded)}`;
    }
  }
}

/** The engine page. */
export function enginePage(facts: EngineFacts): string {
  const dotted = DOTTED[facts.engine];
  const engine = dotted ? `<code>${dotted}</code>` : `<code>${escapeHtml(facts.engine)}</code>`;
  const store = facts.engine === 'signed_cookies' ? 'none: the session lives in the cookie' : `<code>${escapeHtml(facts.storeName)}</code>`;
  return page(
    'The engine',
    `<dl class="facts">
<dt><code>SESSION_ENGINE</code></dt><dd>${engine}</dd>
<dt>Store</dt><dd>${store}</dd>
</dl>
<h2>Your session, as stored</h2>
${recordSection(facts)}
<h2>Why it matters</h2>
<p>The formats are Django's: a Django app given the same <code>SECRET_KEY</code> and the same store reads these
sessions, and sessionkit reads Django's. <code>sessionkit show</code> and <code>sessionkit decode</code> print the same
decoded data from the command line.</p>
<p>Key hashes such as <code>${facts.view.kind === 'none' ? '3f2a9c…' : facts.view.keyHash}</code> tell sessions apart without giving them away:
whoever has a session's key is that session, so no page shows one.</p>
<p class="muted">Other engines: <code>SESSION_ENGINE=db</code> (SQLite, PostgreSQL, MySQL by <code>DATABASE_URL</code>),
<code>cache</code> (in process, Redis or memcached by <code>CACHE_URL</code>), <code>cached_db</code>, <code>file</code>,
<code>signed_cookies</code>.</p>`,
    '/engine',
  );
}
