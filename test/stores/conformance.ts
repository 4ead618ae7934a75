/**
 * The store conformance suite: the contract every engine must pass, against its real server.
 * Registering an engine is a few lines:
 *
 *   describeStoreConformance({ name: 'sqlite', makeStore: () => sqliteStore({ path }), clearsExpired: true });
 */
import { afterAll, describe, expect, it } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import { createSessions, SessionInterrupted, SessionLockTimeout, type SessionStore } from '../../src/index.js';
import { cookieOf } from '../helpers/cookies.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { contextWithClock } from './store-context.js';

/** How an engine is plugged into the suite. */
export interface ConformanceTarget {
  /** Shown in the test names. */
  readonly name: string;
  /** A store on an empty namespace (table, prefix, directory) of its own. Called once per suite. */
  makeStore(): SessionStore | Promise<SessionStore>;
  /** Whether `clearExpired` removes and counts expired records (db, file) rather than leaving it to the server's TTL (cache). */
  readonly clearsExpired: boolean;
  /**
   * Whether a server drops expired records by the TTL the store sent (Redis, memcached, a cache in front
   * of a database), rather than the store judging them by its clock. The suite then checks the TTL's
   * start but does not wait for its end (the targets' own tests assert the TTL; test/real-time watches
   * it run out). @default false
   */
  readonly expiresOnServer?: boolean;
  /** Called after the suite, e.g. to drop the table; the store is closed by the suite. */
  cleanup?(store: SessionStore): Promise<void>;
}

const future = (seconds = 3600): Date => new Date(Date.now() + seconds * 1000);
const past = (seconds = 3600): Date => new Date(Date.now() - seconds * 1000);

/** Registers the contract tests for one engine. */
export function describeStoreConformance(target: ConformanceTarget): void {
  describe(`store conformance: ${target.name}`, () => {
    let storePromise: Promise<SessionStore> | undefined;
    const store = (): Promise<SessionStore> => (storePromise ??= Promise.resolve(target.makeStore()));

    afterAll(async () => {
      if (!storePromise) return;
      const s = await storePromise;
      await target.cleanup?.(s);
      await s.close?.();
    });

    it('loads nothing for an unknown key', async () => {
      const s = await store();
      const key = generateSessionKey();
      expect(await s.load(key)).toBeNull();
      expect(await s.exists(key)).toBe(false);
      await expect(s.delete(key)).resolves.toBeUndefined();
    });

    it('creates, loads and reports existence', async () => {
      const s = await store();
      const key = generateSessionKey();
      expect(await s.create(key, 'data-1', future())).toBe(true);
      const loaded = await s.load(key);
      expect(loaded?.data).toBe('data-1');
      expect(await s.exists(key)).toBe(true);
    });

    it('refuses to create over an existing key and keeps the original', async () => {
      const s = await store();
      const key = generateSessionKey();
      expect(await s.create(key, 'first', future())).toBe(true);
      expect(await s.create(key, 'second', future())).toBe(false);
      expect((await s.load(key))?.data).toBe('first');
    });

    it('updates an existing record', async () => {
      const s = await store();
      const key = generateSessionKey();
      await s.create(key, 'before', future());
      expect(await s.update(key, 'after', future())).toBe('updated');
      expect((await s.load(key))?.data).toBe('after');
    });

    it('never resurrects a deleted record on update', async () => {
      const s = await store();
      const key = generateSessionKey();
      await s.create(key, 'alive', future());
      await s.delete(key);
      expect(await s.load(key)).toBeNull();
      expect(await s.exists(key)).toBe(false);
      expect(await s.update(key, 'zombie', future())).toBe('missing');
      expect(await s.update(generateSessionKey(), 'never-created', future())).toBe('missing');
      expect(await s.load(key)).toBeNull();
    });

    it('compare-and-set: updates at the loaded version, refuses a stale one', async () => {
      const s = await store();
      const key = generateSessionKey();
      await s.create(key, 'v1', future());
      const first = await s.load(key);
      expect(await s.update(key, 'v2', future(), first!.version)).toBe('updated');
      expect(await s.update(key, 'v3-stale', future(), first!.version)).toBe('conflict');
      expect((await s.load(key))?.data).toBe('v2');
      const second = await s.load(key);
      expect(await s.update(key, 'v3', future(), second!.version)).toBe('updated');
      expect((await s.load(key))?.data).toBe('v3');
    });

    it('treats an expired record as missing', async () => {
      const s = await store();
      const expired = generateSessionKey();
      await s.create(expired, 'old', past(10));
      expect(await s.load(expired)).toBeNull();
      const live = generateSessionKey();
      await s.create(live, 'new', future(10));
      expect((await s.load(live))?.data).toBe('new');
      expect(await s.update(live, 'expire-now', past(10))).toBe('updated');
      expect(await s.load(live)).toBeNull();
    });

    it("judges expiry by the attached clock, not the machine's", async (ctx) => {
      const s = await store();
      if (typeof s.attach !== 'function') return ctx.skip();
      const attachClock = (now: () => number): void => s.attach!(contextWithClock(now));
      const anHourAgo = Date.now() - 3_600_000;
      let clock = anHourAgo;
      attachClock(() => clock);
      try {
        // In the machine's past, in the attached clock's future: live until the clock reaches it.
        const short = generateSessionKey();
        await s.create(short, 'short', new Date(anHourAgo + 1200));
        expect((await s.load(short))?.data).toBe('short');
        if (!target.expiresOnServer) {
          clock = anHourAgo + 1199;
          expect((await s.load(short))?.data).toBe('short');
          clock = anHourAgo + 1200;
          expect(await s.load(short)).toBeNull();
        }
        // In the machine's future, in the attached clock's past: expired from the start.
        clock = Date.now() + 3_600_000;
        const stale = generateSessionKey();
        await s.create(stale, 'stale', new Date(Date.now() + 60_000));
        expect(await s.load(stale)).toBeNull();
      } finally {
        attachClock(Date.now);
      }
    });

    it('clears expired records and keeps live ones', async () => {
      const s = await store();
      const expired = [generateSessionKey(), generateSessionKey(), generateSessionKey()];
      const live = [generateSessionKey(), generateSessionKey()];
      await s.clearExpired();
      for (const key of expired) await s.create(key, 'x', past(60));
      for (const key of live) await s.create(key, 'y', future());
      const removed = await s.clearExpired();
      // Stores whose server expires records never hold them to clear.
      expect(removed).toBe(target.clearsExpired ? 3 : 0);
      for (const key of expired) {
        expect(await s.load(key)).toBeNull();
        expect(await s.exists(key)).toBe(false);
      }
      for (const key of live) expect((await s.load(key))?.data).toBe('y');
    });

    it('counts and clears expired records in batches, reporting progress (optional methods)', async (ctx) => {
      const s = await store();
      if (!s.clearExpiredInBatches && !s.countExpired) return ctx.skip();
      await s.clearExpired();
      const expired = Array.from({ length: 7 }, () => generateSessionKey());
      const live = generateSessionKey();
      for (const key of expired) await s.create(key, 'x', past(60));
      await s.create(live, 'y', future());
      if (s.countExpired) expect(await s.countExpired()).toBe(7);
      if (s.clearExpiredInBatches) {
        const progress: number[] = [];
        expect(await s.clearExpiredInBatches({ batchSize: 3, onProgress: (removed) => progress.push(removed) })).toBe(7);
        expect(progress.length).toBeGreaterThanOrEqual(2);
        expect(progress.at(-1)).toBe(7);
      } else {
        expect(await s.clearExpired()).toBe(7);
      }
      if (s.countExpired) expect(await s.countExpired()).toBe(0);
      expect((await s.load(live))?.data).toBe('y');
    });

    it('lists live sessions only, with their expiry and size (optional method)', async (ctx) => {
      const s = await store();
      if (!s.list) return ctx.skip();
      const live = generateSessionKey();
      const expired = generateSessionKey();
      const expires = future(600);
      await s.create(live, 'twelve bytes', expires);
      await s.create(expired, 'old', past(60));
      const listed = new Map<string, { expireDate: Date | null; size: number }>();
      for await (const entry of s.list()) listed.set(entry.key, entry);
      expect(listed.has(expired)).toBe(false);
      expect(listed.get(live)?.size).toBe(12);
      const listedExpiry = listed.get(live)?.expireDate;
      if (listedExpiry) expect(Math.abs(listedExpiry.getTime() - expires.getTime())).toBeLessThan(1000);
    });

    it('migrate reports the table as already there once it exists (optional method)', async (ctx) => {
      const s = await store();
      if (!s.migrate) return ctx.skip();
      await s.migrate();
      expect(await s.migrate()).toBe('exists');
    });

    it('round-trips unicode and 100 kB of data exactly', async () => {
      const s = await store();
      const key = generateSessionKey();
      const unicode = 'héllo wörld — 日本語 — 😀 — \u2028 — "quotes" \\ \'';
      const big = `${unicode}:${'x'.repeat(100 * 1024)}:${unicode}`;
      await s.create(key, big, future());
      expect((await s.load(key))?.data).toBe(big);
      await s.update(key, unicode, future());
      expect((await s.load(key))?.data).toBe(unicode);
    });

    it('gives a hostile or malformed cookie key an empty session: the engine checks keys before the store sees them', async () => {
      const s = await store();
      const sessions = createSessions({ secret: TEST_SECRET, store: s });
      for (const bad of ['../../../../etc/passwd', 'ABCDEFGHIJKL', 'short', 'a'.repeat(41), 'abc%20def%20ghi', 'abcdefgh%0A', '*']) {
        const session = sessions.load(`sessionid=${bad}`);
        expect(await session.load()).toEqual({});
        await session.set('x', 1);
        await sessions.commit(session);
        expect(session.sessionKey).not.toBe(bad);
        expect((await s.load(session.sessionKey!))?.data).toBeTypeOf('string');
      }
    });

    it('keeps every change of 50 concurrent requests to different keys of one session', async () => {
      const s = await store();
      const sessions = createSessions({ secret: TEST_SECRET, store: s });
      const first = sessions.load(undefined);
      await first.set('owner', 'me');
      const { setCookie } = await sessions.commit(first);
      const cookie = cookieOf(setCookie);
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const session = sessions.load(cookie);
          await session.set(`key${i}`, i);
          await sessions.commit(session);
        }),
      );
      const check = sessions.load(cookie);
      const data = await check.load();
      expect(data.owner).toBe('me');
      for (let i = 0; i < 50; i++) expect(data[`key${i}`]).toBe(i);
    });

    it('answers a save to a session deleted meanwhile with SessionInterrupted, writing nothing', async () => {
      const s = await store();
      const sessions = createSessions({ secret: TEST_SECRET, store: s });
      const first = sessions.load(undefined);
      await first.set('user', 'alice');
      const cookie = cookieOf((await sessions.commit(first)).setCookie);
      const slow = sessions.load(cookie);
      expect(await slow.get('user')).toBe('alice');
      const logout = sessions.load(cookie);
      await logout.flush();
      await sessions.commit(logout);
      await slow.set('cart', ['book']);
      await expect(sessions.commit(slow)).rejects.toBeInstanceOf(SessionInterrupted);
      expect(await s.load(slow.sessionKey!)).toBeNull();
    });

    describe('locking', () => {
      it('serialises read-modify-write of one key: 200 concurrent visits count to 200', async (ctx) => {
        const s = await store();
        if (typeof s.lock !== 'function') return ctx.skip();
        const sessions = createSessions<{ visit: number }>({
          secret: TEST_SECRET,
          store: s,
          locking: { waitMs: 20000 },
        });
        const first = sessions.load(undefined);
        await first.set('visit', 0);
        const cookie = cookieOf((await sessions.commit(first)).setCookie);
        await Promise.all(
          Array.from({ length: 200 }, async () => {
            const session = sessions.load(cookie);
            const visit = (await session.get('visit', 0)) + 1;
            await session.set('visit', visit);
            await sessions.commit(session);
          }),
        );
        const check = sessions.load(cookie);
        expect(await check.get('visit')).toBe(200);
        await sessions.commit(check);
        // The commit released the lock: it can be taken at once.
        const lock = await s.lock(check.sessionKey!, { waitMs: 100, ttlMs: 1000 });
        await lock.release();
      });

      it('gives up waiting for a held lock with SessionLockTimeout', async (ctx) => {
        const s = await store();
        if (typeof s.lock !== 'function') return ctx.skip();
        const key = generateSessionKey();
        const held = await s.lock(key, { waitMs: 1000, ttlMs: 10000 });
        // Giving up is the rejection itself: a store that kept waiting would time the test out.
        await expect(s.lock(key, { waitMs: 200, ttlMs: 10000 })).rejects.toBeInstanceOf(SessionLockTimeout);
        await held.release();
        const again = await s.lock(key, { waitMs: 1000, ttlMs: 10000 });
        await again.release();
      });
    });
  });
}
