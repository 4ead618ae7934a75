/**
 * Django's `file` engine (`django.contrib.sessions.backends.file`): one file per session,
 * `<directory>/<prefix><key>`, holding the encoded session data, ASCII, no trailing newline. A Django app
 * and a sessionkit app given the same directory, secret and cookie name share their sessions.
 *
 * Expiry without reading the data. Django judges a file live until `_session_expiry` when the data holds
 * an instant there, and otherwise until `mtime + SESSION_COOKIE_AGE`. A store cannot read the data (it is
 * signed), so this one records the expiry the core hands it in the file's mtime instead: it sets
 * `mtime = expireDate − cookieAge`. For a session without a per-session expiry the core's `expireDate` is
 * `now + cookieAge`, so the mtime is simply the write time, exactly what Django would have written; for a
 * session with one, Django reads `_session_expiry` and ignores the mtime. Either way Django and
 * sessionkit draw the line at the same instant, and the store stays ignorant of the data format.
 * The one thing the mtime cannot tell is the expiry instant inside a file *Django* wrote with
 * `set_expiry(<datetime>)` (Django 4.1+); pass {@link FileStoreOptions.readExpiry} to honour it too.
 * Two differences remain, both Django's quirks: Django never expires a file whose `_session_expiry` is
 * an integer (sessionkit expires it after that many idle seconds), and Django 3.2–4.0 cannot read the
 * ISO `_session_expiry` that `setExpiry(<Date>)` writes (their `load` and `clear_expired` raise
 * `TypeError`), so next to those versions do not give sessions an absolute expiry.
 *
 * Beyond Django: writes are serialised per session with a lock file, so compare-and-set updates lose
 * nothing between concurrent requests (Django's file engine is last-writer-wins), and {@link FileStore.lock}
 * offers per-session locking across processes. The default directory is private (see `file/directory.ts`);
 * a name that holds a FIFO, a symbolic link or a device is no session and never blocks a request (see
 * `file/regular-file.ts`); and every file operation is bounded by `operationTimeoutMs`.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { SessionConfigError, SessionLockTimeout } from '../errors.js';
import type { ClearExpiredOptions, HeldLock, ListedSession, LockOptions, SessionStore, StoreContext, StoredSession, UpdateOutcome } from '../core/store-contract.js';
import { createPlaceholder, readSessionFile, removeFile, replaceFileAtomically, statSessionFile } from './file/atomic-write.js';
import { checkSessionDirectory, openDefaultDirectory } from './file/directory.js';
import { classifyEntry, notASessionKey, SESSION_LOCK_SUFFIX, sessionFileName, WRITE_LOCK_SUFFIX, type EntryKind } from './file/names.js';
import { FileSettings } from './file/settings.js';
import { deleteInBatches } from './internal/batched-delete.js';
import { withDeadline } from './internal/deadline.js';
import { lockFile, removeAbandonedLock } from './internal/file-lock.js';
import { LocalLocks } from './internal/local-locks.js';
import { acquirePollingLock } from './internal/polling-lock.js';

/** Options of {@link fileStore}. */
export interface FileStoreOptions {
  /**
   * `SESSION_FILE_PATH`: the directory holding the session files. It must exist, be writable by this
   * process, and not be writable by other users (group- or world-writable directories, /tmp included,
   * are refused: the file names are the session keys); it is checked when the store is made. Left out,
   * the store makes (mode 0700) and uses a private directory inside the temporary directory, and refuses
   * it if someone else made that name first. Django defaults to the temporary directory itself, so a
   * Django app sharing the sessions must be given the same `SESSION_FILE_PATH`.
   * @default `${os.tmpdir()}/sessionkit-${uid}`
   */
  readonly directory?: string;
  /**
   * The file-name prefix. Django names session files `<SESSION_COOKIE_NAME><key>`, so it is the cookie
   * name: attached to `createSessions`, the store takes its `cookieName`, and refuses a different `prefix`
   * here. Give it only for a store used on its own (the command line), as Django's `SESSION_COOKIE_NAME`.
   * @default 'sessionid' (`cookieName` of `createSessions` when attached)
   */
  readonly prefix?: string;
  /**
   * `SESSION_COOKIE_AGE` in seconds: Django takes a file without a per-session expiry to live until
   * `mtime + SESSION_COOKIE_AGE`. Attached to `createSessions`, the store takes its `cookieAge`, and
   * refuses a different value here. Give it only for a store used on its own (the command line).
   * @default 1209600 (`cookieAge` of `createSessions` when attached)
   */
  readonly cookieAge?: number;
  /**
   * Reads `_session_expiry` from stored session data (decoding it with the secret), so that files a
   * Django 4.1+ app wrote with `set_expiry(<datetime>)` expire at that instant here too. Only an
   * ISO-8601 result is used; anything else, or a throw, falls back to the mtime. Without it those files
   * are judged live until `mtime + cookieAge`. Every other file is judged exactly without it.
   * @default undefined
   */
  readonly readExpiry?: (data: string) => unknown;
  /**
   * How long one file operation (a read, a write with its rename, a lock-file attempt) may take before it
   * fails, in milliseconds; the core answers such a failure with a 503. It covers a file system that
   * hangs (a stalled network mount); waits for a session's lock are bounded by their own `waitMs`.
   * @default 5000
   */
  readonly operationTimeoutMs?: number;
  /**
   * The clock that decides which sessions have expired, in milliseconds since the epoch; for tests. It
   * wins over the clock of the configuration the store is attached to. Lock files and leftovers of
   * crashed writers are judged by the real clock, as other processes are.
   * @default Date.now (`now` of `createSessions` when attached)
   */
  readonly now?: () => number;
}

// A write holds its lock for milliseconds; a lock older than this belongs to a writer that died.
const WRITE_LOCK_TTL_MS = 5_000;
// Long enough to outlive an abandoned write lock and take it over.
const WRITE_LOCK_WAIT_MS = 10_000;
// Temporary files and broken-lock leftovers older than this were left by a crash.
const LEFTOVER_AGE_MS = 60 * 60 * 1000;
// clearExpired removes lock files abandoned at least this long ago.
const ABANDONED_LOCK_GRACE_MS = 60 * 1000;
// Scans of the directory look at this many files at a time.
const SCAN_CONCURRENCY = 32;
// A load that finds its session expired deletes the file, as Django does, unless someone is writing it:
// then the file is left to clearExpired rather than making the request wait.
const NO_WAIT = { waitMs: 0, ttlMs: WRITE_LOCK_TTL_MS };

/** A directory entry of this store, with what its name says it is. */
interface OwnEntry {
  readonly name: string;
  readonly entry: EntryKind;
}

/** Django's file engine. */
export class FileStore implements SessionStore {
  readonly name = 'file';
  /** The absolute directory holding the session files. */
  readonly directory: string;
  readonly #settings: FileSettings;
  readonly #timeoutMs: number;
  readonly #ownClock: boolean;
  #now: () => number;
  readonly #writeLocks = new LocalLocks();
  readonly #sessionLocks = new LocalLocks();

  constructor(options: FileStoreOptions = {}) {
    this.directory = options.directory === undefined ? openDefaultDirectory() : checkSessionDirectory(options.directory);
    this.#settings = new FileSettings(options);
    const timeoutMs = options.operationTimeoutMs ?? 5000;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw new SessionConfigError(`fileStore: \`operationTimeoutMs\` must be a positive whole number of milliseconds, not ${String(timeoutMs)}.`);
    }
    this.#timeoutMs = timeoutMs;
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new SessionConfigError('fileStore: `now` must be a function returning milliseconds since the epoch, or left out.');
    }
    this.#ownClock = options.now !== undefined;
    this.#now = options.now ?? Date.now;
  }

  /** The file-name prefix: the cookie name. */
  get prefix(): string {
    return this.#settings.prefix;
  }

  /**
   * Takes the configuration's cookie name (the file prefix), cookie age and clock (unless given its own `now`).
   * @throws SessionConfigError when `prefix` or `cookieAge` was given and disagrees with the configuration.
   */
  attach(context: StoreContext): void {
    this.#settings.attach(context);
    if (!this.#ownClock) this.#now = context.now;
  }

  /** The live session; an expired session file is deleted on the way, as Django's `load` does. */
  async load(key: string): Promise<StoredSession | null> {
    const path = this.#pathOf(key);
    if (path === null) return null;
    const file = await this.#io(readSessionFile(path), 'read');
    if (file === null) return null;
    if (this.#settings.expiry.expiresAt(file) <= this.#now()) {
      await this.#removeIfExpired(key, path, NO_WAIT).catch(() => false);
      return null;
    }
    // An empty file is a placeholder whose write has not landed (or never will): nothing to load.
    return file.content === '' ? null : { data: file.content, version: file.content };
  }

  async exists(key: string): Promise<boolean> {
    const path = this.#pathOf(key);
    return path !== null && (await this.#io(statSessionFile(path), 'stat')) !== null;
  }

  async create(key: string, data: string, expireDate: Date): Promise<boolean> {
    const path = this.#requirePath(key);
    const mtime = this.#settings.expiry.mtimeFor(expireDate);
    return this.#io(
      (async () => {
        if (!(await createPlaceholder(path))) return false;
        try {
          await replaceFileAtomically(path, data, mtime);
        } catch (error) {
          await removeFile(path).catch(() => {});
          throw error;
        }
        return true;
      })(),
      'create',
    );
  }

  async update(key: string, data: string, expireDate: Date, expected?: unknown): Promise<UpdateOutcome> {
    const path = this.#pathOf(key);
    if (path === null) return 'missing';
    const mtime = this.#settings.expiry.mtimeFor(expireDate);
    return this.#withWriteLock(key, path, async () => {
      if (expected === undefined) {
        if ((await statSessionFile(path)) === null) return 'missing';
      } else {
        const current = await readSessionFile(path);
        if (current === null) return 'missing';
        if (current.content !== expected) return 'conflict';
      }
      await replaceFileAtomically(path, data, mtime);
      return 'updated';
    });
  }

  async delete(key: string): Promise<void> {
    const path = this.#pathOf(key);
    if (path === null) return;
    await this.#withWriteLock(key, path, () => removeFile(path));
  }

  /**
   * Deletes the expired session files, and the lock files and temporary files that crashed processes left
   * behind; resolves how many sessions were removed.
   */
  clearExpired(): Promise<number> {
    return this.clearExpiredInBatches({});
  }

  /**
   * {@link FileStore.clearExpired} over the directory as it was listed at the start, `batchSize` entries
   * a step, reporting progress after each step that removed sessions.
   */
  async clearExpiredInBatches(options: ClearExpiredOptions = {}): Promise<number> {
    const entries = await this.#ownEntries();
    let done = 0;
    return deleteInBatches(async (limit) => {
      const step = entries.slice(done, done + limit);
      done += step.length;
      let removed = 0;
      await visitConcurrently(step, async ({ name, entry }) => {
        const path = join(this.directory, name);
        if (entry.kind === 'session') {
          if (await this.#removeIfExpired(entry.key, path)) removed++;
        } else if (entry.kind === 'lock') {
          await this.#io(removeAbandonedLock(path, ABANDONED_LOCK_GRACE_MS), 'clearing a lock file');
        } else if (entry.kind === 'leftover') {
          await this.#io(removeLeftover(path), 'clearing a leftover');
        }
      });
      return { removed, more: done < entries.length };
    }, options);
  }

  /** How many session files have expired and wait for {@link FileStore.clearExpired}. */
  async countExpired(): Promise<number> {
    let expired = 0;
    const sessions = (await this.#ownEntries()).filter(({ entry }) => entry.kind === 'session');
    await visitConcurrently(sessions, async ({ name }) => {
      const file = await this.#inspect(join(this.directory, name));
      if (file !== null && this.#settings.expiry.expiresAt(file) <= this.#now()) expired++;
    });
    return expired;
  }

  /**
   * Takes the session's lock file `<prefix><key>.session.lock`, after the requests of this process waiting
   * for the same session have had their turn (only the head of that queue polls the file).
   */
  async lock(key: string, options: LockOptions): Promise<HeldLock> {
    const path = this.#requirePath(key);
    return acquirePollingLock(this.#sessionLocks, key, options, lockFile(path + SESSION_LOCK_SUFFIX, options.ttlMs, this.#timeoutMs));
  }

  /** The live sessions: the session files not yet expired, empty placeholders left out. */
  async *list(): AsyncIterable<ListedSession> {
    const found: ListedSession[] = [];
    await visitConcurrently(await this.#ownEntries(), async ({ name, entry }) => {
      if (entry.kind !== 'session') return;
      const file = await this.#inspect(join(this.directory, name));
      if (file === null || file.size === 0) return;
      const expireDate = this.#settings.expiry.expiresAt(file);
      if (expireDate > this.#now()) found.push({ key: entry.key, expireDate: new Date(expireDate), size: file.size });
    });
    yield* found;
  }

  async close(): Promise<void> {
    // Nothing is held open between calls.
  }

  /** The file of `key`, or `null` when `key` could name something outside the directory. */
  #pathOf(key: string): string | null {
    const name = sessionFileName(this.prefix, key);
    return name === null ? null : join(this.directory, name);
  }

  #requirePath(key: string): string {
    const path = this.#pathOf(key);
    if (path === null) throw notASessionKey(key);
    return path;
  }

  /** The file's time and size, and its content only when `readExpiry` needs it. */
  #inspect(path: string): Promise<{ content?: string; modifiedMs: number; size: number } | null> {
    return this.#io(this.#settings.expiry.readsData ? readSessionFile(path) : statSessionFile(path), 'read');
  }

  /** Deletes the session file if it has expired; `lockWait` bounds the wait for the write lock. */
  async #removeIfExpired(key: string, path: string, lockWait?: LockOptions): Promise<boolean> {
    const before = await this.#inspect(path);
    if (before === null || this.#settings.expiry.expiresAt(before) > this.#now()) return false;
    // Judge again under the write lock: a request may have renewed the session since.
    try {
      return await this.#withWriteLock(key, path, async () => {
        const now = await this.#inspect(path);
        if (now === null || this.#settings.expiry.expiresAt(now) > this.#now()) return false;
        return removeFile(path);
      }, lockWait);
    } catch (error) {
      if (lockWait !== undefined && error instanceof SessionLockTimeout) return false;
      throw error;
    }
  }

  /**
   * Runs `write` under the session's write lock, bounded by `operationTimeoutMs`. A write that times out
   * may still land later, as a command sent to a server may.
   */
  async #withWriteLock<R>(key: string, path: string, write: () => Promise<R>, wait?: LockOptions): Promise<R> {
    const options = wait ?? { waitMs: WRITE_LOCK_WAIT_MS, ttlMs: WRITE_LOCK_TTL_MS };
    const shared = lockFile(path + WRITE_LOCK_SUFFIX, WRITE_LOCK_TTL_MS, this.#timeoutMs);
    const lock = await acquirePollingLock(this.#writeLocks, key, options, shared);
    try {
      return await this.#io(write(), 'write');
    } finally {
      await lock.release();
    }
  }

  /** `operation`, failing with `StoreTimeoutError` after `operationTimeoutMs`. */
  #io<T>(operation: Promise<T>, what: string): Promise<T> {
    return withDeadline(operation, this.#timeoutMs, `fileStore ${what}`);
  }

  /** The directory's entries that belong to this store (sessions, their locks, leftovers). */
  async #ownEntries(): Promise<OwnEntry[]> {
    const names = await this.#io(fsp.readdir(this.directory), 'listing the directory');
    return names.flatMap((name) => {
      const entry = classifyEntry(name, this.prefix);
      return entry.kind === 'foreign' ? [] : [{ name, entry }];
    });
  }
}

/** Django's file engine on `options.directory` (`SESSION_FILE_PATH`). */
export function fileStore(options: FileStoreOptions = {}): FileStore {
  return new FileStore(options);
}

/** Runs `visit` on every entry, a few at a time. */
async function visitConcurrently(entries: readonly OwnEntry[], visit: (entry: OwnEntry) => Promise<void>): Promise<void> {
  for (let i = 0; i < entries.length; i += SCAN_CONCURRENCY) {
    await Promise.all(entries.slice(i, i + SCAN_CONCURRENCY).map(visit));
  }
}

async function removeLeftover(path: string): Promise<void> {
  try {
    // ctime, not mtime: a temporary file's mtime was set to an encoded expiry, its ctime is when it was written.
    const stats = await fsp.lstat(path);
    if (Date.now() - stats.ctimeMs > LEFTOVER_AGE_MS) await fsp.unlink(path);
  } catch {
    // Gone already, or not ours to remove.
  }
}
