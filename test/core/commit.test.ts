/**
 * The one commit path: Django's decision made once, answered synchronously when no I/O is needed, one
 * clock reading for the stored expiry and the cookie's; the error answers and log lines every adapter uses.
 */
import { describe, expect, it } from 'vitest';
import { errorResponse, logRequestError } from '../../src/core/error-response.js';
import {
  CreateError,
  createSessions,
  SessionDataTooLarge,
  SessionInterrupted,
  SessionLockTimeout,
  type SessionOptions,
  SessionStoreUnavailable,
  SessionValueError,
} from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory.js';
import { signedCookies } from '../../src/stores/signed-cookies.js';
import { cookieOf } from '../helpers/cookies.js';
import { countingStore } from '../helpers/counting-store.js';
import { TEST_SECRET } from '../helpers/secrets.js';

/** A clock that moves a whole second every time it is read: two readings can never agree by chance. */
function tickingClock(start = Date.now()): () => number {
  let now = start;
  return () => (now += 1000);
}

/** A logger that keeps each call with whether an error object came with it. */
function fullLogger() {
  const lines: Array<{ level: 'warn' | 'error'; message: string; withError: boolean }> = [];
  return {
    lines,
    warn: (message: string) => lines.push({ level: 'warn', message, withError: false }),
    error: (message: string, error?: unknown) => lines.push({ level: 'error', message, withError: error !== undefined }),
  };
}

function setup(options: Partial<SessionOptions> = {}) {
  const counting = countingStore(memoryStore());
  const sessions = createSessions({ secret: TEST_SECRET, store: counting.store, ...options });
  return { sessions, counting };
}

const cookiePart = (setCookie: string, name: string): string | undefined =>
  setCookie
    .split('; ')
    .find((part) => part.startsWith(`${name}=`))
    ?.slice(name.length + 1);

describe('commit: one decision, synchronous when no I/O is needed', () => {
  it('answers an untouched, a read-only and a stale session synchronously, and a save or a flush with a promise', async () => {
    const { sessions, counting } = setup();
    const first = sessions.load(undefined);
    await first.set('a', 1);
    const saving = sessions.commit(first);
    expect(saving).toBeInstanceOf(Promise);
    const cookie = cookieOf((await saving).setCookie);

    const untouched = sessions.commit(sessions.load(cookie));
    expect(untouched).not.toBeInstanceOf(Promise);
    expect(untouched).toMatchObject({ setCookie: [], vary: false });

    const reader = sessions.load(cookie);
    await reader.get('a');
    expect(sessions.commit(reader)).toMatchObject({ setCookie: [], vary: true, cachePrivate: false });

    const stale = sessions.load('sessionid=nosuchsession00000000000000000000');
    await stale.get('a');
    const staleDeletion = sessions.commit(stale);
    expect(staleDeletion).not.toBeInstanceOf(Promise);
    expect((staleDeletion as { setCookie: readonly string[] }).setCookie[0]).toMatch(/^sessionid="";/);

    // flush() only records the logout; the commit deletes the stored session, then answers.
    const emptied = sessions.load(cookie);
    await emptied.flush();
    const deletes = counting.calls.delete;
    const deleting = sessions.commit(emptied);
    expect(deleting).toBeInstanceOf(Promise);
    const deletion = await deleting;
    expect(counting.calls.delete).toBe(deletes + 1);
    expect(deletion).toMatchObject({ vary: true, cachePrivate: true });
    expect(deletion.setCookie[0]).toMatch(/^sessionid="";/);
    expect(await counting.store.load(cookie.split('=')[1]!)).toBeNull();
  });

  it('asks for Cache-Control: private exactly when a cookie is set or deleted', async () => {
    const { sessions } = setup();
    const s = sessions.load(undefined);
    await s.set('a', 1);
    expect((await sessions.commit(s)).cachePrivate).toBe(true);
    const r = sessions.load(undefined);
    await r.get('a');
    expect((await sessions.commit(r)).cachePrivate).toBe(false);
  });
});

describe('commit: one clock reading for the stored expiry and the cookie', () => {
  it('gives the store and the cookie the same expiry even when the clock moves between readings', async () => {
    const { sessions, counting } = setup({ now: tickingClock() });
    const stored: Date[] = [];
    const create = counting.store.create;
    counting.store.create = (key, data, expires) => {
      stored.push(expires);
      return create(key, data, expires);
    };
    const s = sessions.load(undefined);
    await s.set('a', 1);
    const setCookie = (await sessions.commit(s)).setCookie[0]!;
    const expires = Date.parse(cookiePart(setCookie, 'expires')!);
    expect(Math.floor(stored[0]!.getTime() / 1000) * 1000).toBe(expires);
    expect(cookiePart(setCookie, 'Max-Age')).toBe('1209600');
  });

  it('after a compare-and-set merge, the cookie carries the merged expiry that was stored', async () => {
    const { sessions, counting } = setup({ now: tickingClock() });
    const first = sessions.load(undefined);
    await first.set('a', 1);
    const cookie = cookieOf((await sessions.commit(first)).setCookie);
    const updates: Date[] = [];
    const update = counting.store.update;
    counting.store.update = (key, data, expires, expected) => {
      updates.push(expires);
      return update(key, data, expires, expected);
    };

    const slow = sessions.load(cookie);
    await slow.get('a');
    const fast = sessions.load(cookie);
    await fast.setExpiry(600);
    await sessions.commit(fast);
    await slow.set('b', 2); // does not touch the expiry: the merge keeps the 600 s the other request stored
    const setCookie = (await sessions.commit(slow)).setCookie[0]!;
    expect(cookiePart(setCookie, 'Max-Age')).toBe('600');
    const expires = Date.parse(cookiePart(setCookie, 'expires')!);
    expect(Math.floor(updates.at(-1)!.getTime() / 1000) * 1000).toBe(expires);
    expect(await sessions.load(cookie).load()).toMatchObject({ a: 1, b: 2, _session_expiry: 600 });
  });
});

describe("save({ mustCreate: true }): Django's CreateError", () => {
  it('throws CreateError, not a store outage, when the key exists', async () => {
    const { sessions } = setup();
    const first = sessions.load(undefined);
    await first.set('a', 1);
    const cookie = cookieOf((await sessions.commit(first)).setCookie);
    const again = sessions.load(cookie);
    await again.load();
    const error = await again.save({ mustCreate: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CreateError);
    expect(error).not.toBeInstanceOf(SessionStoreUnavailable);
  });
});

describe('a store outage in the log: one line when it starts, one when it ends', () => {
  it('logs 20 failed requests as one line, then one line with the count when the store is back', async () => {
    const logger = fullLogger();
    const { sessions, counting } = setup({ logger });
    const first = sessions.load(undefined);
    await first.set('a', 1);
    const cookie = cookieOf((await sessions.commit(first)).setCookie);
    counting.failing = true;
    for (let i = 0; i < 20; i++) {
      const error = await sessions
        .load(cookie)
        .get('a')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SessionStoreUnavailable);
      logRequestError(sessions.options, error);
    }
    expect(logger.lines).toEqual([
      {
        level: 'error',
        message: 'sessionkit: session store "memory" is unavailable: connection refused (simulated outage)',
        withError: false,
      },
    ]);
    counting.failing = false;
    expect(await sessions.load(cookie).get('a')).toBe(1);
    expect(logger.lines).toHaveLength(2);
    expect(logger.lines[1]!.message).toMatch(/^sessionkit: session store "memory" is back after \d+ s; 20 requests failed on it meanwhile\.$/);
    expect(await sessions.load(cookie).get('a')).toBe(1);
    expect(logger.lines).toHaveLength(2);
  });

  it('with debug on, passes the error (and its stack) with every failure', async () => {
    const logger = fullLogger();
    const { sessions, counting } = setup({ logger, debug: true });
    counting.failing = true;
    for (let i = 0; i < 3; i++)
      await sessions
        .load('sessionid=abcdefghijklmnopqrstuvwxyz012345')
        .get('a')
        .catch(() => undefined);
    expect(logger.lines).toHaveLength(3);
    expect(logger.lines.every((line) => line.withError)).toBe(true);
  });

  it('logs a handler bug with its stack, and client errors not at all', () => {
    const logger = fullLogger();
    const options = { logger, debug: false };
    logRequestError(options, new SessionInterrupted());
    logRequestError(options, new SessionValueError('bad value'));
    expect(logger.lines).toEqual([]);
    logRequestError(options, new TypeError('undefined is not a function'));
    expect(logger.lines).toEqual([{ level: 'error', message: 'sessionkit: request failed: undefined is not a function', withError: true }]);
    logRequestError(options, new SessionLockTimeout(5000));
    expect(logger.lines[1]).toMatchObject({ level: 'error', withError: false });
  });
});

describe('errorResponse: the answer every adapter sends', () => {
  const storeDown = new SessionStoreUnavailable('redis', new Error('connect ECONNREFUSED 10.1.2.3:6379'));
  it.each([
    [
      'a store outage: 503, Retry-After, no host or driver message',
      storeDown,
      503,
      '503 Service Unavailable: The session store is unavailable. Please try again later.\n',
      '5',
    ],
    ['a lock timeout: 503, Retry-After 1', new SessionLockTimeout(5000), 503, /^503 Service Unavailable: Timed out after 5000 ms/, '1'],
    ['a concurrent logout: 400 with the reason', new SessionInterrupted(), 400, /^400 Bad Request: The request's session was deleted/, undefined],
    [
      'a value the session cannot hold: 400 with the reason',
      new SessionValueError('numbers must be finite'),
      400,
      '400 Bad Request: numbers must be finite\n',
      undefined,
    ],
    ['data over the limit: 413', new SessionDataTooLarge(2_000_000, 1_048_576), 413, /^413 Payload Too Large: The session data is 2000000 bytes/, undefined],
    ['anything else: a bare 500', new Error('secret internals at /srv/app.js:12'), 500, '500 Internal Server Error\n', undefined],
  ])('%s', (_label, error, status, body, retryAfter) => {
    const answer = errorResponse(error);
    expect(answer.status).toBe(status);
    if (typeof body === 'string') expect(answer.body).toBe(body);
    else expect(answer.body).toMatch(body);
    expect(answer.body).not.toMatch(/10\.1\.2\.3|ECONNREFUSED|\/srv/);
    expect(answer.headers['Content-Type']).toBe('text/plain; charset=utf-8');
    expect(answer.headers['Retry-After']).toBe(retryAfter);
  });

  it('marks only 4xx session errors as safe to show (expose)', () => {
    expect(storeDown.expose).toBe(false);
    expect(new SessionInterrupted().expose).toBe(true);
  });
});

describe('signed cookies: commit makes the decision once', () => {
  it('sets the cookie of a modified session and deletes it once emptied', async () => {
    const sessions = createSessions({ secret: TEST_SECRET, store: signedCookies() });
    const s = sessions.load(undefined);
    await s.set('a', 1);
    const cookie = cookieOf((await sessions.commit(s)).setCookie);
    const r = sessions.load(cookie);
    expect(await r.get('a')).toBe(1);
    await r.flush();
    const result = await sessions.commit(r);
    expect(result.setCookie[0]).toMatch(/^sessionid="";/);
  });
});
