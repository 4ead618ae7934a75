/**
 * The demo's routes: Django's classic session examples as pages that say what happens and why (a visit
 * counter, login/logout with a key cycle, the test cookie, per-session expiry, browser close, the engine's
 * record), Django's users (`/accounts/`, `/whoami`), the session admin, and a small JSON API over the session
 * for trying the settings out. Each route is a function of a framework-neutral {@link DemoRequest} to a
 * {@link DemoResponse}.
 *
 * Values the session cannot hold make `set`, `update` and `setExpiry` throw a `SessionValueError`, and a
 * session grown past `maxDataBytes` makes the commit fail with `SessionDataTooLarge`: the routes let both
 * go to the sessionkit adapter, which answers 400 or 413 with the reason.
 */
import { BACKEND_SESSION_KEY, HASH_SESSION_KEY, USER_ID_SESSION_KEY } from '../../src/auth/index.js';
import { EXPIRY_KEY } from '../../src/core/expiry.js';
import { getMessages, info, success } from '../../src/messages/index.js';
import type { Session } from '../../src/session.js';
import { accountRoutes } from './accounts/routes.js';
import { CSRF_KEY, STAFF_KEY } from './admin/access.js';
import { adminRoutes } from './admin/routes.js';
import type { DemoContext } from './context.js';
import { engineRoute } from './engine-route.js';
import { type DemoData, type DemoRequest, type DemoResponse, HttpError, html, json, text } from './exchange.js';
import { expiryRoutes } from './expiry-routes.js';
import { sessionKeyHash } from './key-hash.js';
import { cookieTestPage, counterPage, homePage, loggedInPage, loggedOutPage, loginPage, type Storage } from './pages.js';
import { stylesheet } from './style.js';

export { sessionKeyHash } from './key-hash.js';

/** A route: one method of one path. */
export type Route = (req: DemoRequest) => Promise<DemoResponse> | DemoResponse;

const ADMIN_KEYS = [STAFF_KEY, CSRF_KEY] as const;
const LOGIN_KEYS = [USER_ID_SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY] as const;

// Django's User.username max_length.
const MAX_USERNAME_LENGTH = 150;

/** Adds one to the session's visit count; resolves the new count. */
async function countVisit(session: Session<DemoData>): Promise<number> {
  const previous = await session.get('visit');
  const count = (Number.isSafeInteger(previous) ? (previous as number) : 0) + 1;
  await session.set('visit', count);
  return count;
}

async function visit({ session }: DemoRequest): Promise<DemoResponse> {
  return text(200, `Visit count:${await countVisit(session)}`);
}

/** The hash of the session's key, once its data is loaded; `null` without one. */
function currentKeyHash(session: Session<DemoData>): string | null {
  return session.sessionKey === null ? null : sessionKeyHash(session.sessionKey);
}

// Shows the flash messages left by an earlier request, such as logout's (read once, then gone, as in Django).
async function connection({ session }: DemoRequest): Promise<DemoResponse> {
  const username = await session.get('username');
  const messages = await getMessages(session);
  const current = currentKeyHash(session);
  return html(200, typeof username === 'string' && username !== '' ? loggedInPage(username, messages, current) : loginPage(undefined, messages, current));
}

async function login(req: DemoRequest): Promise<DemoResponse> {
  const { username } = await req.readBody();
  const name = typeof username === 'string' ? username.trim() : '';
  if (name === '' || name.length > MAX_USERNAME_LENGTH) {
    return html(400, loginPage(`Enter a username of 1 to ${MAX_USERNAME_LENGTH} characters.`));
  }
  await req.session.toJSON();
  const before = currentKeyHash(req.session);
  // A new key at login, so a key planted in the browser beforehand is worthless (session fixation).
  await req.session.cycleKey();
  await req.session.set('username', name);
  await success(req.session, `Welcome, ${name}. Your session key changed at login, so a key planted before it is worthless.`);
  // Shown at once, as a Django template rendered after the message was added would show it.
  const messages = await getMessages(req.session);
  // A signed cookie is signed anew only as the response is sent: its hash is not known yet.
  const signedCookie = req.session.engine === 'signed_cookies';
  const after = signedCookie ? null : currentKeyHash(req.session);
  return html(200, loggedInPage(name, messages, after, { before, after, signedCookie }));
}

async function logout({ session }: DemoRequest): Promise<DemoResponse> {
  await session.delete('username');
  // Shown by the next page that reads the messages (/connection).
  await info(session, 'You logged out. The rest of your session, such as the visit count, is kept.');
  return html(200, loggedOutPage());
}

async function cookieTest({ session, url }: DemoRequest): Promise<DemoResponse> {
  if (await session.testCookieWorked()) {
    await session.deleteTestCookie();
    return html(200, cookieTestPage(true));
  }
  // Asked to check, and the cookie did not come back: the browser refuses cookies.
  if (url.searchParams.has('check')) return html(200, cookieTestPage(false));
  await session.setTestCookie();
  return html(200, cookieTestPage(null));
}

async function counter(req: DemoRequest, storage: Storage): Promise<DemoResponse> {
  return html(200, counterPage(await countVisit(req.session), storage));
}

/** The session as `GET /session` shows it. */
export interface SessionView {
  /**
   * The first 12 hex digits of the SHA-256 of the session key (for signed cookies: of the cookie), enough
   * to tell sessions apart; `null` without a key. The key itself is a bearer credential, never shown: a
   * page that printed it would hand it to any script that can read the page, HttpOnly or not.
   */
  readonly sessionKeyHash: string | null;
  readonly data: Record<string, unknown>;
  readonly expiryAge: number;
  readonly expiryDate: string;
  readonly expireAtBrowserClose: boolean;
}

async function view(session: Session<DemoData>): Promise<SessionView> {
  // Loading first: an unknown key is dropped on load, so the key shown is the one the session really has.
  const data = await session.toJSON();
  const key = session.sessionKey;
  return {
    sessionKeyHash: key === null ? null : sessionKeyHash(key),
    data,
    expiryAge: await session.getExpiryAge(),
    expiryDate: (await session.getExpiryDate()).toISOString(),
    expireAtBrowserClose: await session.getExpireAtBrowserClose(),
  };
}

async function showSession({ session }: DemoRequest): Promise<DemoResponse> {
  return json(200, await view(session));
}

/** The keys to merge into the session: the body, without the expiry's, the admin's and the login's reserved keys. */
async function postedValues(req: DemoRequest): Promise<Partial<DemoData>> {
  const values = await req.readBody();
  if (Object.hasOwn(values, EXPIRY_KEY)) throw new HttpError(400, `Set the expiry with POST /session/expiry, not through ${EXPIRY_KEY}.`);
  // The session admin's keys make a browser staff: only the admin's token may set them.
  const reserved = ADMIN_KEYS.find((key) => Object.hasOwn(values, key));
  if (reserved !== undefined) throw new HttpError(400, `${reserved} is the session admin's to set: give the admin token at /admin/sessions/.`);
  // A login is auth.login's to write, after a password check.
  const login = LOGIN_KEYS.find((key) => Object.hasOwn(values, key));
  if (login !== undefined) throw new HttpError(400, `${login} is the login's to set: log in at /accounts/login/.`);
  return values as Partial<DemoData>;
}

async function updateSession(req: DemoRequest): Promise<DemoResponse> {
  await req.session.update(await postedValues(req));
  return json(200, await view(req.session));
}

// Django saves no session on a 5xx response: the keys set here are dropped with the failed request.
async function failAfterUpdate(req: DemoRequest): Promise<DemoResponse> {
  await req.session.update(await postedValues(req));
  return text(500, 'Failed on purpose after setting the keys: a 5xx response saves nothing of the session.\n');
}

async function setExpiry(req: DemoRequest): Promise<DemoResponse> {
  const { value } = await req.readBody();
  await req.session.setExpiry(parseExpiry(value));
  return json(200, await view(req.session));
}

/**
 * `value` of `POST /session/expiry`: whole seconds (0: at browser close), an ISO date, or empty for the
 * default. A date outside years 1–9999 is the session's to refuse (`SessionValueError`).
 */
function parseExpiry(value: unknown): number | Date | null {
  if (value === undefined || value === null || value === '') return null;
  // Up to 9 digits (31 years): larger ages would put the expiry date out of JavaScript's range.
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 1e9) return value;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (/^-?\d{1,9}$/.test(trimmed)) return Number(trimmed);
    if (/^\d{4}-\d{2}-\d{2}/.test(trimmed) && !Number.isNaN(Date.parse(trimmed))) return new Date(trimmed);
  }
  throw new HttpError(400, 'value must be whole seconds (0: when the browser closes), an ISO date such as 2030-01-01T00:00:00Z, or empty for the default.');
}

async function flush({ session }: DemoRequest): Promise<DemoResponse> {
  await session.flush();
  return json(200, await view(session));
}

async function cycle({ session }: DemoRequest): Promise<DemoResponse> {
  await session.cycleKey();
  return json(200, await view(session));
}

/** The routes by path, then method, for the demo in `context`. `HEAD` is served by the `GET` route. */
export function demoRoutes(context: DemoContext): Readonly<Record<string, Readonly<Record<string, Route>>>> {
  const storage: Storage = { engine: context.engine, keptIn: context.store === null ? 'cookie' : 'server' };
  const home = html(200, homePage(storage));
  return {
    '/': { GET: () => home },
    '/style.css': { GET: stylesheet },
    '/hello': { GET: () => text(200, 'Hello') },
    '/visit': { GET: visit },
    '/counter': { GET: (req) => counter(req, storage) },
    '/connection': { GET: connection },
    '/login': { POST: login },
    // GET for links and scripts, as before; the pages log out with a form (POST), as Django 5 requires.
    '/logout': { GET: logout, POST: logout },
    '/cookie-test': { GET: cookieTest },
    ...expiryRoutes(context),
    '/engine': { GET: engineRoute(context) },
    '/session': { GET: showSession, POST: updateSession },
    '/session/expiry': { POST: setExpiry },
    '/session/flush': { POST: flush },
    '/session/cycle': { POST: cycle },
    '/session/fail': { POST: failAfterUpdate },
    ...adminRoutes(context),
    ...accountRoutes(context),
  };
}
