import { describe, expect, it } from 'vitest';
import { httpDate } from '../../src/cookies/serialize.js';
import type { SessionStore, StoreContext } from '../../src/core/store-contract.js';
import { createSessions, type SessionOptions, SessionStoreUnavailable } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory.js';
import { cookieOf } from '../helpers/cookies.js';
import { countingStore } from '../helpers/counting-store.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';

const T0 = 1700000000_000;

// Stores judge expiry by the real clock, so only tests that never read back a session start at T0.
function setup(options: Partial<SessionOptions> = {}, start = Date.now()) {
  const counting = countingStore(memoryStore());
  let now = start;
  const sessions = createSessions({ secret: TEST_SECRET, store: counting.store, now: () => now, ...options });
  return { sessions, counting, advance: (ms: number) => (now += ms) };
}

/** The cookie of a session holding `{ a: 1 }`, saved in `store` by a manager signing with `secret`. */
async function savedUnder(secret: string, store: SessionStore): Promise<string> {
  const sessions = createSessions({ secret, store });
  const s = sessions.load(undefined);
  await s.set('a', 1);
  return cookieOf((await sessions.commit(s)).setCookie);
}

async function existing(ctx: ReturnType<typeof setup>, data: Record<string, unknown> = { a: 1 }): Promise<string> {
  const s = ctx.sessions.load(undefined);
  await s.update(data);
  return cookieOf((await ctx.sessions.commit(s)).setCookie);
}

describe('SessionManager.commit: the response side (Django §5.2, §5.3)', () => {
  it('does nothing at all for a request that never touches its session', async () => {
    const ctx = setup();
    const cookie = await existing(ctx);
    const before = ctx.counting.total();
    const s = ctx.sessions.load(`${cookie}; other=1`);
    expect(await ctx.sessions.commit(s)).toEqual({ setCookie: [], vary: false, cachePrivate: false });
    expect(ctx.counting.total()).toBe(before);
  });

  it('sets the cookie exactly as Django does for a new session', async () => {
    const ctx = setup({}, T0);
    const s = ctx.sessions.load(undefined);
    await s.set('visit', 1);
    const result = await ctx.sessions.commit(s);
    expect(result.vary).toBe(true);
    expect(result.setCookie).toEqual([`sessionid=${s.sessionKey}; expires=Tue, 28 Nov 2023 22:13:20 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax`]);
  });

  it('honours every cookie setting', async () => {
    const ctx = setup(
      {
        cookieName: 'mysess',
        cookieDomain: '.example.com',
        cookiePath: '/app',
        cookieSecure: true,
        cookieSameSite: 'strict',
        cookieAge: 600,
      },
      T0,
    );
    const s = ctx.sessions.load(undefined);
    await s.set('a', 1);
    expect((await ctx.sessions.commit(s)).setCookie[0]).toBe(
      `mysess=${s.sessionKey}; Domain=.example.com; expires=Tue, 14 Nov 2023 22:23:20 GMT; HttpOnly; Max-Age=600; Path=/app; SameSite=Strict; Secure`,
    );
  });

  it('uses the per-session expiry for Max-Age and a browser-session cookie for 0', async () => {
    const ctx = setup({}, T0);
    const s = ctx.sessions.load(undefined);
    await s.setExpiry(300);
    expect((await ctx.sessions.commit(s)).setCookie[0]).toContain('expires=Tue, 14 Nov 2023 22:18:20 GMT; HttpOnly; Max-Age=300;');
    const b = ctx.sessions.load(undefined);
    await b.setExpiry(0);
    expect((await ctx.sessions.commit(b)).setCookie[0]).toBe(`sessionid=${b.sessionKey}; HttpOnly; Path=/; SameSite=Lax`);
  });

  it('expireAtBrowserClose drops Max-Age and expires', async () => {
    const ctx = setup({ expireAtBrowserClose: true, cookieHttpOnly: false, cookieSameSite: false });
    const s = ctx.sessions.load(undefined);
    await s.set('a', 1);
    expect((await ctx.sessions.commit(s)).setCookie[0]).toBe(`sessionid=${s.sessionKey}; Path=/`);
  });

  it('varies on Cookie for a read-only access and sets no cookie', async () => {
    const ctx = setup();
    const cookie = await existing(ctx);
    const writes = ctx.counting.writes();
    const s = ctx.sessions.load(cookie);
    expect(await s.get('a')).toBe(1);
    expect(await ctx.sessions.commit(s)).toEqual({ setCookie: [], vary: true, cachePrivate: false });
    expect(ctx.counting.writes()).toBe(writes);
  });

  it('deletes the cookie of a stale key when the session is accessed, writing nothing', async () => {
    const ctx = setup();
    const s = ctx.sessions.load('sessionid=abcdefghijklmnopqrstuvwxyz012345');
    expect(await s.get('a')).toBeUndefined();
    expect(await ctx.sessions.commit(s)).toEqual({
      setCookie: ['sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax'],
      vary: true,
      cachePrivate: true,
    });
    expect(ctx.counting.writes()).toBe(0);
  });

  it('deletes a malformed cookie without any store I/O, even when untouched', async () => {
    const ctx = setup();
    for (const bad of ['short', '../../../etc/passwd', 'UPPERCASEKEY0000', 'a'.repeat(41), 'x'.repeat(10_000)]) {
      const s = ctx.sessions.load(`sessionid=${bad}`);
      const result = await ctx.sessions.commit(s);
      expect(result.setCookie[0]).toMatch(/^sessionid="";/);
    }
    expect(ctx.counting.total()).toBe(0);
  });

  it('skips the save on a 5xx but still varies', async () => {
    const ctx = setup();
    const s = ctx.sessions.load(undefined);
    await s.set('a', 1);
    expect(await ctx.sessions.commit(s, 500)).toEqual({ setCookie: [], vary: true, cachePrivate: false });
    expect(ctx.counting.writes()).toBe(0);
  });

  it('saveEveryRequest re-saves and re-sends an untouched existing session with a sliding expiry', async () => {
    const start = Date.now();
    const ctx = setup({ saveEveryRequest: true }, start);
    const cookie = await existing(ctx);
    const updates = ctx.counting.calls.update;
    ctx.advance(10_000);
    const s = ctx.sessions.load(cookie);
    const result = await ctx.sessions.commit(s);
    expect(result.vary).toBe(true);
    expect(result.setCookie[0]).toBe(`${cookie}; expires=${httpDate(start + 10_000 + 1209600_000)}; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax`);
    expect(ctx.counting.calls.update).toBe(updates + 1);
  });

  it('saveEveryRequest does not create sessions for visitors without one', async () => {
    const ctx = setup({ saveEveryRequest: true });
    expect(await ctx.sessions.commit(ctx.sessions.load(undefined))).toEqual({
      setCookie: [],
      vary: false,
      cachePrivate: false,
    });
    expect(ctx.counting.total()).toBe(0);
  });

  it('turns a failing store into SessionStoreUnavailable (503) on load and on save', async () => {
    const ctx = setup();
    const cookie = await existing(ctx);
    ctx.counting.failing = true;
    const reader = ctx.sessions.load(cookie);
    const error = await reader.get('a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionStoreUnavailable);
    expect((error as SessionStoreUnavailable).status).toBe(503);
    expect((error as Error).message).toBe('Session store "memory" is unavailable.');
    expect(((error as Error).cause as Error).message).toMatch(/connection refused/);
    ctx.counting.failing = false;
    const writer = ctx.sessions.load(cookie);
    await writer.set('b', 2);
    ctx.counting.failing = true;
    await expect(ctx.sessions.commit(writer)).rejects.toBeInstanceOf(SessionStoreUnavailable);
    ctx.counting.failing = false;
    expect(await ctx.sessions.load(cookie).get('a')).toBe(1);
  });

  it('merges concurrent changes to different keys; the same key is last-write-wins without locking', async () => {
    const ctx = setup();
    const cookie = await existing(ctx, { visit: 0 });
    const r1 = ctx.sessions.load(cookie);
    const r2 = ctx.sessions.load(cookie);
    await r1.get('visit');
    await r2.get('visit');
    await r1.set('from1', true);
    await r2.set('from2', true);
    await r1.delete('visit');
    await ctx.sessions.commit(r1);
    await ctx.sessions.commit(r2);
    expect(await ctx.sessions.load(cookie).load()).toEqual({ from1: true, from2: true });
  });

  it("with mergeConcurrentUpdates: false, the last writer wins (Django's behaviour)", async () => {
    const ctx = setup({ mergeConcurrentUpdates: false });
    const cookie = await existing(ctx, { seed: 0 });
    const r1 = ctx.sessions.load(cookie);
    const r2 = ctx.sessions.load(cookie);
    await r1.set('from1', true);
    await r2.set('from2', true);
    await ctx.sessions.commit(r1);
    await ctx.sessions.commit(r2);
    expect(await ctx.sessions.load(cookie).load()).toEqual({ seed: 0, from2: true });
  });

  it('clear() replaces the stored data instead of merging into it', async () => {
    const ctx = setup();
    const cookie = await existing(ctx, { a: 1, b: 2 });
    const s = ctx.sessions.load(cookie);
    await s.clear();
    await s.set('c', 3);
    await ctx.sessions.commit(s);
    expect(await ctx.sessions.load(cookie).load()).toEqual({ c: 3 });
  });

  it('stored data signed with a fallback secret is read, then re-signed with the current secret', async () => {
    const counting = countingStore(memoryStore());
    const cookie = await savedUnder(`${TEST_SECRET}-old`, counting.store);
    const logger = recordingLogger();
    const rotated = createSessions({
      secret: TEST_SECRET,
      secretFallbacks: [`${TEST_SECRET}-old`],
      store: counting.store,
      logger,
    });
    const r = rotated.load(cookie);
    expect(await r.get('a')).toBe(1);
    await r.set('b', 2);
    await rotated.commit(r);
    const current = createSessions({ secret: TEST_SECRET, store: counting.store });
    expect(await current.load(cookie).load()).toEqual({ a: 1, b: 2 });
    expect(logger.warnings).toEqual([]);
  });

  it("stored data with a bad signature reads as empty, logs Django's warning, keeps the key", async () => {
    const counting = countingStore(memoryStore());
    const cookie = await savedUnder(`${TEST_SECRET}-a`, counting.store);
    const logger = recordingLogger();
    const b = createSessions({ secret: TEST_SECRET, store: counting.store, logger });
    const r = b.load(cookie);
    expect(await r.load()).toEqual({});
    expect(r.sessionKey).toBe(cookie.split('=')[1]);
    expect(logger.warnings).toEqual(['Session data corrupted']);
  });
});

describe('createSessions: attaching the store', () => {
  it("hands the store the configuration's clock, cookie name, cookie age and logger, once, before any call", async () => {
    const inner = memoryStore();
    const contexts: StoreContext[] = [];
    const callsBeforeAttach: string[] = [];
    const store: SessionStore = {
      name: 'recording',
      load: (key) => {
        if (contexts.length === 0) callsBeforeAttach.push('load');
        return inner.load(key);
      },
      exists: (key) => inner.exists(key),
      create: (key, data, expires) => {
        if (contexts.length === 0) callsBeforeAttach.push('create');
        return inner.create(key, data, expires);
      },
      update: (key, data, expires, expected) => inner.update(key, data, expires, expected),
      delete: (key) => inner.delete(key),
      clearExpired: () => inner.clearExpired(),
      attach: (context) => void contexts.push(context),
    };
    const logger = recordingLogger();
    const now = (): number => T0;
    const sessions = createSessions({ secret: TEST_SECRET, store, now, cookieName: 'sid', cookieAge: 600, logger });
    const s = sessions.load(undefined);
    await s.set('a', 1);
    await sessions.commit(s);
    expect(contexts).toEqual([{ now, cookieName: 'sid', cookieAge: 600, logger }]);
    expect(callsBeforeAttach).toEqual([]);
  });
});
