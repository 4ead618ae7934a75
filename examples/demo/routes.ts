/**
 * The demo's routes: Django's classic session examples (a visit counter, login/logout with a key cycle,
 * the test cookie) and a small JSON API over the session for trying the settings out.
 */
import type { ServerResponse } from 'node:http';
import type { SessionRequest } from '../../src/adapters/node.js';
import { EXPIRY_KEY } from '../../src/core/expiry.js';
import type { Session, SessionData } from '../../src/session.js';
import { HttpError, readBody, sendHtml, sendJson, sendText } from './http.js';
import { cookieTestPage, homePage, loggedInPage, loggedOutPage, loginPage } from './pages.js';

/** What the demo keeps in a session; the JSON API may add any other key. */
export interface DemoData extends SessionData {
  visit: number;
  username: string;
}

type DemoRequest = SessionRequest<DemoData>;
type Route = (req: DemoRequest, res: ServerResponse, url: URL) => Promise<void> | void;

// Django's User.username max_length.
const MAX_USERNAME_LENGTH = 150;

async function visit(req: DemoRequest, res: ServerResponse): Promise<void> {
  const previous = await req.session.get('visit');
  const count = (Number.isSafeInteger(previous) ? previous! : 0) + 1;
  await req.session.set('visit', count);
  sendText(res, 200, `Visit count:${count}`);
}

async function connection(req: DemoRequest, res: ServerResponse): Promise<void> {
  const username = await req.session.get('username');
  sendHtml(res, 200, typeof username === 'string' && username !== '' ? loggedInPage(username) : loginPage());
}

async function login(req: DemoRequest, res: ServerResponse): Promise<void> {
  const { username } = await readBody(req);
  const name = typeof username === 'string' ? username.trim() : '';
  if (name === '' || name.length > MAX_USERNAME_LENGTH) {
    return sendHtml(res, 400, loginPage(`Enter a username of 1 to ${MAX_USERNAME_LENGTH} characters.`));
  }
  // A new key at login, so a key planted in the browser beforehand is worthless (session fixation).
  await req.session.cycleKey();
  await req.session.set('username', name);
  sendHtml(res, 200, loggedInPage(name));
}

async function logout(req: DemoRequest, res: ServerResponse): Promise<void> {
  await req.session.delete('username');
  sendHtml(res, 200, loggedOutPage());
}

async function cookieTest(req: DemoRequest, res: ServerResponse, url: URL): Promise<void> {
  const session = req.session;
  if (await session.testCookieWorked()) {
    await session.deleteTestCookie();
    return sendHtml(res, 200, cookieTestPage(true));
  }
  // Asked to check, and the cookie did not come back: the browser refuses cookies.
  if (url.searchParams.has('check')) return sendHtml(res, 200, cookieTestPage(false));
  await session.setTestCookie();
  sendHtml(res, 200, cookieTestPage(null));
}

/** The session as `GET /session` shows it. */
export interface SessionView {
  readonly sessionKey: string | null;
  readonly data: Record<string, unknown>;
  readonly expiryAge: number;
  readonly expiryDate: string;
  readonly expireAtBrowserClose: boolean;
}

async function view(session: Session<DemoData>): Promise<SessionView> {
  // Loading first: an unknown key is dropped on load, so the key shown is the one the session really has.
  const data = await session.toJSON();
  return {
    sessionKey: session.sessionKey,
    data,
    expiryAge: await session.getExpiryAge(),
    expiryDate: (await session.getExpiryDate()).toISOString(),
    expireAtBrowserClose: await session.getExpireAtBrowserClose(),
  };
}

async function showSession(req: DemoRequest, res: ServerResponse): Promise<void> {
  sendJson(res, 200, await view(req.session));
}

async function updateSession(req: DemoRequest, res: ServerResponse): Promise<void> {
  const values = await readBody(req);
  if (Object.hasOwn(values, EXPIRY_KEY)) throw new HttpError(400, `Set the expiry with POST /session/expiry, not through ${EXPIRY_KEY}.`);
  await req.session.update(values as Partial<DemoData>);
  sendJson(res, 200, await view(req.session));
}

async function setExpiry(req: DemoRequest, res: ServerResponse): Promise<void> {
  const { value } = await readBody(req);
  await req.session.setExpiry(parseExpiry(value));
  sendJson(res, 200, await view(req.session));
}

/** `value` of `POST /session/expiry`: whole seconds (0: at browser close), an ISO date, or empty for the default. */
function parseExpiry(value: unknown): number | Date | null {
  if (value === undefined || value === null || value === '') return null;
  // Up to 9 digits (31 years): larger ages would put the expiry date out of JavaScript's range.
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 1e9) return value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (/^-?\d{1,9}$/.test(text)) return Number(text);
    if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(Date.parse(text))) return new Date(text);
  }
  throw new HttpError(400, 'value must be whole seconds (0: when the browser closes), an ISO date such as 2030-01-01T00:00:00Z, or empty for the default.');
}

async function flush(req: DemoRequest, res: ServerResponse): Promise<void> {
  await req.session.flush();
  sendJson(res, 200, await view(req.session));
}

async function cycle(req: DemoRequest, res: ServerResponse): Promise<void> {
  await req.session.cycleKey();
  sendJson(res, 200, await view(req.session));
}

/** The routes by path, then method. `HEAD` is served by the `GET` route. */
export function demoRoutes(engine: string): Readonly<Record<string, Readonly<Record<string, Route>>>> {
  return {
    '/': { GET: (_req, res) => sendHtml(res, 200, homePage(engine)) },
    '/hello': { GET: (_req, res) => sendText(res, 200, 'Hello') },
    '/visit': { GET: visit },
    '/connection': { GET: connection },
    '/login': { POST: login },
    '/logout': { GET: logout },
    '/cookie-test': { GET: cookieTest },
    '/session': { GET: showSession, POST: updateSession },
    '/session/expiry': { POST: setExpiry },
    '/session/flush': { POST: flush },
    '/session/cycle': { POST: cycle },
  };
}
