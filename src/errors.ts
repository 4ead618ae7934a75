/**
 * Error types. Three tiers, as Django has them:
 * - {@link SessionConfigError}: a misconfiguration, thrown at construction with the fix in the message;
 * - {@link SessionError} subclasses: operational failures during a request, each with the HTTP status an
 *   adapter answers with;
 * - tampered, expired or malformed input: never thrown; it yields a fresh session (see `onSecurityEvent`).
 */

/** Thrown at construction when the options cannot work. The message says how to fix it. */
export class SessionConfigError extends Error {
  override name = 'SessionConfigError';
  constructor(message: string) {
    super(`sessionkit: ${message}`);
  }
}

/** Machine-readable reason of a {@link SessionError}. */
export type SessionErrorCode =
  | 'SESSION_INTERRUPTED'
  | 'STORE_UNAVAILABLE'
  | 'LOCK_TIMEOUT'
  | 'UPDATE_CONFLICT';

/** An operational failure while handling a request. `status` is what the response should be. */
export class SessionError extends Error {
  override name = 'SessionError';
  /** The HTTP status an adapter answers with (Express's default error handler reads it too). */
  readonly status: number;
  /** Alias of {@link SessionError.status} for frameworks that read `statusCode`. */
  readonly statusCode: number;
  /** Stable reason code. */
  readonly code: SessionErrorCode;
  /** Whether the message may be shown to the client (Express's convention). */
  readonly expose = true;

  constructor(code: SessionErrorCode, status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status = status;
    this.statusCode = status;
  }
}

/**
 * The session was deleted by another request (a logout, a key cycle) while this one was running.
 * Django answers 400 and does not resurrect the session; so does sessionkit.
 */
export class SessionInterrupted extends SessionError {
  override name = 'SessionInterrupted';
  constructor() {
    super(
      'SESSION_INTERRUPTED',
      400,
      "The request's session was deleted before the request completed. The user may have logged out in a concurrent request, for example.",
    );
  }
}

/** The session store could not be reached or failed. Answered with 503 so clients retry. */
export class SessionStoreUnavailable extends SessionError {
  override name = 'SessionStoreUnavailable';
  constructor(storeName: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('STORE_UNAVAILABLE', 503, `Session store "${storeName}" is unavailable: ${reason}`, { cause });
  }
}

/** Per-session locking is on and the lock was not obtained within the configured wait. */
export class SessionLockTimeout extends SessionError {
  override name = 'SessionLockTimeout';
  constructor(waitMs: number) {
    super(
      'LOCK_TIMEOUT',
      503,
      `Timed out after ${waitMs} ms waiting for this session's lock: another request of the same session holds it.`,
    );
  }
}

/** Concurrent writers kept changing the session; the merge gave up after the configured attempts. */
export class SessionUpdateConflict extends SessionError {
  override name = 'SessionUpdateConflict';
  constructor(attempts: number) {
    super('UPDATE_CONFLICT', 503, `The session changed concurrently ${attempts} times in a row; giving up.`);
  }
}

/** Raised by a store when asked to create a key that already exists (Django's `CreateError`). */
export class CreateError extends Error {
  override name = 'CreateError';
}
