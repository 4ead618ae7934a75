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
import { join } from 'node:path';
import type {
  ClearExpiredOptions,
  HeldLock,
  ListedSession,
  LockOptions,
  SessionStore,
  StoreContext,
  StoredSession,
  UpdateOutcome,
} from '../core/store-contract.js';
import { SessionConfigError } from '../errors.js';
import { createPlaceholder, readSessionFile, removeFile, replaceFileAtomically, statSessionFile } from './file/atomic-write.js';
import { checkSessionDirectory, openDefaultDirectory } from './file/directory.js';
import { SESSION_LOCK_SUFFIX } from './file/names.js';
import type { FileStoreOptions } from './file/options.js';
import { ABANDONED_LOCK_GRACE_MS, NO_WAIT, removeLeftover, SessionFiles, visitConcurrently } from './file/session-files.js';
import { FileSettings } from './file/settings.js';
import { deleteInBatches } from './internal/batched-delete.js';
import { lockFile, removeAbandonedLock } from './internal/file-lock.js';
import { LocalLocks } from './internal/local-locks.js';
import { acquirePollingLock } from './internal/polling-lock.js';

export type { FileStoreOptions } from './file/options.js';

/** Django's file engine. */
class FileStore implements SessionStore {
  readonly name = 'file';
  /** The absolute directory holding the session files. */
  readonly directory: string;
  readonly #settings: FileSettings;
  readonly #files: SessionFiles;
  readonly #timeoutMs: number;
  readonly #ownClock: boolean;
  #now: () => number;
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
    this.#files = new SessionFiles(this.directory, this.#settings, timeoutMs, () => this.#now());
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
    const path = this.#files.pathOf(key);
    if (path === null) return null;
    const file = await this.#files.io(readSessionFile(path), 'read');
    if (file === null) return null;
    if (this.#settings.expiry.expiresAt(file) <= this.#now()) {
      await this.#files.removeIfExpired(key, path, NO_WAIT).catch(() => false);
      return null;
    }
    // An empty file is a placeholder whose write has not landed (or never will): nothing to load.
    return file.content === '' ? null : { data: file.content, version: file.content };
  }

  async exists(key: string): Promise<boolean> {
    const path = this.#files.pathOf(key);
    return path !== null && (await this.#files.io(statSessionFile(path), 'stat')) !== null;
  }

  async create(key: string, data: string, expireDate: Date): Promise<boolean> {
    const path = this.#files.requirePath(key);
    const mtime = this.#settings.expiry.mtimeFor(expireDate);
    return this.#files.io(
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
    const path = this.#files.pathOf(key);
    if (path === null) return 'missing';
    const mtime = this.#settings.expiry.mtimeFor(expireDate);
    return this.#files.withWriteLock(key, path, async () => {
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
    const path = this.#files.pathOf(key);
    if (path === null) return;
    await this.#files.withWriteLock(key, path, () => removeFile(path));
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
    const entries = await this.#files.ownEntries();
    let done = 0;
    return deleteInBatches(async (limit) => {
      const step = entries.slice(done, done + limit);
      done += step.length;
      let removed = 0;
      await visitConcurrently(step, async ({ name, entry }) => {
        const path = join(this.directory, name);
        if (entry.kind === 'session') {
          if (await this.#files.removeIfExpired(entry.key, path)) removed++;
        } else if (entry.kind === 'lock') {
          await this.#files.io(removeAbandonedLock(path, ABANDONED_LOCK_GRACE_MS), 'clearing a lock file');
        } else if (entry.kind === 'leftover') {
          await this.#files.io(removeLeftover(path), 'clearing a leftover');
        }
      });
      return { removed, more: done < entries.length };
    }, options);
  }

  /** How many session files have expired and wait for {@link FileStore.clearExpired}. */
  async countExpired(): Promise<number> {
    let expired = 0;
    const sessions = (await this.#files.ownEntries()).filter(({ entry }) => entry.kind === 'session');
    await visitConcurrently(sessions, async ({ name }) => {
      const file = await this.#files.inspect(join(this.directory, name));
      if (file !== null && this.#settings.expiry.expiresAt(file) <= this.#now()) expired++;
    });
    return expired;
  }

  /**
   * Takes the session's lock file `<prefix><key>.session.lock`, after the requests of this process waiting
   * for the same session have had their turn (only the head of that queue polls the file).
   */
  async lock(key: string, options: LockOptions): Promise<HeldLock> {
    const path = this.#files.requirePath(key);
    return acquirePollingLock(this.#sessionLocks, key, options, lockFile(path + SESSION_LOCK_SUFFIX, options.ttlMs, this.#timeoutMs));
  }

  /** The live sessions: the session files not yet expired, empty placeholders left out. */
  async *list(): AsyncIterable<ListedSession> {
    const found: ListedSession[] = [];
    await visitConcurrently(await this.#files.ownEntries(), async ({ name, entry }) => {
      if (entry.kind !== 'session') return;
      const file = await this.#files.inspect(join(this.directory, name));
      if (file === null || file.size === 0) return;
      const expireDate = this.#settings.expiry.expiresAt(file);
      if (expireDate > this.#now()) found.push({ key: entry.key, expireDate: new Date(expireDate), size: file.size });
    });
    yield* found;
  }

  async close(): Promise<void> {
    // Nothing is held open between calls.
  }
}

/** Django's file engine on `options.directory` (`SESSION_FILE_PATH`). */
export function fileStore(options: FileStoreOptions = {}): FileStore {
  return new FileStore(options);
}

export type { FileStore };
