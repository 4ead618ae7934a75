/**
 * maxDataBytes on every engine that keeps the data somewhere the load side reads it back through the same
 * limit: a save the next load would refuse (and so read as an empty session) is refused at save instead,
 * with SessionDataTooLarge (413), nothing written, and the stored session left as it was.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { optionsFromEnv } from '../../src/config/env.js';
import { createSessions, type SecurityEvent, SessionDataTooLarge, type SessionOptions } from '../../src/index.js';
import { DEFAULTS } from '../../src/options.js';
import { fileStore } from '../../src/stores/file.js';
import { memoryStore } from '../../src/stores/memory.js';
import { signedCookies } from '../../src/stores/signed-cookies.js';
import { sqliteStore } from '../../src/stores/sqlite.js';
import { cookieOf, cookieValue } from '../helpers/cookies.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';

const scratch = mkdtempSync(join(tmpdir(), 'sessionkit-size-limit-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let count = 0;
const fresh = (name: string): string => join(scratch, `${name}${++count}`);

// `{"blob":"…"}`: the JSON around the string takes 11 bytes.
const blobOfSize = (bytes: number): { blob: string } => ({ blob: 'x'.repeat(bytes - 11) });

interface Engine {
  readonly name: string;
  /** A store (or signed cookies) and, for a server-side store, a raw view of what it holds for a key. */
  open(): { store: SessionOptions['store']; stored(cookie: string): string | null | Promise<string | null> };
}

const engines: Engine[] = [
  {
    name: 'db (SQLite)',
    open() {
      const path = `${fresh('db')}.sqlite3`;
      return {
        store: sqliteStore({ path }),
        stored(cookie) {
          const db = new Database(path, { readonly: true });
          try {
            const row = db.prepare('SELECT session_data FROM django_session WHERE session_key = ?').get(cookieValue(cookie)) as
              | { session_data: string }
              | undefined;
            return row?.session_data ?? null;
          } finally {
            db.close();
          }
        },
      };
    },
  },
  {
    name: 'file',
    open() {
      const directory = fresh('files');
      mkdirSync(directory);
      return {
        store: fileStore({ directory }),
        stored(cookie) {
          const name = `sessionid${cookieValue(cookie)}`;
          return readdirSync(directory).includes(name) ? readFileSync(join(directory, name), 'ascii') : null;
        },
      };
    },
  },
  {
    name: 'cache (in-process memory, plain JSON)',
    open() {
      const store = memoryStore();
      // No expiry passes during a test, so the store's own load shows what it holds.
      return { store, stored: async (cookie) => (await store.load(cookieValue(cookie)))?.data ?? null };
    },
  },
  {
    name: 'signed_cookies',
    open: () => ({ store: signedCookies(), stored: (cookie) => cookieValue(cookie) }),
  },
];

function setup(engine: Engine, maxDataBytes?: number) {
  const { store, stored } = engine.open();
  const logger = recordingLogger();
  const events: SecurityEvent[] = [];
  const sessions = createSessions({
    secret: TEST_SECRET,
    store,
    logger,
    onSecurityEvent: (e) => events.push(e),
    ...(maxDataBytes ? { maxDataBytes } : {}),
  });
  return { sessions, stored, logger, events };
}

describe.each(engines)('maxDataBytes on the $name engine', (engine) => {
  it('attack: a session grown past the limit (compressible, so its stored form is small) is refused at save, nothing written, the old data still readable', async () => {
    const { sessions, stored, logger } = setup(engine);
    const first = sessions.load(undefined);
    await first.set('user', 'alice');
    const cookie = cookieOf((await sessions.commit(first)).setCookie);
    const before = await stored(cookie);
    expect(before).not.toBeNull();

    const growing = sessions.load(cookie);
    await growing.update(blobOfSize(DEFAULTS.maxDataBytes + 1));
    const error = await Promise.resolve(sessions.commit(growing)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SessionDataTooLarge);
    expect(error).toMatchObject({ status: 413, code: 'DATA_TOO_LARGE', limit: DEFAULTS.maxDataBytes });
    expect((error as SessionDataTooLarge).bytes).toBeGreaterThan(DEFAULTS.maxDataBytes);
    expect(logger.warnings.filter((w) => /was not saved/.test(w))).toHaveLength(1);

    expect(await stored(cookie)).toBe(before);
    const again = sessions.load(cookie);
    expect(await again.load()).toEqual({ user: 'alice' });
  });

  it('a session of exactly the limit round-trips, one byte more is refused', async () => {
    const limit = 64 * 1024;
    const { sessions, events } = setup(engine, limit);
    const atLimit = sessions.load(undefined);
    await atLimit.update(blobOfSize(limit));
    const cookie = cookieOf((await sessions.commit(atLimit)).setCookie);
    expect(await sessions.load(cookie).load()).toEqual(blobOfSize(limit));

    const over = sessions.load(undefined);
    await over.update(blobOfSize(limit + 1));
    await expect(sessions.commit(over)).rejects.toMatchObject({ bytes: limit + 1, limit });
    expect(events).toEqual([]);
  });

  it('attack: data stored under a larger limit (or by another app) reads as a fresh session under a smaller one, with an event', async () => {
    const { store } = engine.open();
    const events: SecurityEvent[] = [];
    const big = createSessions({ secret: TEST_SECRET, store, maxDataBytes: 128 * 1024 });
    const small = createSessions({
      secret: TEST_SECRET,
      store,
      maxDataBytes: 64 * 1024,
      onSecurityEvent: (e) => events.push(e),
    });
    const s = big.load(undefined);
    await s.update(blobOfSize(100 * 1024));
    const cookie = cookieOf((await big.commit(s)).setCookie);
    expect(await small.load(cookie).load()).toEqual({});
    expect(events.map((e) => e.type)).toEqual(['bad-payload']);
    expect(events[0]!.message).toMatch(/more than 65536|more than maxDataBytes \(65536\)/);
  });
});

describe('SESSION_MAX_DATA_BYTES', () => {
  const env = { SECRET_KEY: TEST_SECRET, SESSION_ENGINE: 'signed_cookies' };

  it('sets maxDataBytes for loading and saving alike', async () => {
    const { options } = optionsFromEnv({ ...env, SESSION_MAX_DATA_BYTES: '2048' });
    expect(options.maxDataBytes).toBe(2048);
    const sessions = createSessions({ ...options, logger: recordingLogger() });
    const s = sessions.load(undefined);
    await s.update(blobOfSize(2049));
    await expect(sessions.commit(s)).rejects.toMatchObject({ bytes: 2049, limit: 2048 });
    expect(optionsFromEnv(env).options.maxDataBytes).toBeUndefined();
  });

  it('refuses a value that is not a positive whole number of bytes, naming the variable', () => {
    for (const bad of ['0', '-5', '1.5', '1MB']) {
      expect(() => optionsFromEnv({ ...env, SESSION_MAX_DATA_BYTES: bad })).toThrow(/SESSION_MAX_DATA_BYTES=.* is not a positive whole number of bytes/);
    }
  });
});
