/**
 * The demo answers the same on every framework as on node:http: one fixed script of requests — pages,
 * HEAD, the session's JSON, bad input, the session's errors (a value it cannot hold 400, a session over
 * SESSION_MAX_DATA_BYTES 413, a store down 503 with Retry-After, a concurrent logout 400), a body over the
 * limit, 404/405/403, the teaching pages' forms and redirects — and a second script of Django's users
 * (password login, profile, password change, logout, /whoami, the admin for is_staff) give, request by
 * request, the same status line, the same headers with the same values (`Date` left out; in `Set-Cookie`
 * the session key and expiry date), the same body, and the same server log lines.
 *
 * Header names are compared as far as each framework keeps them: Fastify holds a reply's headers by
 * lower-case name, and a Fetch API `Headers` object (Hono, Fetch) holds names in lower case and lists
 * them sorted; HTTP reads names without regard to case. Malformed HTTP is node:http's to answer on every
 * framework; what @hono/node-server refuses before the app (Hono, Fetch) is pinned down at the end.
 */
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoServer, type DemoData, demoUserDatabase, FRAMEWORKS, type Framework } from '../../examples/demo/app.js';
import { optionsFromEnv } from '../../src/config/env.js';
import type { SessionStore } from '../../src/core/store-contract.js';
import { createSessions } from '../../src/manager.js';
import { memoryStore } from '../../src/stores/memory.js';
import { listen } from '../adapters/http-helpers.js';
import { cookieOf } from '../helpers/cookies.js';
import { failingStore, type StoreOperation } from '../helpers/counting-store.js';
import { FAST_ITERATIONS } from '../helpers/password-count.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import { PASSWORDS, usersDatabase } from './accounts-users.js';

type HeaderLine = readonly [name: string, value: string];

/** One answer as compared: the status line, the header lines, the body. */
interface Answer {
  readonly status: string;
  readonly headers: readonly HeaderLine[];
  readonly body: string;
}

/** How much of node:http's header block each framework can keep (see the file's comment). */
const HEADER_NAMES: Record<Framework, 'as written' | 'lower case' | 'lower case, sorted'> = {
  node: 'as written',
  express: 'as written',
  koa: 'as written',
  fastify: 'lower case',
  hono: 'lower case, sorted',
  fetch: 'lower case, sorted',
};

const MAX_DATA_BYTES = 4096;
// Random, so that compression cannot bring it under SESSION_MAX_DATA_BYTES; the same for every framework.
const TOO_BIG_FOR_THE_SESSION = JSON.stringify({ big: randomBytes(2 * MAX_DATA_BYTES).toString('base64') });
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'content-type': 'application/json' };

/** A running demo whose store can be made to fail. */
interface Demo {
  readonly port: number;
  readonly logger: ReturnType<typeof recordingLogger>;
  /** Store operations that fail as a dead server would. */
  broken: Set<StoreOperation>;
  /** While on, a session's record is deleted just before it is updated, as a concurrent logout would. */
  interrupt: boolean;
}

interface Step {
  readonly label: string;
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Sets the store up for this request; undone after it. */
  readonly store?: (demo: Demo) => void;
}

/** A request of the script: `method` on `path`, with `extra`'s headers, body and store set-up. */
const step = (method: string, label: string, path: string, extra: Pick<Step, 'headers' | 'body' | 'store'> = {}): Step => ({ label, method, path, ...extra });
const get = (label: string, path: string, extra?: Pick<Step, 'headers' | 'store'>): Step => step('GET', label, path, extra);
const head = (label: string, path: string): Step => step('HEAD', label, path);
/** A POST of `body` as a form. */
const form = (label: string, path: string, body: string): Step => step('POST', label, path, { headers: FORM, body });
/** A POST of `body` as JSON. */
const json = (label: string, path: string, body: string): Step => step('POST', label, path, { headers: JSON_TYPE, body });

const SCRIPT: readonly Step[] = [
  get('the home page', '/'),
  head('HEAD of the home page', '/'),
  get('a page that never touches the session', '/hello'),
  get('a new session', '/visit'),
  get('a returning visitor', '/visit'),
  head('HEAD of the counter', '/visit'),
  get('the login form', '/connection'),
  step('POST', 'a cross-site login', '/login', { headers: { ...FORM, origin: 'https://evil.example' }, body: 'username=mallory' }),
  form('a login without a username', '/login', 'username='),
  form('a login, which cycles the key', '/login', 'username=alice+%3Cadmin%3E'),
  get('the session as JSON', '/session'),
  json('keys merged from JSON', '/session', '{"colour":"blue","nested":{"n":[1,2]}}'),
  form('keys merged from a form', '/session', 'size=3'),
  json('malformed JSON', '/session', '{"a":'),
  step('POST', 'another media type', '/session', { headers: { 'content-type': 'text/plain' }, body: 'a=1' }),
  json('a value the session cannot hold (SessionValueError)', '/session', '{"x": 1e400}'),
  form('an expiry out of range (SessionValueError)', '/session/expiry', 'value=9999-12-31T23:59:59-14:00'),
  json('a session over SESSION_MAX_DATA_BYTES (SessionDataTooLarge)', '/session', TOO_BIG_FOR_THE_SESSION),
  json('a body over the limit', '/session', JSON.stringify({ big: 'x'.repeat(17 * 1024) })),
  json('a 5xx, which saves nothing', '/session/fail', '{"lost":1}'),
  form('an expiry in seconds', '/session/expiry', 'value=300'),
  json('an expiry at browser close', '/session/expiry', '{"value":0}'),
  step('POST', 'a key cycle', '/session/cycle'),
  get('an unknown path', '/nope'),
  step('DELETE', 'a wrong method', '/visit'),
  head('HEAD of a POST-only path', '/login'),
  get('the test cookie', '/cookie-test'),
  get('the test cookie checked', '/cookie-test?check=1'),
  get('the counter page', '/counter'),
  get('the stylesheet', '/style.css'),
  form('an expiry chosen on the form, answered by a redirect', '/expiry', 'mode=seconds&seconds=600'),
  form('an expiry the form refuses', '/expiry', 'mode=seconds&seconds=0'),
  get('the browser-close page', '/browser-close'),
  get('the session admin, off', '/admin/sessions/'),
  get('the session admin without its slash', '/admin/sessions'),
  get('a store down on load (SessionStoreUnavailable)', '/visit', { store: (demo) => (demo.broken = new Set(['load'])) }),
  step('POST', 'a store down on save (SessionStoreUnavailable)', '/session', {
    headers: JSON_TYPE,
    body: '{"a":1}',
    store: (demo) => (demo.broken = new Set(['create', 'update'])),
  }),
  get('the store back', '/visit'),
  step('POST', 'a concurrent logout (SessionInterrupted)', '/session', { headers: JSON_TYPE, body: '{"late":1}', store: (demo) => (demo.interrupt = true) }),
  get('after the logout', '/session'),
  form('a login again', '/login', 'username=bob'),
  get('a logout', '/logout'),
  step('POST', 'a logout by the form', '/logout', { headers: FORM }),
  step('POST', 'a flush, which deletes the cookie', '/session/flush'),
  get('a cookie that names no session', '/session', { headers: { cookie: 'sessionid=../../../../etc/passwd' } }),
  get('a request target that cannot be read', '//a:b@['),
];

/** Django's users: the pages an anonymous visitor sees. */
const ANONYMOUS_PAGES: readonly Step[] = [
  get('who is logged in, nobody', '/whoami'),
  get('the password login form', '/accounts/login/'),
  get('the password login form with next', '/accounts/login/?next=/counter'),
  get('the profile, anonymous', '/accounts/profile/'),
  get('the session admin, anonymous', '/admin/sessions/'),
];

/** Logins the demo refuses, and the login's keys, which the JSON API refuses to set. */
const REFUSED_LOGINS: readonly Step[] = [
  step('POST', 'a cross-site password login', '/accounts/login/', {
    headers: { ...FORM, origin: 'https://evil.example' },
    body: 'username=staff&password=staff-pw',
  }),
  form('a wrong password', '/accounts/login/', 'username=alice&password=wrong&next=%2Fcounter'),
  form('an inactive user', '/accounts/login/', 'username=inactive&password=inactive-pw'),
  form('a login without a password', '/accounts/login/', 'username=alice'),
  json('the login’s keys through the JSON API', '/session', '{"_auth_user_id":"1"}'),
];

/** A staff user logs in (its off-site next ignored) and sees the pages a login opens. */
const STAFF_PAGES: readonly Step[] = [
  form('a password login with an off-site next', '/accounts/login/', `username=staff&password=${encodeURIComponent(PASSWORDS.staff)}&next=%2F%2Fevil.example`),
  get('the profile', '/accounts/profile/'),
  get('who is logged in, staff', '/whoami'),
  get('the session admin, for an is_staff user', '/admin/sessions/'),
];

/** The staff user changes the password, logs out, and logs in again with the new one. */
const PASSWORD_CHANGE: readonly Step[] = [
  form('an empty new password', '/accounts/password/', 'new_password='),
  form('a password change', '/accounts/password/', 'new_password=n%C3%A9w+pw'),
  get('the profile after the change', '/accounts/profile/'),
  get('a logout by GET', '/accounts/logout/'),
  step('POST', 'a password logout', '/accounts/logout/', { headers: FORM }),
  get('who is logged in after the logout', '/whoami'),
  form('a login to a local next', '/accounts/login/?next=/engine', 'username=staff&password=n%C3%A9w+pw'),
];

/** Django's users, on a demo given a fresh copy of the users' database (see accounts-users.ts). */
const ACCOUNTS_SCRIPT: readonly Step[] = [...ANONYMOUS_PAGES, ...REFUSED_LOGINS, ...STAFF_PAGES, ...PASSWORD_CHANGE];

const users = usersDatabase();
const running: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((close) => close()));
});

/**
 * The demo on `framework`, on the in-process cache behind a store that can fail; with `withUsers`, Django's
 * users in a fresh copy of the users' database.
 */
async function startDemo(framework: Framework, withUsers = false): Promise<Demo> {
  const logger = recordingLogger();
  const { options } = optionsFromEnv({ SECRET_KEY: TEST_SECRET, SESSION_ENGINE: 'cache', SESSION_MAX_DATA_BYTES: String(MAX_DATA_BYTES) }, { logger });
  const inner = memoryStore();
  const failing = failingStore(inner);
  const demo: Demo = {
    port: 0,
    logger,
    get broken() {
      return failing.broken;
    },
    set broken(operations) {
      failing.broken = operations;
    },
    interrupt: false,
  };
  const store: SessionStore = {
    ...failing.store,
    update: async (key, data, expireDate, expected) => {
      if (demo.interrupt) await inner.delete(key);
      return failing.store.update(key, data, expireDate, expected);
    },
  };
  const sessions = createSessions<DemoData>({ ...options, store });
  const userDatabase = withUsers ? demoUserDatabase({ DATABASE_URL: users.copy().url }, store, { iterations: FAST_ITERATIONS }) : undefined;
  const server = await listen(await createDemoServer(sessions, framework, { users: userDatabase }));
  running.push(async () => {
    await server.close();
    await userDatabase?.close();
    await sessions.close();
  });
  return Object.assign(demo, { port: Number(new URL(server.url).port) });
}

/** Sends `step` on a kept-alive connection of `agent`; resolves the answer as the client read it. */
function send(demo: Demo, agent: Agent, step: Step, cookie: string | undefined): Promise<{ statusLine: string; raw: string[]; body: string }> {
  const headers: Record<string, string> = { ...(cookie ? { cookie } : {}), ...step.headers };
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: demo.port, method: step.method, path: step.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          statusLine: `HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}`,
          raw: res.rawHeaders,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end(step.body);
  });
}

/** The session cookie the answer leaves in the browser: `undefined` when deleted, `cookie` when untouched. */
function nextCookie(raw: readonly string[], cookie: string | undefined): string | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== 'set-cookie') continue;
    const value = raw[i + 1]!;
    cookie = /; Max-Age=0(;|$)/.test(value) ? undefined : cookieOf([value]);
  }
  return cookie;
}

/** What of an answer must be the same everywhere, as {@link HEADER_NAMES} says `framework` keeps names. */
function comparable(framework: Framework, answer: { statusLine: string; raw: string[]; body: string }): Answer {
  const lines: HeaderLine[] = [];
  for (let i = 0; i < answer.raw.length; i += 2) {
    const name = answer.raw[i]!;
    if (name.toLowerCase() === 'date') continue;
    let value = answer.raw[i + 1]!;
    // A new key and expiry date on each run; a deleted cookie (`sessionid=""`, 1970) stays as it is.
    if (name.toLowerCase() === 'set-cookie')
      value = value.replace(/^sessionid=[a-z0-9]{32}/, 'sessionid=<key>').replace(/expires=(?!Thu, 01 Jan 1970)[^;]+/, 'expires=<date>');
    lines.push([HEADER_NAMES[framework] === 'as written' ? name : name.toLowerCase(), value]);
  }
  if (HEADER_NAMES[framework] === 'lower case, sorted') lines.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // The session's view shows a hash of its key and its expiry date, different on each run; so do the pages
  // about login and the session admin (the hash, in attributes and as text) and about expiry (dates).
  const body = answer.body
    .replace(/"sessionKeyHash":"[0-9a-f]{12}"/, '"sessionKeyHash":"<hash>"')
    .replace(/"expiryDate":"[^"]+"/, '"expiryDate":"<date>"')
    .replace(/(?<=[">])[0-9a-f]{12}(?=["<])/g, '<hash>')
    // The session admin's rows link to each session, and label its button, by that hash.
    .replace(/(?<=hash=|Delete session )[0-9a-f]{12}(?=")/g, '<hash>')
    // The expiry pages show instants (as long on every run) and suggest a date a day ahead.
    .replace(/<time datetime="[^"]+">[^<]+<\/time>/g, '<time>')
    // The session admin's forms carry the session's random CSRF token.
    .replace(/name="csrf" value="[^"]+"/g, 'name="csrf" value="<csrf>"')
    .replace(/value="\d{4}-\d\d-\d\dT\d\d:\d\d"/g, 'value="<date>"');
  return { status: answer.statusLine, headers: lines, body };
}

/**
 * Runs `script` ({@link SCRIPT} by default; {@link ACCOUNTS_SCRIPT} on a demo with users) on a new demo on
 * `framework`; resolves each step's answer, and the server's log.
 */
async function runScript(
  framework: Framework,
  script: readonly Step[] = SCRIPT,
): Promise<{ answers: Map<string, { statusLine: string; raw: string[]; body: string }>; log: string[] }> {
  const demo = await startDemo(framework, script === ACCOUNTS_SCRIPT);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const answers = new Map<string, { statusLine: string; raw: string[]; body: string }>();
  let cookie: string | undefined;
  try {
    for (const step of script) {
      step.store?.(demo);
      const answer = await send(demo, agent, step, cookie);
      demo.broken = new Set();
      demo.interrupt = false;
      answers.set(step.label, answer);
      if (!step.headers?.cookie) cookie = nextCookie(answer.raw, cookie);
    }
  } finally {
    agent.destroy();
  }
  return { answers, log: [...demo.logger.errors, ...demo.logger.warnings] };
}

/** Sends `text` on a new connection; resolves all the server answered before it closed. */
function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('connect', () => socket.write(text));
    socket.on('data', (data) => (answer += data.toString('latin1')));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => resolve(answer));
  });
}

describe('the demo answers byte for byte as on node:http', () => {
  it('on node:http, the script meets each error it is written for', async () => {
    const { answers, log } = await runScript('node');
    const status = (label: string): string => answers.get(label)!.statusLine;
    expect(status('a value the session cannot hold (SessionValueError)')).toBe('HTTP/1.1 400 Bad Request');
    expect(answers.get('a value the session cannot hold (SessionValueError)')!.body).toMatch(/^400 Bad Request: \S/);
    expect(status('a session over SESSION_MAX_DATA_BYTES (SessionDataTooLarge)')).toBe('HTTP/1.1 413 Payload Too Large');
    expect(answers.get('a session over SESSION_MAX_DATA_BYTES (SessionDataTooLarge)')!.body).toMatch(/^413 Payload Too Large: \S/);
    expect(status('a body over the limit')).toBe('HTTP/1.1 413 Payload Too Large');
    for (const label of ['a store down on load (SessionStoreUnavailable)', 'a store down on save (SessionStoreUnavailable)']) {
      expect(status(label)).toBe('HTTP/1.1 503 Service Unavailable');
      expect(answers.get(label)!.raw).toContain('Retry-After');
    }
    expect(answers.get('a concurrent logout (SessionInterrupted)')!.body).toContain("The request's session was deleted before the request completed.");
    expect(status('a 5xx, which saves nothing')).toBe('HTTP/1.1 500 Internal Server Error');
    expect(status('a cross-site login')).toBe('HTTP/1.1 403 Forbidden');
    expect(status('a request target that cannot be read')).toBe('HTTP/1.1 400 Bad Request');
    expect(answers.get('a login, which cycles the key')!.raw).toContain('Set-Cookie');
    expect(answers.get('a flush, which deletes the cookie')!.raw).toContain('Set-Cookie');
    expect(answers.get('after the logout')!.body).toContain('"data":{}');
    // Errors, then warnings: the store down on load and on save, the session over the limit, and back twice.
    const down = 'sessionkit: session store "memory" is unavailable: connect ECONNREFUSED 127.0.0.1:5432';
    const back = expect.stringMatching(/^sessionkit: session store "memory" is back after \d+ s; 1 request failed on it meanwhile\.$/);
    const tooLarge = expect.stringMatching(
      /^sessionkit: a session of \d+ bytes was not saved \("memory" engine\): it is over maxDataBytes \(4096 bytes, SESSION_MAX_DATA_BYTES\); nothing was written\.$/,
    );
    expect(log).toEqual([down, down, tooLarge, back, back]);
  });

  it('on node:http, the accounts script logs in, changes the password and logs out as it is written to', async () => {
    const { answers, log } = await runScript('node', ACCOUNTS_SCRIPT);
    const status = (label: string): string => answers.get(label)!.statusLine.replace(/^HTTP\/1\.1 /, '');
    const location = (label: string): string | undefined => {
      const raw = answers.get(label)!.raw;
      return raw[raw.findIndex((name) => name.toLowerCase() === 'location') + 1];
    };
    expect(answers.get('who is logged in, nobody')!.body).toBe('{"authenticated":false,"id":null,"username":null}');
    expect([status('the profile, anonymous'), location('the profile, anonymous')]).toEqual(['302 Found', '/accounts/login/?next=/accounts/profile/']);
    expect(status('the session admin, anonymous')).toBe('403 Forbidden');
    expect(status('a cross-site password login')).toBe('403 Forbidden');
    for (const label of ['a wrong password', 'an inactive user', 'a login without a password', 'an empty new password'])
      expect(status(label), label).toBe('200 OK');
    expect(status('the login’s keys through the JSON API')).toBe('400 Bad Request');
    expect([status('a password login with an off-site next'), location('a password login with an off-site next')]).toEqual([
      '303 See Other',
      '/accounts/profile/',
    ]);
    expect(answers.get('who is logged in, staff')!.body).toMatch(/^\{"authenticated":true,"id":\d+,"username":"staff"\}$/);
    expect(status('the session admin, for an is_staff user')).toBe('200 OK');
    expect([status('a password change'), location('a password change')]).toEqual(['303 See Other', '/accounts/profile/']);
    expect(answers.get('the profile after the change')!.body).toContain('Your password was changed.');
    expect(status('a logout by GET')).toBe('405 Method Not Allowed');
    expect(answers.get('a password logout')!.raw).toContain('Set-Cookie');
    expect(answers.get('who is logged in after the logout')!.body).toContain('"authenticated":false');
    expect([status('a login to a local next'), location('a login to a local next')]).toEqual(['303 See Other', '/engine']);
    expect(log).toEqual([]);
  });

  describe.each(FRAMEWORKS.filter((framework) => framework !== 'node'))('%s', (framework) => {
    it(`answers each request of the script as node:http does, with the same log (${SCRIPT.length} requests)`, async () => {
      const node = await runScript('node');
      const other = await runScript(framework);
      for (const step of SCRIPT) {
        expect(comparable(framework, other.answers.get(step.label)!), step.label).toEqual(comparable(framework, node.answers.get(step.label)!));
      }
      expect(other.log).toEqual(node.log);
    });

    it(`answers each request of the accounts script as node:http does (${ACCOUNTS_SCRIPT.length} requests)`, async () => {
      const node = await runScript('node', ACCOUNTS_SCRIPT);
      const other = await runScript(framework, ACCOUNTS_SCRIPT);
      for (const step of ACCOUNTS_SCRIPT) {
        expect(comparable(framework, other.answers.get(step.label)!), step.label).toEqual(comparable(framework, node.answers.get(step.label)!));
      }
      expect(other.log).toEqual(node.log);
    });

    it('leaves malformed HTTP to node:http, which answers 400 and closes', async () => {
      const texts = ['GET / HTTP/1.1\r\nHost: demo\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', 'NOT HTTP AT ALL\r\n\r\n'];
      const node = await startDemo('node');
      const other = await startDemo(framework);
      for (const text of texts) expect(await rawExchange(other.port, text), JSON.stringify(text)).toBe(await rawExchange(node.port, text));
    });
  });

  // The one known difference: @hono/node-server refuses these before any app sees them; node:http serves them.
  describe.each(['hono', 'fetch'] as const)('%s on @hono/node-server', (framework) => {
    it('answers a backslash in the path, or a Host that names no host, as a request target it cannot read', async () => {
      const demo = await startDemo(framework);
      for (const head of ['GET /vis\\it HTTP/1.1\r\nHost: demo', 'GET /visit HTTP/1.1\r\nHost: a b']) {
        const answer = await rawExchange(demo.port, `${head}\r\nConnection: close\r\n\r\n`);
        expect(answer, head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*\r\n\r\nBad request target\.\n$/);
      }
    });
  });
});
