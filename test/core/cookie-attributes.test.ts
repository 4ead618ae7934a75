/**
 * Cookie attributes browsers support beyond Django's: Partitioned, Priority, Secure that follows the
 * request (`cookieSecure: 'auto'` behind an explicitly trusted proxy), and the `__Host-`/`__Secure-` rules.
 */
import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { withSessions } from '../../src/adapters/node.js';
import { optionsFromEnv } from '../../src/config/env.js';
import { createSessions, SessionConfigError, type SessionOptions } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory.js';
import { type Listening, listen, setCookies } from '../adapters/http-helpers.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';

const T0 = 1_700_000_000_000;

async function cookieOf(options: Partial<SessionOptions>, request?: { secure: boolean }): Promise<string> {
  const sessions = createSessions({ secret: TEST_SECRET, store: memoryStore(), now: () => T0, ...options });
  const s = sessions.load(undefined);
  await s.set('a', 1);
  return (await sessions.commit(s, 200, request)).setCookie[0]!;
}

describe('Partitioned and Priority', () => {
  it("come after Django's attributes, which stay byte for byte", async () => {
    const cookie = await cookieOf({ cookieSecure: true, cookiePartitioned: true, cookiePriority: 'High' });
    expect(cookie).toMatch(
      /^sessionid=[a-z0-9]{32}; expires=Tue, 28 Nov 2023 22:13:20 GMT; HttpOnly; Max-Age=1209600; Path=\/; SameSite=Lax; Secure; Partitioned; Priority=High$/,
    );
  });

  it('a partitioned session is deleted with a Partitioned, Secure deletion (the only one that reaches it)', async () => {
    const sessions = createSessions({
      secret: TEST_SECRET,
      store: memoryStore(),
      cookieSecure: true,
      cookiePartitioned: true,
    });
    const s = sessions.load('sessionid=abcdefghijklmnopqrstuvwxyz012345');
    await s.flush();
    expect((await sessions.commit(s)).setCookie).toEqual([
      'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax; Secure; Partitioned',
    ]);
  });

  it.each([
    ['Partitioned without Secure', { cookiePartitioned: true }, /cookiePartitioned.*Secure/],
    ['an unknown Priority', { cookiePriority: 'Urgent' as never }, /cookiePriority/],
    ['a __Host- name without Secure', { cookieName: '__Host-sid' }, /__Host-.*cookieSecure: true/],
    ['a __Host- name with a Domain', { cookieName: '__Host-sid', cookieSecure: true, cookieDomain: '.example.com' }, /__Host-/],
    ['a __Host- name with another Path', { cookieName: '__Host-sid', cookieSecure: true, cookiePath: '/app' }, /__Host-/],
    ["a __Host- name with Secure 'auto'", { cookieName: '__Host-sid', cookieSecure: 'auto' as const }, /__Host-/],
    ['a __Secure- name without Secure', { cookieName: '__Secure-sid' }, /__Secure-.*cookieSecure: true/],
    ['a proxy header without its value', { cookieSecure: 'auto' as const, secureProxySslHeader: ['X-Forwarded-Proto'] as never }, /secureProxySslHeader/],
  ])('refuses %s at construction, saying how to fix it', (_label, options, message) => {
    expect(() => createSessions({ secret: TEST_SECRET, store: memoryStore(), ...options })).toThrow(SessionConfigError);
    expect(() => createSessions({ secret: TEST_SECRET, store: memoryStore(), ...options })).toThrow(message);
  });

  it('accepts the prefixes with the attributes they require', async () => {
    expect(await cookieOf({ cookieName: '__Host-sid', cookieSecure: true })).toMatch(/^__Host-sid=.*; Path=\/; SameSite=Lax; Secure$/);
    expect(await cookieOf({ cookieName: '__Secure-sid', cookieSecure: true, cookieDomain: '.example.com' })).toMatch(
      /^__Secure-sid=.*Domain=\.example\.com.*; Secure$/,
    );
  });
});

describe("cookieSecure: 'auto'", () => {
  it('sets Secure exactly when the commit is told the request came over HTTPS', async () => {
    expect(await cookieOf({ cookieSecure: 'auto' }, { secure: true })).toMatch(/; Secure$/);
    expect(await cookieOf({ cookieSecure: 'auto' }, { secure: false })).not.toContain('Secure');
    expect(await cookieOf({ cookieSecure: 'auto' })).not.toContain('Secure');
  });

  const running: Listening[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.close()));
  });

  async function serve(options: Partial<SessionOptions>) {
    const sessions = createSessions({ secret: TEST_SECRET, store: memoryStore(), cookieSecure: 'auto', ...options });
    const server = await listen(
      createServer(
        withSessions(sessions, async (req, res) => {
          await req.session.set('a', 1);
          res.end('ok');
        }),
      ),
    );
    running.push(server);
    return (headers: Record<string, string> = {}) => fetch(server.url, { headers }).then((response) => setCookies(response)[0]!);
  }

  it('behind a trusted proxy, follows its X-Forwarded-Proto', async () => {
    const request = await serve({ secureProxySslHeader: ['X-Forwarded-Proto', 'https'] });
    expect(await request({ 'X-Forwarded-Proto': 'https' })).toMatch(/; Secure$/);
    expect(await request({ 'X-Forwarded-Proto': 'http' })).not.toContain('Secure');
    expect(await request()).not.toContain('Secure');
  });

  it('without a trusted proxy, ignores an X-Forwarded-Proto the client sent', async () => {
    const request = await serve({});
    expect(await request({ 'X-Forwarded-Proto': 'https' })).not.toContain('Secure');
  });
});

describe('from the environment', () => {
  it('reads SESSION_COOKIE_SECURE=auto, SECURE_PROXY_SSL_HEADER, SESSION_COOKIE_PARTITIONED and SESSION_COOKIE_PRIORITY', () => {
    const { options } = optionsFromEnv(
      {
        SECRET_KEY: TEST_SECRET,
        SESSION_ENGINE: 'signed_cookies',
        SESSION_COOKIE_SECURE: 'auto',
        SECURE_PROXY_SSL_HEADER: 'HTTP_X_FORWARDED_PROTO,https',
        SESSION_COOKIE_PARTITIONED: 'True',
        SESSION_COOKIE_PRIORITY: 'high',
      },
      { logger: recordingLogger() },
    );
    const resolved = createSessions(options).options;
    expect(resolved.cookieSecure).toBe('auto');
    expect(resolved.secureProxySslHeader).toEqual(['x-forwarded-proto', 'https']);
    expect(resolved.cookiePartitioned).toBe(true);
    expect(resolved.cookiePriority).toBe('High');
  });

  it('refuses SESSION_COOKIE_PRIORITY and SECURE_PROXY_SSL_HEADER values it cannot read', () => {
    const env = { SECRET_KEY: TEST_SECRET, SESSION_ENGINE: 'signed_cookies' };
    expect(() => optionsFromEnv({ ...env, SESSION_COOKIE_PRIORITY: 'urgent' })).toThrow(/SESSION_COOKIE_PRIORITY/);
    expect(() => optionsFromEnv({ ...env, SECURE_PROXY_SSL_HEADER: 'https' })).toThrow(/SECURE_PROXY_SSL_HEADER/);
  });
});
