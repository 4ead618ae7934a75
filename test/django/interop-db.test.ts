/**
 * Django 3.2's `db` engine and sessionkit's SQLite store on the same file, in both directions: each side
 * reads, updates, expires, clears and deletes what the other wrote.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { createSessions, SessionInterrupted, type SessionLogger, type SessionManager } from '../../src/index.js';
import { generateSessionKey } from '../../src/core/session-key.js';
import { formatDjangoDatetime } from '../../src/stores/sqlite/datetime.js';
import { sqliteStore } from '../../src/stores/sqlite.js';
import { OLD_SECRET, recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import { describeWithDjango, django } from './bridge.js';
import { cookieValue } from '../helpers/cookies.js';

const dir = mkdtempSync(join(tmpdir(), 'sessionkit-django-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;
const newFile = (): string => join(dir, `django${++fileCount}.sqlite3`);

const COOKIE_AGE = 1209600;

interface Loaded {
  data: Record<string, unknown>;
  key_after: string | null;
}
interface Expiry {
  age: number;
  date: string;
  browser_close: boolean;
}

/** Django's settings for a database file, signing with `secret`. */
const settings = (file: string, secret = TEST_SECRET): Record<string, unknown> => ({ SECRET_KEY: secret, DATABASE_NAME: file });

/** A sessionkit manager on `file`; closed at the end of the file. */
const managers: SessionManager[] = [];
function sessionsOn(file: string, options: { secretFallbacks?: string[]; now?: () => number; logger?: SessionLogger } = {}): SessionManager {
  const manager = createSessions({
    secret: TEST_SECRET,
    secretFallbacks: options.secretFallbacks ?? [],
    store: sqliteStore({ path: file }),
    logger: options.logger ?? recordingLogger(),
    ...(options.now ? { now: options.now } : {}),
  });
  managers.push(manager);
  return manager;
}
afterAll(async () => {
  for (const manager of managers) await manager.close();
});

function rows(file: string): Map<string, { session_data: string; expire_date: string }> {
  const db = new Database(file, { readonly: true });
  try {
    const all = db.prepare('SELECT session_key, session_data, expire_date FROM django_session').all() as Array<{
      session_key: string;
      session_data: string;
      expire_date: string;
    }>;
    return new Map(all.map((row) => [row.session_key, row]));
  } finally {
    db.close();
  }
}

describeWithDjango('Django db engine ⇄ sessionkit SQLite store', () => {
  it('(a) reads and updates a session Django wrote, and Django reads the update back', async () => {
    const file = newFile();
    const original = { user: 'alice', n: 1, nested: { list: [1, 2, 'é'], flag: true }, text: 'naïve — 日本 😀' };
    const [, created] = (await django(settings(file), [{ op: 'migrate' }, { op: 'session_create', engine: 'db', data: original }])) as [null, { key: string }];

    const sessions = sessionsOn(file);
    const session = sessions.load(`csrftoken=x; sessionid=${created.key}`);
    expect(await session.load()).toEqual(original);
    await session.set('n', 2);
    await session.set('added', 'ünï');
    await session.delete('text');
    const { setCookie, vary } = await sessions.commit(session);
    expect(vary).toBe(true);
    expect(cookieValue(setCookie[0]!)).toBe(created.key);

    const [loaded, , reloaded] = (await django(settings(file), [
      { op: 'session_load', engine: 'db', key: created.key },
      { op: 'session_update', engine: 'db', key: created.key, data: { by: 'django' } },
      { op: 'session_load', engine: 'db', key: created.key },
    ])) as [Loaded, unknown, Loaded];
    const { text: _text, ...kept } = original;
    expect(loaded).toEqual({ data: { ...kept, n: 2, added: 'ünï' }, key_after: created.key });
    expect(reloaded.data).toEqual({ ...kept, n: 2, added: 'ünï', by: 'django' });
    expect(await sessions.load(`sessionid=${created.key}`).get('by')).toBe('django');
  });

  it('(b) Django reads a session sessionkit created, in a table sessionkit created', async () => {
    const file = newFile();
    const sessions = sessionsOn(file);
    const session = sessions.load(undefined);
    await session.set('cart', ['book', 'pen']);
    await session.set('visits', 3);
    const key = cookieValue((await sessions.commit(session)).setCookie[0]!);
    expect(key).toMatch(/^[a-z0-9]{32}$/);

    const [exists, loaded, missing] = (await django(settings(file), [
      { op: 'session_exists', engine: 'db', key },
      { op: 'session_load', engine: 'db', key },
      { op: 'session_load', engine: 'db', key: generateSessionKey() },
    ])) as [boolean, Loaded, Loaded];
    expect(exists).toBe(true);
    expect(loaded).toEqual({ data: { cart: ['book', 'pen'], visits: 3 }, key_after: key });
    expect(missing).toEqual({ data: {}, key_after: null });
  });

  it('(d) verifies with a fallback secret what Django signed with the old key, and re-signs with the new one', async () => {
    const file = newFile();
    const [, created] = (await django(settings(file, OLD_SECRET), [
      { op: 'migrate' },
      { op: 'session_create', engine: 'db', data: { user: 'bob' } },
    ])) as [null, { key: string }];
    const key = created.key;

    // Without the fallback the old signature does not verify: an empty session under the same key, and
    // Django's warning.
    const logger = recordingLogger();
    const strict = sessionsOn(file, { logger });
    expect(await strict.load(`sessionid=${key}`).load()).toEqual({});
    expect(logger.warnings).toEqual(['Session data corrupted']);

    const sessions = sessionsOn(file, { secretFallbacks: [OLD_SECRET] });
    const session = sessions.load(`sessionid=${key}`);
    expect(await session.get('user')).toBe('bob');
    await session.set('rotated', true);
    const before = rows(file).get(key)!.session_data;
    await sessions.commit(session);
    expect(rows(file).get(key)!.session_data).not.toBe(before);

    // Django with the new key reads it; with the new key it could not read the original (proof of re-signing).
    const [afterRotation, oldOnly] = (await django(settings(file, TEST_SECRET), [
      { op: 'session_load', engine: 'db', key },
      { op: 'session_decode', engine: 'db', data: before },
    ])) as [Loaded, unknown];
    expect(afterRotation.data).toEqual({ user: 'bob', rotated: true });
    expect(oldOnly).toEqual({});
  });

  it('(e) honours an integer expiry set by Django (age, Max-Age, expire_date) and Django honours one set by sessionkit', async () => {
    const file = newFile();
    const t = Math.floor(Date.now() / 1000);
    const [, created, browserClose] = (await django(settings(file), [
      { op: 'migrate' },
      { op: 'session_create', engine: 'db', data: { a: 1 }, expiry: 300, time: t },
      { op: 'session_create', engine: 'db', data: { b: 1 }, expiry: 0, time: t },
    ])) as [null, { key: string }, { key: string }];
    expect(rows(file).get(created.key)!.expire_date).toBe(formatDjangoDatetime((t + 300) * 1000));

    // sessionkit, ten seconds later: 300 s of inactivity again, in the age, the cookie and the row.
    const later = t + 10;
    const sessions = sessionsOn(file, { now: () => later * 1000 });
    const session = sessions.load(`sessionid=${created.key}`);
    expect(await session.getExpiryAge()).toBe(300);
    expect(await session.getExpireAtBrowserClose()).toBe(false);
    await session.set('a', 2);
    const cookie = (await sessions.commit(session)).setCookie[0]!;
    expect(cookie).toContain('; Max-Age=300;');
    expect(cookie).toContain(`expires=${new Date((later + 300) * 1000).toUTCString()}`);
    expect(rows(file).get(created.key)!.expire_date).toBe(formatDjangoDatetime((later + 300) * 1000));

    // Expiry 0 (browser close), set by Django: a cookie without Max-Age, a row that lives cookieAge.
    const closing = sessions.load(`sessionid=${browserClose.key}`);
    expect(await closing.getExpireAtBrowserClose()).toBe(true);
    await closing.set('b', 2);
    const closingCookie = (await sessions.commit(closing)).setCookie[0]!;
    expect(closingCookie).not.toMatch(/Max-Age|expires/);
    expect(rows(file).get(browserClose.key)!.expire_date).toBe(formatDjangoDatetime((later + COOKIE_AGE) * 1000));

    // An integer set by sessionkit, read by Django's get_expiry_age / get_expiry_date at the same instant.
    const mine = sessions.load(undefined);
    await mine.set('c', 1);
    await mine.setExpiry(600);
    const mineKey = cookieValue((await sessions.commit(mine)).setCookie[0]!);
    const myDate = await sessions.load(`sessionid=${mineKey}`).getExpiryDate();
    const [djangoOnMine, djangoOnTheirs, djangoOnClosing] = (await django(settings(file), [
      { op: 'session_expiry', engine: 'db', key: mineKey, time: later },
      { op: 'session_expiry', engine: 'db', key: created.key, time: later },
      { op: 'session_expiry', engine: 'db', key: browserClose.key, time: later },
    ])) as [Expiry, Expiry, Expiry];
    expect(djangoOnMine.age).toBe(600);
    expect(djangoOnMine.browser_close).toBe(false);
    expect(Date.parse(djangoOnMine.date)).toBe(myDate.getTime());
    expect(Date.parse(djangoOnMine.date)).toBe((later + 600) * 1000);
    expect(rows(file).get(mineKey)!.expire_date).toBe(formatDjangoDatetime((later + 600) * 1000));
    expect(djangoOnTheirs).toEqual({ age: 300, date: djangoOnTheirs.date, browser_close: false });
    expect(Date.parse(djangoOnTheirs.date)).toBe((await sessions.load(`sessionid=${created.key}`).getExpiryDate()).getTime());
    expect(djangoOnClosing.browser_close).toBe(true);
    expect(djangoOnClosing.age).toBe(await sessions.load(`sessionid=${browserClose.key}`).getExpiryAge());
  });

  it("(f) Django's clear_expired and sessionkit's clearExpired remove the same rows, the boundary included", async () => {
    const file = newFile();
    const t = Math.floor(Date.now() / 1000);
    // Django writes expire_date = its now + expiry; pick creation times around t.
    const djangoRows = [
      { time: t - 2000, expiry: 1000, expired: true },
      { time: t - 1000.5, expiry: 1000, expired: true }, // t - 0.5 s
      { time: t - 1000, expiry: 1000, expired: false }, // exactly t: clear_expired is strictly "<"
      { time: t - 999.75, expiry: 1000, expired: false }, // t + 0.25 s
      { time: t, expiry: null, expired: false },
    ];
    const created = (await django(settings(file), [
      { op: 'migrate' },
      ...djangoRows.map((row) => ({ op: 'session_create', engine: 'db', data: { from: 'django' }, expiry: row.expiry, time: row.time })),
    ])) as Array<{ key: string } | null>;
    const expectedLive = new Set<string>();
    djangoRows.forEach((row, i) => {
      if (!row.expired) expectedLive.add(created[i + 1]!.key);
    });

    const writer = sqliteStore({ path: file });
    const mine = [
      { at: t * 1000 - 1, expired: true },
      { at: t * 1000 - 86_400_000, expired: true },
      { at: t * 1000, expired: false },
      { at: t * 1000 + 1, expired: false },
    ];
    for (const row of mine) {
      const key = generateSessionKey();
      await writer.create(key, 'sessionkit', new Date(row.at));
      if (!row.expired) expectedLive.add(key);
    }
    await writer.close();
    expect(rows(file).size).toBe(9);

    const copy = (suffix: string): string => {
      const target = `${file}.${suffix}`;
      copyFileSync(file, target);
      for (const extra of ['-wal', '-shm']) if (existsSync(file + extra)) copyFileSync(file + extra, target + extra);
      return target;
    };
    const forDjango = copy('django');
    const forSessionkit = copy('sessionkit');
    await django(settings(forDjango), [{ op: 'clear_expired', engine: 'db', time: t }]);
    const store = sqliteStore({ path: forSessionkit, now: () => t * 1000 });
    expect(await store.clearExpired()).toBe(4);
    await store.close();

    const leftByDjango = new Set(rows(forDjango).keys());
    const leftBySessionkit = new Set(rows(forSessionkit).keys());
    expect(leftBySessionkit).toEqual(leftByDjango);
    expect(leftBySessionkit).toEqual(expectedLive);
  });

  it('(g) a session flushed by Django is gone for sessionkit: the cookie is deleted, nothing is resurrected', async () => {
    const file = newFile();
    const sessions = sessionsOn(file);
    const first = sessions.load(undefined);
    await first.set('user', 'carol');
    const key = cookieValue((await sessions.commit(first)).setCookie[0]!);

    // A request that loaded the session before Django's logout and saves after it.
    const inFlight = sessions.load(`sessionid=${key}`);
    expect(await inFlight.get('user')).toBe('carol');

    const [flushed] = (await django(settings(file), [{ op: 'session_flush', engine: 'db', key }])) as [{ key_after: null; empty: boolean }];
    expect(flushed).toEqual({ key_after: null, empty: true });

    const next = sessions.load(`sessionid=${key}`);
    expect(await next.get('user')).toBeUndefined();
    expect(next.sessionKey).toBeNull();
    const { setCookie, vary } = await sessions.commit(next);
    expect(vary).toBe(true);
    expect(setCookie).toHaveLength(1);
    expect(setCookie[0]).toMatch(/^sessionid=(""|);.*Max-Age=0/);

    await inFlight.set('cart', ['late']);
    await expect(sessions.commit(inFlight)).rejects.toBeInstanceOf(SessionInterrupted);
    expect(rows(file).has(key)).toBe(false);
  });
});
