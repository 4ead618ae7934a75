/**
 * The file store's files: the path of each session, reads and writes bounded by `operationTimeoutMs`,
 * the short per-session write lock, and the directory's own entries. `../file.ts` builds the store's
 * operations from these.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { LockOptions } from '../../core/store-contract.js';
import { SessionLockTimeout } from '../../errors.js';
import { withDeadline } from '../internal/deadline.js';
import { lockFile } from '../internal/file-lock.js';
import { LocalLocks } from '../internal/local-locks.js';
import { acquirePollingLock } from '../internal/polling-lock.js';
import { readSessionFile, removeFile, statSessionFile } from './atomic-write.js';
import { classifyEntry, type EntryKind, notASessionKey, sessionFileName, WRITE_LOCK_SUFFIX } from './names.js';
import type { FileSettings } from './settings.js';

/** A write holds its lock for milliseconds; a lock older than this belongs to a writer that died. */
const WRITE_LOCK_TTL_MS = 5_000;
// Long enough to outlive an abandoned write lock and take it over.
const WRITE_LOCK_WAIT_MS = 10_000;
/** Temporary files and broken-lock leftovers older than this were left by a crash. */
const LEFTOVER_AGE_MS = 60 * 60 * 1000;
/** clearExpired removes lock files abandoned at least this long ago. */
export const ABANDONED_LOCK_GRACE_MS = 60 * 1000;
// Scans of the directory look at this many files at a time.
const SCAN_CONCURRENCY = 32;
/**
 * A load that finds its session expired deletes the file, as Django does, unless someone is writing it:
 * then the file is left to clearExpired rather than making the request wait.
 */
export const NO_WAIT = { waitMs: 0, ttlMs: WRITE_LOCK_TTL_MS };

/** A directory entry of this store, with what its name says it is. */
export interface OwnEntry {
  readonly name: string;
  readonly entry: EntryKind;
}

/** The session files of one directory. */
export class SessionFiles {
  readonly #directory: string;
  readonly #settings: FileSettings;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #writeLocks = new LocalLocks();

  /** `now` is the store's clock, read at each judgement (the store may be attached to another one). */
  constructor(directory: string, settings: FileSettings, timeoutMs: number, now: () => number) {
    this.#directory = directory;
    this.#settings = settings;
    this.#timeoutMs = timeoutMs;
    this.#now = now;
  }

  /** The file of `key`, or `null` when `key` could name something outside the directory. */
  pathOf(key: string): string | null {
    const name = sessionFileName(this.#settings.prefix, key);
    return name === null ? null : join(this.#directory, name);
  }

  requirePath(key: string): string {
    const path = this.pathOf(key);
    if (path === null) throw notASessionKey(key);
    return path;
  }

  /** The file's time and size, and its content only when `readExpiry` needs it. */
  inspect(path: string): Promise<{ content?: string; modifiedMs: number; size: number } | null> {
    return this.io(this.#settings.expiry.readsData ? readSessionFile(path) : statSessionFile(path), 'read');
  }

  /** Deletes the session file if it has expired; `lockWait` bounds the wait for the write lock. */
  async removeIfExpired(key: string, path: string, lockWait?: LockOptions): Promise<boolean> {
    const before = await this.inspect(path);
    if (before === null || this.#settings.expiry.expiresAt(before) > this.#now()) return false;
    // Judge again under the write lock: a request may have renewed the session since.
    try {
      return await this.withWriteLock(
        key,
        path,
        async () => {
          const now = await this.inspect(path);
          if (now === null || this.#settings.expiry.expiresAt(now) > this.#now()) return false;
          return removeFile(path);
        },
        lockWait,
      );
    } catch (error) {
      if (lockWait !== undefined && error instanceof SessionLockTimeout) return false;
      throw error;
    }
  }

  /**
   * Runs `write` under the session's write lock, bounded by `operationTimeoutMs`. A write that times out
   * may still land later, as a command sent to a server may.
   */
  async withWriteLock<R>(key: string, path: string, write: () => Promise<R>, wait?: LockOptions): Promise<R> {
    const options = wait ?? { waitMs: WRITE_LOCK_WAIT_MS, ttlMs: WRITE_LOCK_TTL_MS };
    const shared = lockFile(path + WRITE_LOCK_SUFFIX, WRITE_LOCK_TTL_MS, this.#timeoutMs);
    const lock = await acquirePollingLock(this.#writeLocks, key, options, shared);
    try {
      return await this.io(write(), 'write');
    } finally {
      await lock.release();
    }
  }

  /** `operation`, failing with `StoreTimeoutError` after `operationTimeoutMs`. */
  io<T>(operation: Promise<T>, what: string): Promise<T> {
    return withDeadline(operation, this.#timeoutMs, `fileStore ${what}`);
  }

  /** The directory's entries that belong to this store (sessions, their locks, leftovers). */
  async ownEntries(): Promise<OwnEntry[]> {
    const names = await this.io(fsp.readdir(this.#directory), 'listing the directory');
    return names.flatMap((name) => {
      const entry = classifyEntry(name, this.#settings.prefix);
      return entry.kind === 'foreign' ? [] : [{ name, entry }];
    });
  }
}

/** Runs `visit` on every entry, a few at a time. */
export async function visitConcurrently(entries: readonly OwnEntry[], visit: (entry: OwnEntry) => Promise<void>): Promise<void> {
  for (let i = 0; i < entries.length; i += SCAN_CONCURRENCY) {
    await Promise.all(entries.slice(i, i + SCAN_CONCURRENCY).map(visit));
  }
}

/** Removes a temporary file or broken-lock leftover that a crash left over an hour ago. */
export async function removeLeftover(path: string): Promise<void> {
  try {
    // ctime, not mtime: a temporary file's mtime was set to an encoded expiry, its ctime is when it was written.
    const stats = await fsp.lstat(path);
    if (Date.now() - stats.ctimeMs > LEFTOVER_AGE_MS) await fsp.unlink(path);
  } catch {
    // Gone already, or not ours to remove.
  }
}
