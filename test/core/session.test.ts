import { describe, expect, it } from 'vitest';
import { sessionInternals } from '../../src/core/session-handle.js';
import type { SessionStore } from '../../src/core/store-contract.js';
import { createSessions, EXPIRY_KEY, type Session, SessionInterrupted, type SessionOptions, SessionValueError } from '../../src/index.js';
import { b64Encode, TimestampSigner } from '../../src/signing/index.js';
import { memoryStore } from '../../src/stores/memory.js';
import { signedCookies } from '../../src/stores/signed-cookies.js';
import { sqliteStore } from '../../src/stores/sqlite.js';
import { cookieOf } from '../helpers/cookies.js';
import { countingStore } from '../helpers/counting-store.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';

const T0 = 1700000000_000;

function setup(options: Partial<SessionOptions> = {}) {
  const counting = countingStore(memoryStore());
  let now = Date.now();
  const sessions = createSessions({ secret: TEST_SECRET, store: counting.store, now: () => now, ...options });
  return { sessions, counting, cookieOf, setNow: (ms: number) => (now = ms) };
}

async function savedSession(data: Record<string, unknown>) {
  const ctx = setup();
  const s = ctx.sessions.load(undefined);
  await s.update(data);
  const cookie = ctx.cookieOf((await ctx.sessions.commit(s)).setCookie);
  return { ...ctx, cookie };
}

describe('Session: dict API and the accessed / modified flags (Django §3.1–3.2)', () => {
  // [operation, does it mark accessed, does it mark modified] on a session holding { a: 1 }
  const table: Array<[string, (s: Session) => Promise<unknown>, boolean, boolean, unknown]> = [
    ['get present', (s) => s.get('a'), true, false, 1],
    ['get absent', (s) => s.get('zz'), true, false, undefined],
    ['get absent with fallback', (s) => s.get('zz', 7), true, false, 7],
    ['has', (s) => s.has('a'), true, false, true],
    ['keys', (s) => s.keys(), true, false, ['a']],
    ['values', (s) => s.values(), true, false, [1]],
    ['items', (s) => s.items(), true, false, [['a', 1]]],
    ['set', (s) => s.set('b', 2), true, true, undefined],
    ['set same value still modifies', (s) => s.set('a', 1), true, true, undefined],
    ['delete present', (s) => s.delete('a'), true, true, true],
    ['delete absent does not modify', (s) => s.delete('zz'), true, false, false],
    ['pop present', (s) => s.pop('a'), true, true, 1],
    ['pop absent with fallback does not modify', (s) => s.pop('zz', 'd'), true, false, 'd'],
    ['setDefault absent inserts', (s) => s.setDefault('b', 5), true, true, 5],
    ['setDefault present returns existing, no change', (s) => s.setDefault('a', 5), true, false, 1],
    ['update with entries', (s) => s.update({ c: 3 }), true, true, undefined],
    ['update with nothing still modifies (as Django)', (s) => s.update({}), true, true, undefined],
    ['clear', (s) => s.clear(), true, true, undefined],
    ['testCookieWorked', (s) => s.testCookieWorked(), true, false, false],
    ['setTestCookie', (s) => s.setTestCookie(), true, true, undefined],
    ['setExpiry(null) when absent does not modify', (s) => s.setExpiry(null), true, false, undefined],
    ['setExpiry(300)', (s) => s.setExpiry(300), true, true, undefined],
    ['getExpiryAge reads the session', (s) => s.getExpiryAge(), true, false, 1209600],
  ];

  it.each(table)('%s', async (_, operation, accessed, modified, result) => {
    const { sessions, cookie } = await savedSession({ a: 1 });
    const s = sessions.load(cookie);
    expect(s.accessed).toBe(false);
    expect(await operation(s)).toEqual(result);
    expect(s.accessed).toBe(accessed);
    expect(s.modified).toBe(modified);
  });

  it('sessionKey, isEmpty and getSessionCookieAge never load', async () => {
    const { sessions, cookie, counting } = await savedSession({ a: 1 });
    const loadsBefore = counting.calls.load;
    const s = sessions.load(cookie);
    expect(s.sessionKey).toBe(cookie.split('=')[1]);
    expect(s.isEmpty()).toBe(false);
    expect(s.getSessionCookieAge()).toBe(1209600);
    expect(s.accessed).toBe(false);
    expect(counting.calls.load).toBe(loadsBefore);
  });

  it('loads once, lazily, however many reads', async () => {
    const { sessions, cookie, counting } = await savedSession({ a: 1 });
    const before = counting.calls.load;
    const s = sessions.load(cookie);
    expect(counting.calls.load).toBe(before);
    await Promise.all([s.get('a'), s.get('a'), s.has('a'), s.keys()]);
    expect(counting.calls.load).toBe(before + 1);
  });

  it('keeps insertion order and JSON values', async () => {
    const { sessions, cookie } = await savedSession({ z: 1, a: { nested: [1, 'two', null, true] } });
    const s = sessions.load(cookie);
    await s.set('m', 'é😀');
    await sessions.commit(s);
    expect(await sessions.load(cookie).items()).toEqual([
      ['z', 1],
      ['a', { nested: [1, 'two', null, true] }],
      ['m', 'é😀'],
    ]);
  });

  it('isEmpty: no key and no data (Django §3.5)', async () => {
    const { sessions } = setup();
    const fresh = sessions.load(undefined);
    expect(fresh.isEmpty()).toBe(true);
    await fresh.set('x', 1);
    expect(fresh.isEmpty()).toBe(false);
    await fresh.delete('x');
    expect(fresh.isEmpty()).toBe(true);
    const stale = sessions.load('sessionid=abcdefgh12345678abcdefgh12345678');
    expect(stale.isEmpty()).toBe(false);
    await stale.get('x');
    expect(stale.sessionKey).toBeNull();
    expect(stale.isEmpty()).toBe(true);
  });

  it('stores a "__proto__" key as data, never as the prototype', async () => {
    const { sessions, cookie } = await savedSession({ a: 1 });
    const s = sessions.load(cookie);
    await s.update(JSON.parse('{"__proto__": {"polluted": true}, "b": 2}'));
    await s.set('__proto__', { polluted: 'set' });
    await sessions.commit(s);
    const data = await sessions.load(cookie).load();
    expect(Object.keys(data)).toEqual(['a', '__proto__', 'b']);
    expect(Object.getOwnPropertyDescriptor(data, '__proto__')?.value).toEqual({ polluted: 'set' });
    expect((data as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("unserialisable data is the application's error (SessionValueError at set), not a store outage", async () => {
    const { sessions, cookie } = await savedSession({ a: 1 });
    const s = sessions.load(cookie);
    await expect(s.set('bad', Number.NaN)).rejects.toBeInstanceOf(SessionValueError);
    expect(s.modified).toBe(false);
    const fresh = sessions.load(undefined);
    await expect(fresh.set('bad', Number.NaN)).rejects.toBeInstanceOf(SessionValueError);
    expect(await sessions.commit(s)).toMatchObject({ setCookie: [] });
  });

  it('markModified saves nested in-place changes', async () => {
    const { sessions, cookie } = await savedSession({ cart: ['a'] });
    const s = sessions.load(cookie);
    const cart = (await s.get('cart')) as string[];
    cart.push('b');
    expect(s.modified).toBe(false);
    s.markModified();
    await sessions.commit(s);
    expect(await sessions.load(cookie).get('cart')).toEqual(['a', 'b']);
  });
});

describe('Session: expiry (Django §3.4)', () => {
  /** A new session of a manager whose clock reads T0. */
  const newSessionAtT0 = (): Session => {
    const { sessions, setNow } = setup();
    setNow(T0);
    return sessions.load(undefined);
  };

  it.each([
    ['defaults to the cookie age', undefined, { age: 1209600, date: T0 + 1209600_000, browserClose: false }],
    ['setExpiry(seconds) stores an int counted from the last save', 300, { stored: 300, age: 300, date: T0 + 300_000, browserClose: false }],
    [
      'setExpiry(0) means at browser close, and its expiry date is now + cookie age',
      0,
      { stored: 0, age: 1209600, date: T0 + 1209600_000, browserClose: true },
    ],
  ])('%s', async (_title, expiry, expected) => {
    const s = newSessionAtT0();
    if (expiry !== undefined) await s.setExpiry(expiry);
    if ('stored' in expected) expect(await s.get(EXPIRY_KEY)).toBe(expected.stored);
    expect(await s.getExpiryAge()).toBe(expected.age);
    expect((await s.getExpiryDate()).getTime()).toBe(expected.date);
    expect(await s.getExpireAtBrowserClose()).toBe(expected.browserClose);
  });

  it('setExpiry(Date) stores Python isoformat and counts floor seconds, negative when past', async () => {
    const s = newSessionAtT0();
    await s.setExpiry(new Date(T0 + 90_500));
    expect(await s.get(EXPIRY_KEY)).toBe('2023-11-14T22:14:50.500000+00:00');
    expect(await s.getExpiryAge()).toBe(90);
    expect((await s.getExpiryDate()).toISOString()).toBe('2023-11-14T22:14:50.500Z');
    await s.setExpiry(new Date(T0 - 30_250));
    expect(await s.getExpiryAge()).toBe(-31);
    await s.setExpiry(new Date(T0 + 60_000));
    expect(await s.get(EXPIRY_KEY)).toBe('2023-11-14T22:14:20+00:00');
  });

  it('reads ISO expiries in the forms Django writes, naive ones as UTC', async () => {
    const s = newSessionAtT0();
    expect(await s.getExpiryAge({ expiry: '2023-11-14T23:13:20+01:00' })).toBe(0);
    expect(await s.getExpiryAge({ expiry: '2023-11-14T22:14:20' })).toBe(60);
    expect(await s.getExpiryAge({ expiry: '2023-11-14T22:14:20.999999' })).toBe(60);
    expect(await s.getExpiryAge({ expiry: null })).toBe(1209600);
    expect(await s.getExpiryAge({ expiry: 42 })).toBe(42);
    expect(await s.getExpiryAge({ modification: new Date(T0 - 10_000), expiry: '2023-11-14T22:13:20+00:00' })).toBe(10);
    expect(s.accessed).toBe(false);
  });

  it('a per-session expiry overrides expireAtBrowserClose, null falls back to it', async () => {
    const { sessions } = setup({ expireAtBrowserClose: true });
    const s = sessions.load(undefined);
    expect(await s.getExpireAtBrowserClose()).toBe(true);
    await s.setExpiry(300);
    expect(await s.getExpireAtBrowserClose()).toBe(false);
    await s.setExpiry(null);
    expect(await s.getExpireAtBrowserClose()).toBe(true);
  });

  it('rejects non-integer seconds and invalid dates with SessionValueError (400)', async () => {
    const { sessions } = setup();
    const s = sessions.load(undefined);
    await expect(s.setExpiry(1.5)).rejects.toThrow(new SessionValueError('The session expiry must be a whole number of seconds, not 1.5.'));
    await expect(s.setExpiry(new Date(Number.NaN))).rejects.toThrow(new SessionValueError('The session expiry must be a valid Date, and this one is invalid.'));
    await expect(s.setExpiry('300' as never)).rejects.toThrow(/must be a number of seconds, a Date or null, not a string/);
    expect(s.modified).toBe(false);
  });

  it('getExpiryAge and getExpiryDate accept a Date as the expiry, as Django accepts a datetime', async () => {
    const s = newSessionAtT0();
    expect(await s.getExpiryAge({ expiry: new Date(T0 + 90_500) })).toBe(90);
    expect((await s.getExpiryDate({ expiry: new Date(T0 + 90_500) })).getTime()).toBe(T0 + 90_500);
    expect(await s.getExpiryAge({ expiry: new Date(T0 - 1_000) })).toBe(-1);
    expect(s.accessed).toBe(false);
  });
});

describe('Session: lifecycle (Django §3.5)', () => {
  it('flush empties the data, deletes the record and drops the key', async () => {
    const { sessions, cookie, counting } = await savedSession({ user: 'alice' });
    const key = cookie.split('=')[1]!;
    const s = sessions.load(cookie);
    const calls = counting.total();
    await s.flush();
    expect(s.sessionKey).toBeNull();
    expect(await s.keys()).toEqual([]);
    // Recorded, not done: the commit deletes the record.
    expect(counting.total()).toBe(calls);
    const result = await sessions.commit(s);
    expect(await counting.store.load(key)).toBeNull();
    expect(result.setCookie[0]).toMatch(/^sessionid=""; expires=Thu, 01 Jan 1970/);
  });

  it('cycleKey keeps the data under a new key and deletes the old record', async () => {
    const { sessions, cookie, counting, cookieOf } = await savedSession({ cart: ['x'] });
    const oldKey = cookie.split('=')[1]!;
    const s = sessions.load(cookie);
    await s.load();
    const writes = counting.writes();
    await s.cycleKey();
    const newKey = s.sessionKey!;
    expect(newKey).not.toBe(oldKey);
    expect(newKey).toMatch(/^[a-z0-9]{32}$/);
    // Recorded, not done: the commit writes the new record and deletes the old one.
    expect(counting.writes()).toBe(writes);
    await s.set('user', 'bob');
    const newCookie = cookieOf((await sessions.commit(s)).setCookie);
    expect(newCookie).toBe(`sessionid=${newKey}`);
    expect(await counting.store.load(oldKey)).toBeNull();
    expect(await sessions.load(newCookie).load()).toEqual({ cart: ['x'], user: 'bob' });
  });

  it('cycleKey on a new session creates one (no old key to delete)', async () => {
    const { sessions, counting } = setup();
    const s = sessions.load(undefined);
    await s.cycleKey();
    expect(s.sessionKey).toMatch(/^[a-z0-9]{32}$/);
    expect(counting.total()).toBe(0);
    expect((await sessions.commit(s)).setCookie[0]).toMatch(new RegExp(`^sessionid=${s.sessionKey};`));
    expect(counting.calls.create).toBe(1);
    expect(counting.calls.delete).toBe(0);
    expect(await counting.store.load(s.sessionKey!)).not.toBeNull();
  });

  it('flush, cycleKey and destroy done before a 5xx still delete what they retired at the commit', async () => {
    const { sessions, cookie, counting, cookieOf } = await savedSession({ user: 'alice' });
    const bob = sessions.load(undefined);
    await bob.set('user', 'bob');
    const bobKey = cookieOf((await sessions.commit(bob)).setCookie).split('=')[1]!;
    const s = sessions.load(cookie);
    await s.cycleKey();
    sessionInternals(s).destroy(bobKey);
    expect(await counting.store.load(bobKey)).not.toBeNull();
    expect((await sessions.commit(s, 500)).setCookie).toEqual([]);
    expect(await counting.store.load(cookie.split('=')[1]!)).toBeNull();
    expect(await counting.store.load(bobKey)).toBeNull();
    // No save on a 5xx: the new key was never written.
    expect(await counting.store.load(s.sessionKey!)).toBeNull();
  });

  it('an explicit save() does at once what flush, cycleKey and destroy recorded', async () => {
    const { sessions, cookie, counting } = await savedSession({ user: 'alice' });
    const oldKey = cookie.split('=')[1]!;
    const s = sessions.load(cookie);
    await s.cycleKey();
    await s.save();
    expect(await counting.store.load(oldKey)).toBeNull();
    expect(await sessions.load(`sessionid=${s.sessionKey}`).load()).toEqual({ user: 'alice' });
    const writes = counting.writes();
    await sessions.commit(s);
    // Nothing left to delete; the commit's save updates the record it now has.
    expect(counting.calls.delete).toBe(1);
    expect(counting.writes()).toBe(writes + 1);
  });

  it('an empty new session is never saved, even after update({}) (Django)', async () => {
    const { sessions, counting } = setup();
    const s = sessions.load(undefined);
    await s.update({});
    expect(s.modified).toBe(true);
    expect(await sessions.commit(s)).toEqual({ setCookie: [], vary: true, cachePrivate: false });
    expect(counting.writes()).toBe(0);
  });

  it('test cookie helpers', async () => {
    const { sessions, cookie } = await savedSession({ seed: 1 });
    const s = sessions.load(cookie);
    expect(await s.testCookieWorked()).toBe(false);
    await s.setTestCookie();
    expect(await s.get('testcookie')).toBe('worked');
    expect(await s.testCookieWorked()).toBe(true);
    await s.deleteTestCookie();
    expect(await s.has('testcookie')).toBe(false);
  });

  it('store-level create / save / exists / destroy / load (create, exists and destroy for the package only)', async () => {
    const { sessions, counting } = setup();
    const s = sessions.load(undefined);
    const internals = sessionInternals(s);
    await s.set('a', 1);
    await internals.create();
    const key = s.sessionKey!;
    expect(await internals.exists(key)).toBe(true);
    await s.set('a', 2);
    await s.save();
    expect(await sessions.load(`sessionid=${key}`).load()).toEqual({ a: 2 });
    await expect(s.save({ mustCreate: true })).rejects.toThrow(/already exists/);
    internals.destroy();
    expect(await internals.exists(key)).toBe(true);
    // Django's delete() keeps the data in memory; saving it then finds the record gone.
    await expect(sessions.commit(s)).rejects.toBeInstanceOf(SessionInterrupted);
    expect(await internals.exists(key)).toBe(false);
    expect(await counting.store.load(key)).toBeNull();
    expect(await sessions.clearExpired()).toBe(0);
  });

  it('never adopts a key the client made up', async () => {
    const { sessions, counting, cookieOf } = setup();
    const planted = 'attackerchosenkey000000000000001';
    const s = sessions.load(`sessionid=${planted}`);
    await s.set('user', 'victim');
    const cookie = cookieOf((await sessions.commit(s)).setCookie);
    expect(cookie).not.toContain(planted);
    expect(await counting.store.exists(planted)).toBe(false);
  });
});

describe('Session: signed cookies engine (Django §4.5)', () => {
  it('keeps the data in the cookie, re-signs on save, and cycleKey only re-signs', async () => {
    let now = T0;
    const sessions = createSessions({ secret: TEST_SECRET, store: signedCookies(), now: () => now });
    const s = sessions.load(undefined);
    await s.set('visit', 1);
    const first = cookieOf((await sessions.commit(s)).setCookie);
    expect(first).toMatch(/^sessionid=[\w.-]+:[0-9A-Za-z]+:[\w-]{43}$/);
    now += 5000;
    const again = sessions.load(first);
    expect(await again.get('visit')).toBe(1);
    await again.cycleKey();
    expect(again.sessionKey).not.toBe(first.split('=')[1]);
    expect(await sessionInternals(again).exists('anything')).toBe(false);
  });

  it('a tampered cookie gives an empty session re-sent as a fresh cookie (as Django)', async () => {
    const sessions = createSessions({ secret: TEST_SECRET, store: signedCookies(), onSecurityEvent: () => {} });
    const s = sessions.load('sessionid=eyJ2aXNpdCI6MX0:1r31eq:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(await s.get('visit')).toBeUndefined();
    const { setCookie } = await sessions.commit(s);
    const fresh = sessions.load(cookieOf(setCookie));
    expect(await fresh.load()).toEqual({});
  });

  it('a cookie older than cookieAge is refused', async () => {
    let now = T0;
    const events: string[] = [];
    const sessions = createSessions({
      secret: TEST_SECRET,
      store: signedCookies(),
      cookieAge: 60,
      now: () => now,
      onSecurityEvent: (e) => events.push(e.type),
    });
    const s = sessions.load(undefined);
    await s.set('a', 1);
    const cookie = cookieOf((await sessions.commit(s)).setCookie);
    now += 60_000;
    expect(await sessions.load(cookie).get('a')).toBe(1);
    now += 1_000;
    expect(await sessions.load(cookie).get('a')).toBeUndefined();
    expect(events).toEqual(['expired-cookie']);
  });

  it('warns once when a cookie grows past what browsers keep (4096 bytes)', async () => {
    const logger = recordingLogger();
    const sessions = createSessions({ secret: TEST_SECRET, store: signedCookies(), logger });
    const random = (n: number) => Array.from({ length: n }, () => Math.random().toString(36).slice(2)).join('');
    for (let i = 0; i < 2; i++) {
      const s = sessions.load(undefined);
      await s.set('blob', random(500));
      expect((await sessions.commit(s)).setCookie[0]!.length).toBeGreaterThan(4096);
    }
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toMatch(/browsers drop cookies over 4096 bytes/);
  });

  // A flush deleting the cookie: test/core/commit.test.ts ('signed cookies: commit makes the decision once').
});

describe('Session: values a session cannot hold are refused at the call (SessionValueError, 400)', () => {
  const nested = (levels: number): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < levels; i++) value = [value];
    return value;
  };
  const cyclic = (): unknown => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = { back: a };
    return a;
  };
  // [attack, value, message]
  const refused: Array<[string, unknown, string | RegExp]> = [
    ['attack: JSON nested 5,000 levels deep', nested(5000), 'Cannot store "v" in the session: the value nests objects and arrays deeper than 100 levels.'],
    ['attack: 1e400 (Infinity)', JSON.parse('1e400'), 'Cannot store "v" in the session: the value is Infinity; only finite numbers can be stored.'],
    [
      'attack: -1e400 (-Infinity) inside an object',
      { price: JSON.parse('-1e400') },
      'Cannot store "v" in the session: v.price is -Infinity; only finite numbers can be stored.',
    ],
    ['NaN deep inside', { cart: [{ id: 1 }, { id: Number.NaN }] }, 'Cannot store "v" in the session: v.cart[1].id is NaN; only finite numbers can be stored.'],
    ['undefined', undefined, /the value is undefined, which JSON cannot store \(store null, or delete the key\)/],
    ['undefined inside an array', [1, undefined], /v\[1\] is undefined/],
    ['a function', () => 1, /the value is a function, which JSON cannot store/],
    ['a symbol', Symbol('s'), /the value is a symbol/],
    ['a BigInt', 10n ** 30n, /the value is a BigInt, which JSON cannot store \(store it as a string\)/],
    ['a cycle', cyclic(), 'Cannot store "v" in the session: the value refers to itself (a cycle), which JSON cannot store.'],
    ['a Map (JSON would write {})', new Map([['a', 1]]), /the value is a Map, which JSON would store as \{\}/],
    ['a symbol key', { [Symbol('k')]: 1 }, /has a symbol key/],
    ['a key that is no identifier, in the path', { 'odd key': [Infinity] }, /v\["odd key"\]\[0\] is Infinity/],
  ];

  it.each(refused)('%s', async (_, value, message) => {
    const { sessions } = setup();
    const s = sessions.load(undefined);
    const error = await s.set('v', value).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SessionValueError);
    expect(error).toMatchObject({ status: 400, code: 'INVALID_VALUE', expose: true });
    if (typeof message === 'string') expect((error as Error).message).toBe(message);
    else expect((error as Error).message).toMatch(message);
    await expect(s.update({ ok: 1, v: value })).rejects.toBeInstanceOf(SessionValueError);
    await expect(s.setDefault('v', value)).rejects.toBeInstanceOf(SessionValueError);
    expect(await s.has('v')).toBe(false);
    expect(await s.has('ok')).toBe(false);
    expect(s.modified).toBe(false);
  });

  it('accepts 100 levels of nesting, and what JSON writes as it is (strings, finite numbers, null, Dates as ISO text)', async () => {
    const { sessions, cookieOf } = setup();
    const s = sessions.load(undefined);
    await s.set('deep', nested(100));
    await expect(s.set('deeper', nested(101))).rejects.toThrow(/deeper than 100 levels/);
    const when = new Date(T0);
    const shared = { id: 7 };
    await s.update({ n: -0.5, big: Number.MAX_VALUE, none: null, when, pair: [shared, shared], text: 'é😀' });
    const cookie = cookieOf((await sessions.commit(s)).setCookie);
    const again = await sessions.load(cookie).load();
    expect(again.deep).toEqual(nested(100));
    expect(again).toMatchObject({
      n: -0.5,
      big: Number.MAX_VALUE,
      none: null,
      when: when.toISOString(),
      pair: [{ id: 7 }, { id: 7 }],
    });
  });

  it('refuses keys that are not strings', async () => {
    const s = setup().sessions.load(undefined);
    await expect(s.set(Symbol('k') as never, 1)).rejects.toThrow(new SessionValueError('Session keys must be strings, not a symbol.'));
    await expect(s.set(3 as never, 1)).rejects.toThrow(/not a number/);
    await expect(s.update(null as never)).rejects.toThrow(new SessionValueError('update() takes an object of keys and values.'));
  });

  it('checks _session_expiry set directly as setExpiry checks it', async () => {
    const { sessions, setNow } = setup();
    setNow(T0);
    const s = sessions.load(undefined);
    await expect(s.set(EXPIRY_KEY, true)).rejects.toThrow(
      new SessionValueError('The session expiry must be a number of seconds or an ISO-8601 date, not a boolean.'),
    );
    await expect(s.update({ [EXPIRY_KEY]: 1e300 })).rejects.toThrow(/must fall within years 1 to 9999/);
    await expect(s.set(EXPIRY_KEY, new Date(T0))).rejects.toThrow(/not a Date \(use setExpiry\)/);
    await s.set(EXPIRY_KEY, 300);
    await s.set(EXPIRY_KEY, '2023-11-14T22:14:50+00:00');
    expect(await s.getExpiryAge()).toBe(90);
  });

  describe('expiry outside years 1 to 9999', () => {
    const cases: Array<[string, number | Date]> = [
      ['attack: year 10000 (stored as a malformed date)', new Date(Date.UTC(10000, 0, 1))],
      ['attack: before year 1 (the cookie would say -0001)', new Date(Date.parse('0001-01-01T00:00:00Z') - 1)],
      ['attack: seconds reaching past year 9999', 1e13],
      ['attack: seconds reaching before year 1', -1e13],
      ['attack: 1e400 seconds (Infinity)', JSON.parse('1e400') as number],
    ];
    it.each(cases)('%s is refused', async (_, value) => {
      const { sessions, setNow } = setup();
      setNow(T0);
      const s = sessions.load(undefined);
      const error = await s.setExpiry(value).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SessionValueError);
      expect((error as Error).message).toMatch(/^The session expiry must (fall within years 1 to 9999|be a whole number of seconds, not Infinity)/);
      expect(await s.has(EXPIRY_KEY)).toBe(false);
    });

    it('the first and the last instant of the range are accepted, and give a valid cookie', async () => {
      const { sessions, setNow, cookieOf } = setup();
      setNow(T0);
      const s = sessions.load(undefined);
      await s.setExpiry(new Date('0001-01-01T00:00:00Z'));
      expect(await s.get(EXPIRY_KEY)).toBe('0001-01-01T00:00:00+00:00');
      await s.setExpiry(new Date('9999-12-31T23:59:59.999Z'));
      expect(await s.get(EXPIRY_KEY)).toBe('9999-12-31T23:59:59.999000+00:00');
      const { setCookie } = await sessions.commit(s);
      expect(setCookie[0]).toContain('expires=Fri, 31 Dec 9999 23:59:59 GMT');
      expect(await sessions.load(cookieOf(setCookie)).getExpiryDate()).toEqual(new Date('9999-12-31T23:59:59.999Z'));
    });
  });
});

describe('Session: stored data with a valid signature but the wrong shape (another app, or anyone holding the secret)', () => {
  // Raw JSON, because JSON.stringify cannot even write some of these (1e400).
  const shapes: Array<[string, string, Record<string, unknown>]> = [
    ['attack: _session_expiry of true', '{"_session_expiry":true,"user":"alice"}', { user: 'alice' }],
    ['attack: _session_expiry of an object', '{"_session_expiry":{"a":1},"user":"alice"}', { user: 'alice' }],
    ['attack: _session_expiry of 1e300', '{"_session_expiry":1e300,"user":"alice"}', { user: 'alice' }],
    ['attack: _session_expiry of 1e400 (Infinity)', '{"_session_expiry":1e400,"user":"alice"}', { user: 'alice' }],
    ['attack: _session_expiry in year 10000', '{"_session_expiry":"10000-01-01T00:00:00+00:00","user":"alice"}', { user: 'alice' }],
    ['attack: JSON nested 5,000 levels deep', `{"user":"alice","tree":${'['.repeat(5000)}${']'.repeat(5000)}}`, {}],
    ['attack: a number of 1e400 (Infinity)', '{"user":"alice","n":1e400}', {}],
  ];
  const signedRaw = (json: string, salt: string): string => new TimestampSigner({ key: TEST_SECRET, salt }).sign(b64Encode(Buffer.from(json, 'latin1')));
  const DATA_SALT = 'django.contrib.sessions.SessionStore';
  const KEY = 'abcdefgh12345678abcdefgh12345678';

  type Engine = { options: SessionOptions; cookie: (json: string) => Promise<string> };
  /** A server-side engine on a new `store`: `json`, as `encode` stores it, is planted under KEY for an hour. */
  const serverSide = (makeStore: () => SessionStore, encode: (json: string) => string) => async (): Promise<Engine> => {
    const store = makeStore();
    return {
      options: { secret: TEST_SECRET, store },
      cookie: async (json) => {
        await store.create(KEY, encode(json), new Date(Date.now() + 3600_000));
        return `sessionid=${KEY}`;
      },
    };
  };
  // Each engine with a way to plant validly signed raw JSON and the cookie that names it.
  const engines: Array<[string, () => Promise<Engine>]> = [
    [
      'db (SQLite, signed data)',
      serverSide(
        () => sqliteStore({ path: ':memory:' }),
        (json) => signedRaw(json, DATA_SALT),
      ),
    ],
    [
      'cache (memory, plain JSON)',
      serverSide(
        () => memoryStore(),
        (json) => json,
      ),
    ],
    [
      'signed_cookies',
      async () => {
        const store = signedCookies();
        return {
          options: { secret: TEST_SECRET, store },
          cookie: async (json) => `sessionid=${signedRaw(json, store.salt)}`,
        };
      },
    ],
  ];

  describe.each(engines)('%s', (_, open) => {
    it.each(shapes)('%s: read as an ignored expiry or a fresh session, with a bad-shape event; never a 500', async (__, json, expected) => {
      const { options, cookie } = await open();
      const events: Array<{ type: string; message: string }> = [];
      const sessions = createSessions({ ...options, onSecurityEvent: (e) => events.push(e) });
      const planted = await cookie(json);
      const s = sessions.load(planted);
      expect(await s.load()).toEqual(expected);
      expect(events.map((e) => e.type)).toEqual(['bad-shape']);
      expect(await s.getExpiryAge()).toBe(1209600);
      expect(await s.getExpireAtBrowserClose()).toBe(false);
      await s.set('visit', 1);
      const { setCookie } = await sessions.commit(s);
      expect(setCookie[0]).toMatch(/Max-Age=1209600/);
      expect(await sessions.load(cookieOf(setCookie)).load()).toEqual({ ...expected, visit: 1 });
    });
  });

  it('the default handler logs bad shapes of stored data once per load, and stays quiet for cookies', async () => {
    const logger = recordingLogger();
    const store = memoryStore();
    await store.create(KEY, '{"_session_expiry":true}', new Date(Date.now() + 3600_000));
    const sessions = createSessions({ secret: TEST_SECRET, store, logger });
    await sessions.load(`sessionid=${KEY}`).load();
    expect(logger.warnings).toEqual([
      'sessionkit: stored session data ignored (memory): _session_expiry must be a number of seconds or an ISO-8601 date, not a boolean; it is ignored',
    ]);
    const cookies = createSessions({ secret: TEST_SECRET, store: signedCookies(), logger });
    await cookies.load(`sessionid=${signedRaw('{"_session_expiry":true}', signedCookies().salt)}`).load();
    expect(logger.warnings).toHaveLength(1);
  });
});
