/**
 * Passport 0.7 on sessionkit's Express adapter with `expressSessionApi`: login regenerates the session (a
 * new key, the old one dead) and stores the user, requests after it are authenticated, logout ends it.
 * Also express-session's callback methods and property access, as code written for express-session uses them.
 */
import { createServer } from 'node:http';
import express, { type Request } from 'express';
import passport from 'passport';
import { Strategy } from 'passport-strategy';
import { afterEach, describe, expect, it } from 'vitest';
import { type ExpressSessionCompatible, session } from '../../src/adapters/express.js';
import { createSessions } from '../../src/manager.js';
import { memoryStore } from '../../src/stores/memory.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { cookiePair, type Listening, listen, setCookies } from './http-helpers.js';

interface User {
  id: number;
  username: string;
}
const USERS: readonly User[] = [{ id: 7, username: 'alice' }];

/** Logs in the user named by `?username=` (a stand-in for passport-local's form check). */
class QueryStrategy extends Strategy {
  name = 'query';
  override authenticate(req: Request): void {
    const user = USERS.find((candidate) => candidate.username === req.query['username']);
    if (user) this.success(user);
    else this.fail(401);
  }
}

function passportApp() {
  const sessions = createSessions({ secret: TEST_SECRET, store: memoryStore() });
  const auth = new passport.Passport();
  auth.use(new QueryStrategy());
  auth.serializeUser<number>((user, done) => done(null, (user as User).id));
  auth.deserializeUser<number>((id, done) => done(null, USERS.find((user) => user.id === id) ?? false));
  const app = express();
  app.use(session(sessions, { expressSessionApi: true }));
  app.use(auth.initialize());
  app.use(auth.session());
  app.get('/login', auth.authenticate('query', { failureMessage: false }), (req, res) => {
    res.send(`logged in as ${(req.user as User).username}`);
  });
  app.get('/me', (req, res) => {
    res.send(req.user ? (req.user as User).username : 'anonymous');
  });
  app.get('/logout', (req, res, next) => {
    req.logout((error) => (error ? next(error) : res.send('logged out')));
  });
  return { app, sessions };
}

describe('Passport 0.7 with expressSessionApi', () => {
  const running: Listening[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.close()));
  });

  it('logs in on a new key (the old one dead), keeps the user across requests, and logs out', async () => {
    const { app } = passportApp();
    const server = await listen(createServer(app));
    running.push(server);
    const url = server.url;

    const anonymous = await fetch(`${url}/me`);
    expect(await anonymous.text()).toBe('anonymous');
    expect((await fetch(`${url}/login?username=mallory`)).status).toBe(401);

    const login = await fetch(`${url}/login?username=alice`);
    expect(await login.text()).toBe('logged in as alice');
    const cookie = cookiePair(login);
    expect(await (await fetch(`${url}/me`, { headers: { cookie } })).text()).toBe('alice');

    // A key planted before login is worthless after it: regenerate gave the login a new key.
    const planted = cookiePair(await fetch(`${url}/login?username=alice`));
    const again = await fetch(`${url}/login?username=alice`, { headers: { cookie: planted } });
    expect(cookiePair(again)).not.toBe(planted);
    expect(await (await fetch(`${url}/me`, { headers: { cookie: planted } })).text()).toBe('anonymous');

    const logout = await fetch(`${url}/logout`, { headers: { cookie } });
    expect(await logout.text()).toBe('logged out');
    expect(await (await fetch(`${url}/me`, { headers: { cookie } })).text()).toBe('anonymous');
    // Passport's logout regenerates the session: the browser's cookie is deleted.
    expect(setCookies(logout)).toHaveLength(1);
    expect(setCookies(logout)[0]).toMatch(/^sessionid="";/);
  });
});

describe("express-session's API on req.session", () => {
  const running: Listening[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.close()));
  });

  async function serve(route: (s: ExpressSessionCompatible<Record<string, unknown>>, req: Request) => Promise<string> | string) {
    const sessions = createSessions({ secret: TEST_SECRET, store: memoryStore() });
    const app = express();
    app.use(session(sessions, { expressSessionApi: true }));
    app.use(async (req, res) => {
      res.send(await route(req.session as unknown as ExpressSessionCompatible<Record<string, unknown>>, req));
    });
    const server = await listen(createServer(app));
    running.push(server);
    return (path = '/', cookie?: string) => fetch(server.url + path, { headers: cookie ? { cookie } : {} });
  }

  it('reads and writes data as properties, synchronously, and saves them', async () => {
    const request = await serve((s, req) => {
      if (req.path === '/write') {
        s['views'] = (Number(s['views']) || 0) + 1;
        s['cart'] = { items: [1, 2] };
        delete s['gone'];
        return String(s['views']);
      }
      return JSON.stringify({ views: s['views'], cart: s['cart'], keys: Object.keys(s), has: 'views' in s, id: s.id });
    });
    const first = await request('/write');
    expect(await first.text()).toBe('1');
    const cookie = cookiePair(first);
    expect(await (await request('/write', cookie)).text()).toBe('2');
    const read = JSON.parse(await (await request('/', cookie)).text()) as Record<string, unknown>;
    expect(read).toEqual({ views: 2, cart: { items: [1, 2] }, keys: ['views', 'cart'], has: true, id: cookie.slice('sessionid='.length) });
  });

  it('refuses a value the session cannot hold at the assignment, synchronously', async () => {
    const request = await serve((s) => {
      try {
        s['bad'] = Number.NaN;
        return 'stored';
      } catch (error) {
        return (error as Error).name;
      }
    });
    expect(await (await request()).text()).toBe('SessionValueError');
  });

  it('save(cb), reload(cb), regenerate(cb), destroy(cb) and touch() keep their express-session meaning', async () => {
    const request = await serve(async (s, req) => {
      const call = (method: 'save' | 'reload' | 'regenerate' | 'destroy') =>
        new Promise<void>((resolve, reject) => (s[method] as (cb: (e?: unknown) => void) => unknown)((error) => (error ? reject(error) : resolve())));
      switch (req.path) {
        case '/save':
          s['a'] = 1;
          await call('save');
          return 'saved';
        case '/reload':
          s['a'] = 99; // not saved: reload brings back the stored value
          await call('reload');
          return String(s['a']);
        case '/regenerate': {
          const before = s.id;
          await call('regenerate');
          s['fresh'] = true;
          return `${before === null ? 'none' : 'had'} ${String(s['a'])}`;
        }
        case '/destroy':
          await call('destroy');
          return 'destroyed';
        case '/touch':
          s.touch();
          return String(s.cookie.maxAge);
      }
      return JSON.stringify({ a: s['a'] ?? null, fresh: s['fresh'] ?? null });
    });
    const saved = await request('/save');
    const cookie = cookiePair(saved);
    expect(await (await request('/reload', cookie)).text()).toBe('1');

    const regenerated = await request('/regenerate', cookie);
    expect(await regenerated.text()).toBe('had undefined');
    const fresh = cookiePair(regenerated);
    expect(fresh).not.toBe(cookie);
    expect(await (await request('/', fresh)).text()).toBe('{"a":null,"fresh":true}');
    expect(await (await request('/', cookie)).text()).toBe('{"a":null,"fresh":null}');

    const touched = await request('/touch', fresh);
    expect(await touched.text()).toBe(String(1209600 * 1000));
    expect(cookiePair(touched)).toBe(fresh); // re-sent with a fresh expiry

    const destroyed = await request('/destroy', fresh);
    expect(setCookies(destroyed)[0]).toMatch(/^sessionid="";/);
    expect(await (await request('/', fresh)).text()).toBe('{"a":null,"fresh":null}');
  });

  it('cookie.maxAge sets the per-session expiry, as express-session does', async () => {
    const request = await serve((s) => {
      s.cookie.maxAge = 60_000;
      return String(s.cookie.maxAge);
    });
    const response = await request();
    expect(await response.text()).toBe('60000');
    expect(setCookies(response)[0]).toContain('Max-Age=60;');
  });
});
