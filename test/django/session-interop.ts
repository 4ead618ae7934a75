/**
 * What the session interop tests share, whatever the engine: the bridge's answers about sessions, and
 * the checks each engine's suite makes of an expiry crossing from Django to sessionkit and back.
 * @module
 */
import { expect } from 'vitest';
import type { SessionManager } from '../../src/index.js';
import { cookieValue } from '../helpers/cookies.js';

/** Django's `SESSION_COOKIE_AGE` default, in seconds. */
export const COOKIE_AGE = 1209600;

/** What the bridge's `session_load` answers. */
export interface Loaded {
  readonly data: Record<string, unknown>;
  readonly key_after: string | null;
}

/** What the bridge's `session_expiry` answers. */
export interface Expiry {
  readonly age: number;
  readonly date: string;
  readonly browser_close: boolean;
}

/**
 * sessionkit, at `later` (in seconds; `sessions` must have that clock), renews two sessions Django made:
 * `withAge` (a 300 s expiry) keeps 300 s of inactivity in its age and its cookie, and `atBrowserClose`
 * (expiry 0) gets a cookie without Max-Age.
 *
 * @returns The cookie values sessionkit sent for them.
 */
export async function renewDjangoExpiries(sessions: SessionManager, withAge: string, atBrowserClose: string, later: number): Promise<[string, string]> {
  const session = sessions.load(`sessionid=${withAge}`);
  expect(await session.getExpiryAge()).toBe(300);
  expect(await session.getExpireAtBrowserClose()).toBe(false);
  await session.set('a', 2);
  const cookie = (await sessions.commit(session)).setCookie[0]!;
  expect(cookie).toContain('; Max-Age=300;');
  expect(cookie).toContain(`expires=${new Date((later + 300) * 1000).toUTCString()}`);

  const closing = sessions.load(`sessionid=${atBrowserClose}`);
  expect(await closing.getExpireAtBrowserClose()).toBe(true);
  await closing.set('b', 2);
  const closingCookie = (await sessions.commit(closing)).setCookie[0]!;
  expect(closingCookie).not.toMatch(/Max-Age|expires/);
  return [cookieValue(cookie), cookieValue(closingCookie)];
}

/** A new sessionkit session `{ c: 1 }` with a 600 s expiry: its cookie value and its expiry date. */
export async function sessionWithExpiry(sessions: SessionManager): Promise<{ key: string; date: Date }> {
  const mine = sessions.load(undefined);
  await mine.set('c', 1);
  await mine.setExpiry(600);
  const key = cookieValue((await sessions.commit(mine)).setCookie[0]!);
  return { key, date: await sessions.load(`sessionid=${key}`).getExpiryDate() };
}
