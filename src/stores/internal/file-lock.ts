/**
 * Cross-process locks made of lock files: created with `O_EXCL` (only one process can create a given
 * name), holding the owner's random token and the instant after which the lock counts as abandoned.
 *
 * A waiter polls. An abandoned lock (its holder died) is broken by renaming it aside first and checking
 * that what was moved is the abandoned lock it judged: deleting by name could remove a fresh lock that
 * another waiter created in between. The same move-aside check makes `release` remove only its own lock.
 *
 * Lock files are read without blocking (see `regular-file.ts`): something that is not a regular file at a
 * lock's name (a FIFO, a symbolic link) can never be a lock this code made, so it counts as abandoned
 * and is moved aside and removed like one, instead of hanging or blocking the session for good.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { errorCode, readRegularFile } from '../file/regular-file.js';
import { withDeadline } from './deadline.js';
import { lockToken, type SharedLock } from './polling-lock.js';

// A release this long before the lock's expiry can delete it by name without checking it is still ours.
const SAFE_UNLINK_MARGIN_MS = 1000;

// What a name that holds no regular file reads as: no lock file ever holds a NUL.
const NOT_A_LOCK_FILE = '\0not-a-regular-file';

/** What a lock file holds, parsed. */
interface LockRecord {
  readonly content: string;
  readonly expiresAt: number;
}

/**
 * The lock file at `path` as a {@link SharedLock} for one acquisition: each attempt creates the file, or
 * finds it held, or breaks it when its holder abandoned it; the lock counts as abandoned `ttlMs` after it
 * was taken. An attempt rejects with the file-system error when the directory cannot hold lock files,
 * and with `StoreTimeoutError` when it takes longer than `timeoutMs` (a hung file system); a lock file it
 * still makes after that is abandoned and expires by its TTL.
 */
export function lockFile(path: string, ttlMs: number, timeoutMs: number): SharedLock {
  let taken: LockRecord | null = null;
  return {
    tryAcquire: async () => {
      taken = await withDeadline(tryTake(path, ttlMs), timeoutMs, 'fileStore taking a lock file');
      return taken !== null;
    },
    release: async () => {
      if (taken !== null) await withDeadline(unlock(path, taken), timeoutMs, 'fileStore releasing a lock file');
    },
  };
}

/** One attempt: the lock taken, or `null` while someone else holds it. */
async function tryTake(path: string, ttlMs: number): Promise<LockRecord | null> {
  for (;;) {
    const expiresAt = Date.now() + ttlMs;
    const content = `${lockToken()}:${expiresAt}`;
    if (await tryCreate(path, content)) return { content, expiresAt };
    const current = await readLock(path, ttlMs);
    // Released between our attempt and the read: try again at once.
    if (current === null) continue;
    if (current.expiresAt > Date.now()) return null;
    // Abandoned: break it, then try again at once.
    await breakIfStill(path, current.content);
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
  const file = await readRegularFile(path, 'ascii');
  if (file === 'absent') return null;
  if (file === 'irregular') return { content: NOT_A_LOCK_FILE, expiresAt: 0 };
  const { content, modifiedMs: modifiedAt } = file;
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
    const file = await readRegularFile(aside, 'ascii');
    if (file === 'irregular') moved = NOT_A_LOCK_FILE;
    else if (file !== 'absent') moved = file.content;
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

async function unlock(path: string, lock: LockRecord): Promise<void> {
  // Nobody breaks a lock before it expires, so well before that the file is certainly still ours.
  if (Date.now() < lock.expiresAt - SAFE_UNLINK_MARGIN_MS) {
    await fsp.unlink(path);
    return;
  }
  await breakIfStill(path, lock.content);
}
