/**
 * The `schema` option at run time: loaded data checked by a Standard Schema validator — a hand-written one
 * and zod — on a server-side store and on signed cookies. Data it refuses reads as a fresh session with an
 * `invalid-data` event, never an error.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { SchemaResult, SessionSchema } from '../../src/core/data-schema.js';
import { createSessions, type SecurityEvent, SessionConfigError, type SessionOptions, type SessionStore } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory.js';
import { signedCookies } from '../../src/stores/signed-cookies.js';
import { cookieOf } from '../helpers/cookies.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';

type Visits = { visit?: number; theme?: string };

/** A Standard Schema written by hand: `visit` must be a whole number; `theme` defaults to "light". */
function visitsSchema(seen: unknown[] = []): SessionSchema<Visits> {
  return {
    '~standard': {
      version: 1,
      vendor: 'hand-written',
      validate(value: unknown): SchemaResult<Visits> {
        seen.push(value);
        const data = value as Record<string, unknown>;
        if (data.visit !== undefined && !Number.isInteger(data.visit)) return { issues: [{ message: 'must be a whole number', path: ['visit'] }] };
        return { value: { theme: 'light', ...data } as Visits };
      },
    },
  };
}

/** A store shared by a writer without a schema (another app, an older version) and a reader with one. */
function setup(schema: SessionSchema<object>, options: Partial<SessionOptions> = {}) {
  const store: SessionStore = memoryStore();
  const events: SecurityEvent[] = [];
  const writer = createSessions({ secret: TEST_SECRET, store, ...options });
  const reader = createSessions({
    secret: TEST_SECRET,
    store,
    schema,
    onSecurityEvent: (event) => events.push(event),
    ...options,
  });
  const plant = async (data: Record<string, unknown>): Promise<string> => {
    const session = writer.load(undefined);
    await session.update(data);
    return cookieOf((await writer.commit(session)).setCookie);
  };
  const stored = async (cookie: string): Promise<unknown> => writer.load(cookie).toJSON();
  return { writer, reader, events, plant, stored };
}

describe('the schema option', () => {
  it('loads data the schema accepts as the schema output (defaults applied)', async () => {
    const { reader, plant, events } = setup(visitsSchema());
    const session = reader.load(await plant({ visit: 3 }));
    expect(await session.toJSON()).toEqual({ visit: 3, theme: 'light' });
    expect(events).toEqual([]);
  });

  it('reads data the schema refuses as a fresh session, reports it, and leaves the store alone', async () => {
    const { reader, plant, events, stored } = setup(visitsSchema());
    const cookie = await plant({ visit: 'three', theme: 'dark' });
    const session = reader.load(cookie);
    expect(await session.get('visit')).toBeUndefined();
    expect(await session.keys()).toEqual([]);
    expect(session.sessionKey).not.toBeNull(); // as for corrupt data: the next save overwrites the record
    expect(events).toEqual([
      {
        type: 'invalid-data',
        engine: 'memory',
        message: 'session data refused by the schema (hand-written): visit: must be a whole number',
      },
    ]);
    expect(await reader.commit(session)).toEqual({ setCookie: [], vary: true, cachePrivate: false });
    expect(await stored(cookie)).toEqual({ visit: 'three', theme: 'dark' });
  });

  it('keeps the keys Django and sessionkit manage out of the schema, and keeps them', async () => {
    const seen: unknown[] = [];
    const { writer, reader } = setup(visitsSchema(seen));
    const planted = writer.load(undefined);
    await planted.set('visit', 1);
    await planted.setExpiry(600);
    await planted.setTestCookie();
    await planted.update({
      _auth_user_id: '7',
      _auth_user_backend: 'django.contrib.auth.backends.ModelBackend',
      _auth_user_hash: 'abc',
      _messages: '[]',
    });
    const cookie = cookieOf((await writer.commit(planted)).setCookie);
    const session = reader.load(cookie);
    expect(await session.toJSON()).toEqual({
      visit: 1,
      theme: 'light',
      _session_expiry: 600,
      testcookie: 'worked',
      _auth_user_id: '7',
      _auth_user_backend: 'django.contrib.auth.backends.ModelBackend',
      _auth_user_hash: 'abc',
      _messages: '[]',
    });
    expect(seen).toEqual([{ visit: 1 }]);
    expect(await session.getExpiryAge()).toBe(600);
    expect(await session.testCookieWorked()).toBe(true);
  });

  it('awaits a validate() that answers a promise', async () => {
    const sync = visitsSchema();
    const asynchronous: SessionSchema<Visits> = {
      '~standard': { ...sync['~standard'], validate: async (value) => sync['~standard'].validate(value) },
    };
    const { reader, plant, events } = setup(asynchronous);
    expect(await reader.load(await plant({ visit: 2 })).get('visit')).toBe(2);
    expect(await reader.load(await plant({ visit: 2.5 })).get('visit')).toBeUndefined();
    expect(events.map((event) => event.type)).toEqual(['invalid-data']);
  });

  it.each([
    [
      'throws',
      () => {
        throw new RangeError('boom');
      },
      'the schema threw RangeError: boom',
    ],
    ['rejects', () => Promise.reject(new Error('later')), 'the schema threw Error: later'],
    ['answers neither a value nor issues', () => undefined, 'validate() answered neither a value nor issues'],
    ['answers an array', () => ({ value: [1] }), 'its output is not an object'],
    ['outputs a value JSON cannot store', () => ({ value: { visit: Number.NaN } }), 'its output cannot be stored'],
    [
      'answers issues without paths',
      () => ({
        issues: [{ message: 'no' }, { message: 'never' }, { message: 'nope' }, { message: 'not this either' }],
      }),
      'no; never; nope (and 1 more)',
    ],
  ])('gives a fresh session when the schema %s, never an error', async (_what, validate, message) => {
    const schema = { '~standard': { version: 1, vendor: 'odd', validate } } as unknown as SessionSchema<Visits>;
    const { reader, plant, events } = setup(schema);
    const session = reader.load(await plant({ visit: 1 }));
    expect(await session.toJSON()).toEqual({});
    expect(events).toHaveLength(1);
    expect(events[0]!.message).toContain(message);
  });

  it('checks signed cookies too: a refused cookie is replaced by the cookie of an empty session, as a bad one is', async () => {
    const store = signedCookies();
    const { reader, plant, events } = setup(visitsSchema(), { store });
    const session = reader.load(await plant({ visit: 'three' }));
    expect(await session.get('visit')).toBeUndefined();
    expect(events).toEqual([expect.objectContaining({ type: 'invalid-data', engine: 'signed_cookies' })]);
    const { setCookie } = await reader.commit(session);
    expect(setCookie).toHaveLength(1);
    expect(setCookie[0]).toMatch(/^sessionid=e30:/); // `{}`, signed

    const accepted = reader.load(await plant({ visit: 4 }));
    expect(await accepted.toJSON()).toEqual({ visit: 4, theme: 'light' });
  });

  it('checks the stored data a concurrent save is merged with: refused, it is dropped and this request’s changes kept', async () => {
    const { writer, reader, plant, events, stored } = setup(visitsSchema());
    const cookie = await plant({ visit: 1 });
    const mine = reader.load(cookie);
    expect(await mine.get('visit')).toBe(1);
    const other = writer.load(cookie);
    await other.update({ visit: 'two', theme: 'dark' });
    await writer.commit(other);
    await mine.set('visit', 2);
    await reader.commit(mine);
    expect(await stored(cookie)).toEqual({ visit: 2 });
    expect(events.map((event) => event.type)).toEqual(['invalid-data']);
  });

  it('works with zod, a real Standard Schema validator (unknown keys are stripped, as zod does by default)', async () => {
    const schema = z.object({
      visit: z.number().int().nonnegative().optional(),
      username: z.string().max(150).optional(),
    });
    const { reader, plant, events } = setup(schema);
    const session = reader.load(await plant({ visit: 2, username: 'ada', extra: true }));
    expect(await session.toJSON()).toEqual({ visit: 2, username: 'ada' });
    expect(await session.get('username')).toBe('ada');

    const refused = reader.load(await plant({ visit: -1, username: 'ada' }));
    expect(await refused.toJSON()).toEqual({});
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'invalid-data', engine: 'memory' });
    expect(events[0]!.message).toMatch(/^session data refused by the schema \(zod\): visit: /);
    expect(events[0]!.message).not.toContain('-1');
  });

  it('logs refused stored data as a warning by default (signed cookies stay quiet, as for other events)', async () => {
    const logger = recordingLogger();
    const store = memoryStore();
    const writer = createSessions({ secret: TEST_SECRET, store });
    const reader = createSessions({ secret: TEST_SECRET, store, schema: visitsSchema(), logger });
    const planted = writer.load(undefined);
    await planted.set('visit', 'x');
    const session = reader.load(cookieOf((await writer.commit(planted)).setCookie));
    await session.load();
    expect(logger.warnings).toEqual([
      'sessionkit: stored session data ignored (memory): session data refused by the schema (hand-written): visit: must be a whole number',
    ]);
    expect(logger.errors).toEqual([]);
  });

  it('refuses a schema that is not a Standard Schema at construction, saying what fits', () => {
    for (const schema of [{}, { '~standard': { version: 2, validate: () => ({ value: {} }) } }, { '~standard': { version: 1 } }, 'zod']) {
      expect(() => createSessions({ secret: TEST_SECRET, store: memoryStore(), schema: schema as never })).toThrow(SessionConfigError);
    }
    expect(() => createSessions({ secret: TEST_SECRET, store: memoryStore(), schema: {} as never })).toThrow(
      /Standard Schema validator — a zod \(3\.24 or later\)/,
    );
    expect(() => createSessions({ secret: TEST_SECRET, store: memoryStore(), schema: null })).not.toThrow();
  });
});
