/** Options of `fileStore` (`../file.ts`). */
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
  readonly directory?: string | undefined;
  /**
   * The file-name prefix. Django names session files `<SESSION_COOKIE_NAME><key>`, so it is the cookie
   * name: attached to `createSessions`, the store takes its `cookieName`, and refuses a different `prefix`
   * here. Give it only for a store used on its own (the command line), as Django's `SESSION_COOKIE_NAME`.
   * @default 'sessionid' (`cookieName` of `createSessions` when attached)
   */
  readonly prefix?: string | undefined;
  /**
   * `SESSION_COOKIE_AGE` in seconds: Django takes a file without a per-session expiry to live until
   * `mtime + SESSION_COOKIE_AGE`. Attached to `createSessions`, the store takes its `cookieAge`, and
   * refuses a different value here. Give it only for a store used on its own (the command line).
   * @default 1209600 (`cookieAge` of `createSessions` when attached)
   */
  readonly cookieAge?: number | undefined;
  /**
   * Reads `_session_expiry` from stored session data (decoding it with the secret), so that files a
   * Django 4.1+ app wrote with `set_expiry(<datetime>)` expire at that instant here too. Only an
   * ISO-8601 result is used; anything else, or a throw, falls back to the mtime. Without it those files
   * are judged live until `mtime + cookieAge`. Every other file is judged exactly without it.
   * @default undefined
   */
  readonly readExpiry?: ((data: string) => unknown) | undefined;
  /**
   * How long one file operation (a read, a write with its rename, a lock-file attempt) may take before it
   * fails, in milliseconds; the core answers such a failure with a 503. It covers a file system that
   * hangs (a stalled network mount); waits for a session's lock are bounded by their own `waitMs`.
   * @default 5000
   */
  readonly operationTimeoutMs?: number | undefined;
  /**
   * The clock that decides which sessions have expired, in milliseconds since the epoch; for tests. It
   * wins over the clock of the configuration the store is attached to. Lock files and leftovers of
   * crashed writers are judged by the real clock, as other processes are.
   * @default Date.now (`now` of `createSessions` when attached)
   */
  readonly now?: (() => number) | undefined;
}
