/**
 * Cross-process locks made of lock files: created with `O_EXCL` (only one process can create a given
 * name), holding the owner's random token and the instant after which the lock counts as abandoned.
 *
 * A waiter polls. An abandoned lock (its holder died) is broken by renaming it aside first and checking
 * that what was moved is the abandoned lock it judged: deleting by name could remove a fresh lock that
 * another waiter created in between. The same move-aside check makes `release` remove only its own lock.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { SessionLockTimeout } from '../../errors.js';
import type { HeldLock, LockOptions } from '../contract.js';

const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 50;
// A release this long before the lock's expiry can delete it by name without checking it is still ours.
const SAFE_UNLINK_MARGIN_MS = 1000;

/** What a lock file holds, parsed. */
interface LockRecord {
  readonly content: string;
  readonly expiresAt: number;
}

/**
 * Takes the lock file at `path`, waiting at most `options.waitMs`; the lock is abandoned (breakable)
 * `options.ttlMs` after it was taken. Rejects with `SessionLockTimeout` when the wait runs out, and with
 * the file-system error when the directory cannot hold lock files.
 */
export async function acquireFileLock(path: string, options: LockOptions): Promise<HeldLock> {
  const deadline = Date.now() + Math.max(0, options.waitMs);
  let pause = FIRST_POLL_MS;
  for (;;) {
    const expiresAt = Date.now() + options.ttlMs;
    const content = `${randomBytes(16).toString('hex')}:${expiresAt}`;
    if (await tryCreate(path, content)) return heldFileLock(path, content, expiresAt);
    const current = await readLock(path, options.ttlMs);
    if (current === null) continue; // released between our attempt and the read: try again at once
    if (current.expiresAt <= Date.now()) {
      await breakIfStill(path, current.content);
      continue;
    }
    const now = Date.now();
    if (now >= deadline) throw new SessionLockTimeout(options.waitMs);
    await sleep(Math.min(pause * (0.5 + Math.random()), deadline - now));
    pause = Math.min(pause * 2, MAX_POLL_MS);
  }
}

/**
 * Removes the lock file at `path` if it was abandoned more than `graceMs` ago (housekeeping for locks of
 * holders that died and were never waited for). Resolves whether it removed one.
 */
export async function removeAbandonedLock(path: string, graceMs: number): Promise<boolean> {
  const current = await readLock(path, 0);
  if (current === null || current.expiresAt + graceMs > Date.now()) return false;
  return (await breakIfStill(path, current.content)) === 'removed';
}

async function tryCreate(path: string, content: string): Promise<boolean> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(path, 'wx', 0o600);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(content, 'ascii');
  } catch (error) {
    await handle.close().catch(() => {});
    await fsp.unlink(path).catch(() => {});
    throw error;
  }
  await handle.close();
  return true;
}

/**
 * The lock at `path`, or `null` when there is none. A lock whose content is not readable yet (its creator
 * is between create and write) expires `ttlMs` after its file was made.
 */
async function readLock(path: string, ttlMs: number): Promise<LockRecord | null> {
  let content: string;
  let modifiedAt: number;
  try {
    const handle = await fsp.open(path, 'r');
    try {
      modifiedAt = (await handle.stat()).mtimeMs;
      content = await handle.readFile('ascii');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
  const expiresAt = Number(content.slice(content.lastIndexOf(':') + 1));
  return { content, expiresAt: content.includes(':') && Number.isFinite(expiresAt) ? expiresAt : modifiedAt + ttlMs };
}

/**
 * Removes the lock at `path` only if it still holds `expected`: moves it aside under a unique name, then
 * either deletes it or, when it turns out to be someone else's, puts it back.
 */
async function breakIfStill(path: string, expected: string): Promise<'removed' | 'gone' | 'foreign'> {
  const aside = `${path}.stale-${randomBytes(6).toString('hex')}`;
  try {
    await fsp.rename(path, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'gone';
    throw error;
  }
  let moved = '';
  try {
    moved = await fsp.readFile(aside, 'ascii');
  } catch {
    // Unreadable: treat it as foreign and restore it.
  }
  if (moved === expected) {
    await fsp.unlink(aside).catch(() => {});
    return 'removed';
  }
  await restore(aside, path);
  return 'foreign';
}

async function restore(aside: string, path: string): Promise<void> {
  try {
    // link() fails if a new lock took the name meanwhile, which must not be overwritten.
    await fsp.link(aside, path);
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') {
      await fsp.rename(aside, path).catch(() => {});
      return;
    }
  }
  await fsp.unlink(aside).catch(() => {});
}

function heldFileLock(path: string, content: string, expiresAt: number): HeldLock {
  let released: Promise<void> | undefined;
  return {
    release(): Promise<void> {
      released ??= unlock(path, content, expiresAt).catch(() => undefined);
      return released;
    },
  };
}

async function unlock(path: string, content: string, expiresAt: number): Promise<void> {
  // Nobody breaks a lock before it expires, so well before that the file is certainly still ours.
  if (Date.now() < expiresAt - SAFE_UNLINK_MARGIN_MS) {
    await fsp.unlink(path);
    return;
  }
  await breakIfStill(path, content);
}

/** The `code` of a Node system error, if any. */
export function errorCode(error: unknown): string | undefined {
  return error !== null && typeof error === 'object' && 'code' in error ? String(error.code) : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
