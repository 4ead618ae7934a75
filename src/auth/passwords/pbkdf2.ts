/**
 * Django's `PBKDF2PasswordHasher` (`pbkdf2_sha256`) and `PBKDF2SHA1PasswordHasher` (`pbkdf2_sha1`):
 * `<algorithm>$<iterations>$<salt>$<base64 of the derived key>`. Derivation runs on libuv's thread pool,
 * never on the event loop.
 * @module
 */
import { pbkdf2 } from 'node:crypto';
import { constantTimeEqual } from '../../signing/salted-hmac.js';

/** Django 5.2's default iteration count for `pbkdf2_sha256` (Django 3.2 used 260,000; 4.2, 600,000). */
export const DEFAULT_PBKDF2_ITERATIONS = 1_000_000;

/** The most iterations Node's PBKDF2 accepts. */
export const MAX_PBKDF2_ITERATIONS = 2 ** 31 - 1;

/** Django's PBKDF2 hasher names and their digests. */
export const PBKDF2_DIGESTS = { pbkdf2_sha256: 'sha256', pbkdf2_sha1: 'sha1' } as const;

/** A PBKDF2 hasher name: `pbkdf2_sha256` or `pbkdf2_sha1`. */
export type Pbkdf2Hasher = keyof typeof PBKDF2_DIGESTS;

const KEY_LENGTHS: Record<Pbkdf2Hasher, number> = { pbkdf2_sha256: 32, pbkdf2_sha1: 20 };

function derive(hasher: Pbkdf2Hasher, password: string, salt: string, iterations: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    pbkdf2(password, salt, iterations, KEY_LENGTHS[hasher], PBKDF2_DIGESTS[hasher], (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Whether `n` is an iteration count Node can run. */
export function isIterationCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_PBKDF2_ITERATIONS;
}

/**
 * Django's `encode(password, salt, iterations)`: the stored form.
 *
 * @param salt - Non-empty, without `$` (the caller checks).
 */
export async function encodePbkdf2(hasher: Pbkdf2Hasher, password: string, salt: string, iterations: number): Promise<string> {
  const key = await derive(hasher, password, salt, iterations);
  return `${hasher}$${iterations}$${salt}$${key.toString('base64')}`;
}

/** The parts of a stored PBKDF2 password; `null` when it is not one Django could have written. */
export function decodePbkdf2(encoded: string): { hasher: Pbkdf2Hasher; iterations: number; salt: string } | null {
  const [hasher, iterationText, salt, hash] = encoded.split('$', 4);
  if (hasher !== 'pbkdf2_sha256' && hasher !== 'pbkdf2_sha1') return null;
  if (iterationText === undefined || !/^[1-9][0-9]{0,9}$/.test(iterationText)) return null;
  const iterations = Number(iterationText);
  if (!isIterationCount(iterations) || !salt || hash === undefined) return null;
  return { hasher, iterations, salt };
}

/**
 * Django's `verify`: derives again with the stored salt and count and compares the whole encoded strings
 * in constant time. A malformed value does not match.
 */
export async function verifyPbkdf2(password: string, encoded: string): Promise<boolean> {
  const decoded = decodePbkdf2(encoded);
  if (decoded === null) return false;
  const again = await encodePbkdf2(decoded.hasher, password, decoded.salt, decoded.iterations);
  return constantTimeEqual(again, encoded);
}

/**
 * Django's `harden_runtime`: after a wrong password for a `pbkdf2_sha256` hash with fewer iterations than
 * the app's count, runs the difference, so a failed login takes as long whatever the stored count.
 */
export async function hardenPbkdf2Runtime(password: string, encoded: string, iterations: number): Promise<void> {
  const decoded = decodePbkdf2(encoded);
  if (decoded === null || decoded.hasher !== 'pbkdf2_sha256' || decoded.iterations >= iterations) return;
  await derive('pbkdf2_sha256', password, decoded.salt, iterations - decoded.iterations);
}
