/**
 * Error types. Three tiers, as Django has them:
 * - {@link SessionConfigError}: a misconfiguration, thrown at construction with the fix in the message;
 * - {@link SessionError} subclasses: operational failures during a request, each with the HTTP status an
 *   adapter answers with;
 * - tampered, expired or malformed input: never thrown; it yields a fresh session (see `onSecurityEvent`).
 */
import { errorResponse } from './core/error-response.js';

/** Thrown at construction when the options cannot work. The message says how to fix it. */
export class SessionConfigError extends Error {
  override name = 'SessionConfigError';
  constructor(message: string) {
    super(`sessionkit: ${message}`);
  }
}

/** Machine-readable reason of a {@link SessionError}. */
export type SessionErrorCode = 'SESSION_INTERRUPTED' | 'STORE_UNAVAILABLE' | 'LOCK_TIMEOUT' | 'UPDATE_CONFLICT' | 'INVALID_VALUE' | 'DATA_TOO_LARGE';

/** The HTTP statuses a {@link SessionError} maps to. */
export type SessionErrorStatus = 400 | 413 | 503;

// Seconds a client should wait before retrying: a busy lock frees quickly, a store outage takes longer.
const RETRY_AFTER_S: Partial<Record<SessionErrorCode, string>> = { LOCK_TIMEOUT: '1', UPDATE_CONFLICT: '1', STORE_UNAVAILABLE: '5' };
const VARY_ONLY: Readonly<Record<string, string>> = Object.freeze({ Vary: 'Cookie' });

/** An operational failure while handling a request. `status` is what the response should be. */
export class SessionError extends Error {
  override name = 'SessionError';
  /** The HTTP status an adapter answers with (Express's default error handler reads it too). */
  readonly status: SessionErrorStatus;
  /** Alias of {@link SessionError.status} for frameworks that read `statusCode`. */
  readonly statusCode: SessionErrorStatus;
  /** Stable reason code. */
  readonly code: SessionErrorCode;
  /**
   * Whether the message may be shown to the client (Express's convention): true for the 4xx errors, which
   * describe the request; false for the 503s, whose messages can name hosts and driver details.
   */
  readonly expose: boolean;
  /**
   * Headers the answer carries: `Vary: Cookie` (the answer depends on the session the cookie named, as the
   * response it replaces did) and `Retry-After` (seconds) on a 503. Express's, Koa's and Fastify's default
   * error handlers send an error's `headers`.
   */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: SessionErrorCode, status: SessionErrorStatus, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status = status;
    this.statusCode = status;
    this.expose = status < 500;
    const retryAfter = RETRY_AFTER_S[code];
    this.headers = retryAfter === undefined ? VARY_ONLY : { ...VARY_ONLY, 'Retry-After': retryAfter };
  }

  /**
   * The error as a Fetch API `Response`: the answer every adapter sends (`errorResponse`). Hono's default
   * error handler sends it instead of logging a stack per request.
   */
  getResponse(): Response {
    const { status, headers, body } = errorResponse(this);
    return new Response(body, { status, headers });
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

/**
 * The session store could not be reached or failed. Answered with 503 so clients retry. The message names
 * only the store; the driver's error, which can name hosts and ports, is the `cause` (for the server log).
 */
export class SessionStoreUnavailable extends SessionError {
  override name = 'SessionStoreUnavailable';
  /** The store's name, e.g. `"postgres"`. */
  readonly storeName: string;
  constructor(storeName: string, cause: unknown) {
    super('STORE_UNAVAILABLE', 503, `Session store "${storeName}" is unavailable.`, { cause });
    this.storeName = storeName;
  }
}

/** Per-session locking is on and the lock was not obtained within the configured wait. */
export class SessionLockTimeout extends SessionError {
  override name = 'SessionLockTimeout';
  constructor(waitMs: number) {
    super('LOCK_TIMEOUT', 503, `Timed out after ${waitMs} ms waiting for this session's lock: another request of the same session holds it.`);
  }
}

/** Concurrent writers kept changing the session; the merge gave up after the configured attempts. */
export class SessionUpdateConflict extends SessionError {
  override name = 'SessionUpdateConflict';
  constructor(attempts: number) {
    super('UPDATE_CONFLICT', 503, `The session changed concurrently ${attempts} times in a row; giving up.`);
  }
}

/**
 * A value the session cannot hold: not JSON-serialisable as Django would store it (a number out of range,
 * nesting deeper than {@link SessionValueError} allows), or an expiry outside years 1–9999. Thrown by
 * `set`, `update` and `setExpiry` at the call, so the app can answer 400 with the reason.
 */
export class SessionValueError extends SessionError {
  override name = 'SessionValueError';
  constructor(message: string) {
    super('INVALID_VALUE', 400, message);
  }
}

/**
 * The encoded session is larger than `maxDataBytes`, the most a load would accept: saving it would lose it
 * silently on the next read. Thrown by the save (at commit, or by an explicit `save()`); answered with 413.
 */
export class SessionDataTooLarge extends SessionError {
  override name = 'SessionDataTooLarge';
  /** The size that was refused, in bytes. */
  readonly bytes: number;
  /** The configured limit, in bytes. */
  readonly limit: number;
  constructor(bytes: number, limit: number) {
    super('DATA_TOO_LARGE', 413, `The session data is ${bytes} bytes, over the limit of ${limit} bytes (maxDataBytes); it was not saved.`);
    this.bytes = bytes;
    this.limit = limit;
  }
}

/** Raised by a store when asked to create a key that already exists (Django's `CreateError`). */
export class CreateError extends Error {
  override name = 'CreateError';
}
