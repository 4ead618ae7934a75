/**
 * Django's `signed_cookies` engine (3.2 and 5.2) and sessionkit's, in both directions: the cookie value is
 * the session, so each side must read, re-sign, expire and drop what the other wrote. One Django process
 * per version answers every op.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSessions, type SessionManager } from '../../src/index.js';
import { signedCookies } from '../../src/stores/signed-cookies.js';
import { cookieValue } from '../helpers/cookies.js';
import { OLD_SECRET, recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import { describeWithInstall, djangoInstalls } from './django-installs.js';
import { type DjangoProcess, startDjango } from './django-process.js';
import { COOKIE_AGE, type Expiry, type Loaded, renewDjangoExpiries, sessionWithExpiry } from './session-interop.js';

const ENGINE = 'signed_cookies';

const settings = (secret = TEST_SECRET): Record<string, unknown> => ({ SECRET_KEY: secret });

const managers: SessionManager[] = [];
function cookieSessions(options: { secretFallbacks?: string[]; now?: () => number } = {}): SessionManager {
  const manager = createSessions({
    secret: TEST_SECRET,
    secretFallbacks: options.secretFallbacks ?? [],
    store: signedCookies(),
    logger: recordingLogger(),
    ...(options.now ? { now: options.now } : {}),
  });
  managers.push(manager);
  return manager;
}
afterAll(async () => {
  for (const manager of managers) await manager.close();
});

for (const install of djangoInstalls) {
  describeWithInstall(install, `${install.label} signed_cookies engine ⇄ sessionkit signed cookies`, () => {
    let bridge: DjangoProcess;
    beforeAll(() => {
      bridge = startDjango(settings(), install.python);
    });
    afterAll(() => bridge.close());
    /** Runs `ops` in this suite's Django, signing with the batch's SECRET_KEY. */
    const django = (batch: Record<string, unknown>, ops: Array<Record<string, unknown>>): Promise<unknown[]> => bridge.run(ops, batch);

    it('(c) reads and re-signs a cookie Django made, and Django reads the new cookie; and the other way round', async () => {
      const original = { user: 'alice', cart: ['book', { sku: 42 }], note: 'naïve — 日本 😀' };
      const [created] = (await django(settings(), [{ op: 'session_create', engine: ENGINE, data: original }])) as [{ key: string }];

      const sessions = cookieSessions();
      const session = sessions.load(`other=1; sessionid=${created.key}`);
      expect(await session.load()).toEqual(original);
      await session.set('visits', 1);
      await session.delete('note');
      const updated = cookieValue((await sessions.commit(session)).setCookie[0]!);
      expect(updated).not.toBe(created.key);

      const fresh = sessions.load(undefined);
      await fresh.set('theme', 'dark');
      const mine = cookieValue((await sessions.commit(fresh)).setCookie[0]!);

      const [loadedUpdate, loadedMine, djangoUpdate] = (await django(settings(), [
        { op: 'session_load', engine: ENGINE, key: updated },
        { op: 'session_load', engine: ENGINE, key: mine },
        { op: 'session_update', engine: ENGINE, key: mine, data: { by: 'django' } },
      ])) as [Loaded, Loaded, { key: string }];
      const { note: _note, ...kept } = original;
      expect(loadedUpdate).toEqual({ data: { ...kept, visits: 1 }, key_after: updated });
      expect(loadedMine).toEqual({ data: { theme: 'dark' }, key_after: mine });
      expect(await sessions.load(`sessionid=${djangoUpdate.key}`).load()).toEqual({ theme: 'dark', by: 'django' });
    });

    it('(d) verifies with a fallback secret what Django signed with the old key, and re-signs with the new one', async () => {
      const [created] = (await django(settings(OLD_SECRET), [{ op: 'session_create', engine: ENGINE, data: { user: 'bob' } }])) as [{ key: string }];

      expect(await cookieSessions().load(`sessionid=${created.key}`).load()).toEqual({});

      const sessions = cookieSessions({ secretFallbacks: [OLD_SECRET] });
      const session = sessions.load(`sessionid=${created.key}`);
      expect(await session.get('user')).toBe('bob');
      await session.set('rotated', true);
      const resigned = cookieValue((await sessions.commit(session)).setCookie[0]!);

      const [original, rotated] = (await django(settings(TEST_SECRET), [
        { op: 'session_load', engine: ENGINE, key: created.key },
        { op: 'session_load', engine: ENGINE, key: resigned },
      ])) as [Loaded, Loaded];
      expect(original.data).toEqual({});
      expect(rotated.data).toEqual({ user: 'bob', rotated: true });
    });

    it('(e) an integer expiry set by either side gives the same age, date and cookie Max-Age', async () => {
      const t = Math.floor(Date.now() / 1000);
      const [created, closing] = (await django(settings(), [
        { op: 'session_create', engine: ENGINE, data: { a: 1 }, expiry: 300, time: t },
        { op: 'session_create', engine: ENGINE, data: { b: 1 }, expiry: 0, time: t },
      ])) as [{ key: string }, { key: string }];

      const later = t + 10;
      const sessions = cookieSessions({ now: () => later * 1000 });
      await renewDjangoExpiries(sessions, created.key, closing.key, later);
      const { key: mineCookie, date: myDate } = await sessionWithExpiry(sessions);
      const theirDate = await sessions.load(`sessionid=${created.key}`).getExpiryDate();

      const [onMine, onTheirs, onClosing] = (await django(settings(), [
        { op: 'session_expiry', engine: ENGINE, key: mineCookie, time: later },
        { op: 'session_expiry', engine: ENGINE, key: created.key, time: later },
        { op: 'session_expiry', engine: ENGINE, key: closing.key, time: later },
      ])) as [Expiry, Expiry, Expiry];
      expect(onMine.age).toBe(600);
      expect(onMine.browser_close).toBe(false);
      expect(Date.parse(onMine.date)).toBe(myDate.getTime());
      expect(Date.parse(onMine.date)).toBe((later + 600) * 1000);
      expect(onTheirs.age).toBe(300);
      expect(Date.parse(onTheirs.date)).toBe(theirDate.getTime());
      expect(onClosing.browser_close).toBe(true);
    });

    it('(e) both sides check the signature age against cookieAge, not the per-session expiry (ticket #19201)', async () => {
      const now = Math.floor(Date.now() / 1000);
      // Signed 400 s ago with a 300 s expiry: still accepted. Signed more than cookieAge ago: refused.
      const [shortExpiry, tooOld] = (await django(settings(), [
        { op: 'session_create', engine: ENGINE, data: { a: 1 }, expiry: 300, time: now - 400 },
        { op: 'session_create', engine: ENGINE, data: { a: 1 }, time: now - COOKIE_AGE - 5 },
      ])) as [{ key: string }, { key: string }];
      const sessions = cookieSessions();
      expect(await sessions.load(`sessionid=${shortExpiry.key}`).get('a')).toBe(1);

      const expired = sessions.load(`sessionid=${tooOld.key}`);
      expect(await expired.load()).toEqual({});
      // Django keeps the bad value as the key, so the client gets a fresh cookie for {} rather than a deletion.
      const replacement = (await sessions.commit(expired)).setCookie[0]!;
      expect(replacement).not.toMatch(/Max-Age=0/);
      const replacementValue = cookieValue(replacement);

      const [djangoShort, djangoOld, djangoReplacement] = (await django(settings(), [
        { op: 'session_load', engine: ENGINE, key: shortExpiry.key },
        { op: 'session_load', engine: ENGINE, key: tooOld.key },
        { op: 'session_load', engine: ENGINE, key: replacementValue },
      ])) as [Loaded, Loaded, Loaded];
      expect(djangoShort.data).toEqual({ a: 1, _session_expiry: 300 });
      expect(djangoOld).toEqual({ data: {}, key_after: tooOld.key });
      expect(djangoReplacement).toEqual({ data: {}, key_after: replacementValue });
    });

    it('(f, g) clearing expired sessions is a no-op on both sides; a flush empties the session and deletes the cookie', async () => {
      const sessions = cookieSessions();
      const first = sessions.load(undefined);
      await first.set('user', 'carol');
      const cookie = cookieValue((await sessions.commit(first)).setCookie[0]!);
      const [djangoClear, djangoFlush] = (await django(settings(), [
        { op: 'clear_expired', engine: ENGINE },
        { op: 'session_flush', engine: ENGINE, key: cookie },
      ])) as [null, { key_after: string | null; empty: boolean }];
      expect(djangoClear).toBeNull();
      expect(djangoFlush).toEqual({ key_after: null, empty: true });

      expect(await sessions.clearExpired()).toBe(0);
      const session = sessions.load(`sessionid=${cookie}`);
      expect(await session.get('user')).toBe('carol');
      await session.flush();
      expect(session.sessionKey).toBeNull();
      expect(session.isEmpty()).toBe(true);
      const { setCookie, vary } = await sessions.commit(session);
      expect(vary).toBe(true);
      expect(setCookie).toHaveLength(1);
      expect(setCookie[0]).toMatch(/^sessionid=(""|);.*Max-Age=0/);
    });
  });
}
