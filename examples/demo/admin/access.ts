/**
 * Who may use the session admin: Django's staff users (`is_staff`, logged in at `/accounts/login/`), and
 * browsers that gave the token of `SESSION_ADMIN_TOKEN` once: such a session carries a staff flag, under a
 * new key (as at any login, so that a key planted beforehand does not become a staff session). Every staff
 * session gets a CSRF token that the admin's forms must send back.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Session } from '../../../src/session.js';
import type { DemoData } from '../exchange.js';

/** The session key of the staff flag. */
export const STAFF_KEY = '_admin_staff';
/** The session key of the admin forms' CSRF token. */
export const CSRF_KEY = '_admin_csrf';

/** Whether `given` and `expected` are the same text, compared in constant time. */
function sameSecret(given: string, expected: string): boolean {
  // Hashed first, so that the comparison takes as long whatever the lengths.
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Whether `given` is the admin token `expected`. */
export function isAdminToken(given: unknown, expected: string): boolean {
  return typeof given === 'string' && sameSecret(given, expected);
}

/** Whether the session gave the admin token. */
export async function hasStaffToken(session: Session<DemoData>): Promise<boolean> {
  return (await session.get(STAFF_KEY)) === true;
}

/** Makes a CSRF token for the session's forms. */
function newCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Makes the session staff's, under a new key, with a new CSRF token. */
export async function grantStaff(session: Session<DemoData>): Promise<void> {
  await session.cycleKey();
  await session.update({ [STAFF_KEY]: true, [CSRF_KEY]: newCsrfToken() });
}

/** Takes staff's rights from the session, under a new key. */
export async function revokeStaff(session: Session<DemoData>): Promise<void> {
  await session.delete(STAFF_KEY);
  await session.delete(CSRF_KEY);
  await session.cycleKey();
}

/** The CSRF token the session holds; `''` when it has none. */
async function storedCsrfToken(session: Session<DemoData>): Promise<string> {
  const token = await session.get(CSRF_KEY);
  return typeof token === 'string' ? token : '';
}

/**
 * The CSRF token of a staff session, for its forms; made now for a staff user who logged in with a password
 * (the token's staff got theirs as they came in).
 */
export async function csrfToken(session: Session<DemoData>): Promise<string> {
  const token = await storedCsrfToken(session);
  if (token !== '') return token;
  const made = newCsrfToken();
  await session.set(CSRF_KEY, made);
  return made;
}

/** Whether `given`, posted by a form, is the session's CSRF token. */
export async function isCsrfToken(session: Session<DemoData>, given: unknown): Promise<boolean> {
  const token = await storedCsrfToken(session);
  return token !== '' && typeof given === 'string' && sameSecret(given, token);
}
