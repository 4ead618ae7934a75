/**
 * The frame every page of the demo shares: the document, the navigation between the examples, flash
 * messages; and the escaping of what pages show. Every value shown is escaped: usernames come from the
 * client, and so does everything a session holds.
 */
import type { FlashMessage } from '../../src/messages/index.js';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The demo's name, in every page's title and header. */
export const BRAND = 'sessionkit demo';

/** The examples, in the order the home page suggests trying them: path, then name. */
const EXAMPLES: ReadonlyArray<readonly [path: string, name: string]> = [
  ['/counter', 'Visit counter'],
  ['/connection', 'Log in'],
  ['/accounts/profile/', 'Account'],
  ['/cookie-test', 'Test cookie'],
  ['/expiry', 'Expiry'],
  ['/browser-close', 'Browser close'],
  ['/engine', 'Engine'],
  ['/admin/sessions/', 'Session admin'],
];

function navigation(current: string | undefined): string {
  const items = EXAMPLES.map(([path, name]) => `<li><a href="${path}"${path === current ? ' aria-current="page"' : ''}>${name}</a></li>`);
  return `<nav aria-label="Examples"><ul>\n${items.join('\n')}\n</ul></nav>`;
}

/** A whole page titled `title` (plain text) around `body` (HTML); `current` is its path in the navigation. */
export function page(title: string, body: string, current?: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title === BRAND ? BRAND : `${escapeHtml(title)} — ${BRAND}`}</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<header>
<p class="brand"><a href="/"${current === '/' ? ' aria-current="page"' : ''}>${BRAND}</a></p>
${navigation(current)}
</header>
<main id="main">
<h1>${escapeHtml(title)}</h1>
${body}
</main>
<footer><p>Django's session framework for Node.js. Every page here works without JavaScript.</p></footer>
</body>
</html>
`;
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

/** `value` as indented JSON in a code block. */
export function jsonBlock(value: unknown): string {
  return `<pre><code>${escapeHtml(JSON.stringify(value, null, 2))}</code></pre>`;
}

/** An instant as `<time>`: `2030-01-02 03:04:05 UTC`. */
export function timeElement(date: Date): string {
  const iso = date.toISOString();
  return `<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')} UTC</time>`;
}

const UNITS: ReadonlyArray<readonly [seconds: number, name: string]> = [
  [86400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/** Seconds in words, to two units: `14 days`, `1 hour 30 minutes`, `-5 seconds`. */
export function duration(seconds: number): string {
  if (seconds === 0) return '0 seconds';
  const sign = seconds < 0 ? '-' : '';
  let rest = Math.abs(seconds);
  const parts: string[] = [];
  for (const [size, name] of UNITS) {
    if (parts.length === 2) break;
    const count = Math.floor(rest / size);
    if (count === 0) continue;
    parts.push(`${count} ${name}${count === 1 ? '' : 's'}`);
    rest -= count * size;
  }
  return sign + parts.join(' ');
}
