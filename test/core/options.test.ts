import { describe, expect, it } from 'vitest';
import { createSessions, isWeakSecret, SessionConfigError, type SessionOptions } from '../../src/index.js';
import { MAX_COOKIE_AGE } from '../../src/options.js';
import { memoryStore } from '../../src/stores/memory.js';
import { signedCookies } from '../../src/stores/signed-cookies.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';

const make = (options: Partial<SessionOptions>) => () => createSessions({ secret: TEST_SECRET, store: memoryStore(), ...options } as SessionOptions);

describe('options: Django defaults and validation', () => {
  it("applies Django's defaults", () => {
    const o = createSessions({ secret: TEST_SECRET, store: memoryStore() }).options;
    expect(o).toMatchObject({
      cookieName: 'sessionid',
      cookieAge: 1209600,
      cookieDomain: null,
      cookiePath: '/',
      cookieSecure: false,
      cookieHttpOnly: true,
      cookieSameSite: 'Lax',
      expireAtBrowserClose: false,
      saveEveryRequest: false,
      secretFallbacks: [],
      dataSalt: 'django.contrib.sessions.SessionStore',
      locking: null,
      mergeConcurrentUpdates: true,
    });
  });

  it.each<[string, Partial<SessionOptions>, RegExp]>([
    ['no secret', { secret: '' }, /secret.*SECRET_KEY.*missing/],
    ['no store', { store: undefined as never }, /store.*SESSION_ENGINE.*sqliteStore/],
    ['a bad cookie name', { cookieName: 'bad name' }, /cookieName.*SESSION_COOKIE_NAME/],
    ['a zero cookie age', { cookieAge: 0 }, /cookieAge.*positive whole number/],
    ['a fractional cookie age', { cookieAge: 1.5 }, /cookieAge/],
    [
      'a cookie age past the dates JavaScript and Django can hold',
      { cookieAge: 9999999999999 },
      /cookieAge.*SESSION_COOKIE_AGE.*at most 10000000000 \(about 317 years\)/,
    ],
    ['a cookie age one second over the maximum', { cookieAge: MAX_COOKIE_AGE + 1 }, /at most 10000000000/],
    ['an infinite cookie age', { cookieAge: Infinity }, /cookieAge/],
    ['a path without a slash', { cookiePath: 'app' }, /cookiePath.*start with "\/"/],
    ['a path with a semicolon', { cookiePath: '/a;b' }, /cookiePath/],
    ['an unknown SameSite', { cookieSameSite: 'sometimes' as never }, /SESSION_COOKIE_SAMESITE.*"Lax", "Strict", "None" or false/],
    ['a SameSite named after an Object property', { cookieSameSite: 'constructor' as never }, /SESSION_COOKIE_SAMESITE/],
    ['fallbacks that are not strings', { secretFallbacks: [1 as never] }, /secretFallbacks/],
    ['locking on signed cookies', { store: signedCookies(), locking: true }, /locking.*signed-cookie/],
  ])('refuses %s with a message that says how to fix it', (_, options, message) => {
    const attempt = make(options);
    expect(attempt).toThrow(SessionConfigError);
    expect(attempt).toThrow(message);
  });

  it('refuses locking on a store that cannot lock', () => {
    const { lock: _lock, ...noLock } = memoryStore() as unknown as Record<string, unknown>;
    const store = Object.assign(Object.create(Object.getPrototypeOf(memoryStore())), noLock, {
      lock: undefined,
      name: 'nolock',
    });
    expect(make({ store, locking: true })).toThrow(/"nolock" store cannot lock/);
  });

  it('accepts the longest cookie age, whose expiry dates JavaScript and Django can both hold', async () => {
    const now = Date.UTC(2026, 0, 1);
    const sessions = createSessions({
      secret: TEST_SECRET,
      store: memoryStore(),
      cookieAge: MAX_COOKIE_AGE,
      now: () => now,
    });
    const session = sessions.load(undefined);
    await session.set('a', 1);
    const expires = /expires=([^;]+)/.exec((await sessions.commit(session)).setCookie[0]!)![1]!;
    expect(new Date(expires).getTime()).toBe(now + MAX_COOKIE_AGE * 1000);
    expect(new Date(expires).getUTCFullYear()).toBe(2342);
  });

  it('normalises SameSite spelling', () => {
    expect(make({ cookieSameSite: 'none', cookieSecure: true })().options.cookieSameSite).toBe('None');
    expect(make({ cookieSameSite: 'STRICT' as never })().options.cookieSameSite).toBe('Strict');
    expect(make({ cookieSameSite: false })().options.cookieSameSite).toBe(false);
  });

  it("warns loudly about a weak secret, as Django's deployment check would", () => {
    for (const weak of ['short', 'a'.repeat(60), `django-insecure-${'x1y2z3'.repeat(10)}`]) {
      expect(isWeakSecret(weak)).toBe(true);
      const logger = recordingLogger();
      createSessions({ secret: weak, store: memoryStore(), logger });
      expect(logger.warnings.join('\n')).toMatch(/WARNING.*weak/);
    }
    expect(isWeakSecret(TEST_SECRET)).toBe(false);
    const logger = recordingLogger();
    createSessions({ secret: TEST_SECRET, store: memoryStore(), logger });
    expect(logger.warnings).toEqual([]);
  });

  it('warns that SameSite=None needs Secure', () => {
    const logger = recordingLogger();
    createSessions({ secret: TEST_SECRET, store: memoryStore(), cookieSameSite: 'None', logger });
    expect(logger.warnings.join('\n')).toMatch(/cookieSecure/);
  });

  it('lets two configurations live in one process', async () => {
    const a = createSessions({ secret: TEST_SECRET, store: memoryStore(), cookieName: 'a' });
    const b = createSessions({ secret: TEST_SECRET, store: memoryStore(), cookieName: 'b', cookieAge: 5 });
    const sa = a.load(undefined);
    await sa.set('x', 1);
    const sb = b.load(undefined);
    await sb.set('x', 1);
    expect((await a.commit(sa)).setCookie[0]).toMatch(/^a=.*Max-Age=1209600/);
    expect((await b.commit(sb)).setCookie[0]).toMatch(/^b=.*Max-Age=5;/);
  });
});
