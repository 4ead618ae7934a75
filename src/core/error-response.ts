/**
 * What a client is told when a request fails because of its session, and what the server log is told.
 * Every adapter answers through {@link errorResponse} and logs through {@link logRequestError}, so the
 * status, the body and the log line are the same on every framework.
 */
import { STATUS_CODES } from 'node:http';
import { SessionError } from '../errors.js';
import type { ResolvedOptions } from '../options.js';

/** The answer to a failed request: a short plain-text body without internals. */
export interface ErrorResponse {
  /** 400, 413 or 503 for a {@link SessionError}; 500 for anything else. */
  readonly status: number;
  /** Headers of the answer: `Content-Type`; for a session error `Vary: Cookie`, and `Retry-After` on a 503. */
  readonly headers: Readonly<Record<string, string>>;
  /** `"<status> <reason>[: <detail>]\n"`. */
  readonly body: string;
}

const PLAIN_TEXT: Readonly<Record<string, string>> = Object.freeze({ 'Content-Type': 'text/plain; charset=utf-8' });

// A store's own message may name hosts, ports and driver details, so clients learn only what happened.
const STORE_UNAVAILABLE_DETAIL = 'The session store is unavailable. Please try again later.';

/**
 * The HTTP answer for `error`: a {@link SessionError} gets its status and, when its message is safe to
 * show (`expose`), that message; a store outage a fixed sentence; anything else a bare 500.
 */
export function errorResponse(error: unknown): ErrorResponse {
  const status = error instanceof SessionError ? error.status : 500;
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  let body = `${title}\n`;
  let headers: Readonly<Record<string, string>> = PLAIN_TEXT;
  if (error instanceof SessionError) {
    const detail = error.expose || error.code !== 'STORE_UNAVAILABLE' ? error.message : STORE_UNAVAILABLE_DETAIL;
    body = `${title}: ${detail}\n`;
    headers = { ...PLAIN_TEXT, ...error.headers };
  }
  return { status, headers, body };
}

/**
 * Logs a failed request on the server. A store outage is not logged here: the engine logs one line when
 * the store goes down and one when it is back (see `StoreHealth`). Other 5xx errors log one line, with the
 * error and its stack only when `debug` is on; client errors (4xx) log nothing.
 */
export function logRequestError(options: Pick<ResolvedOptions, 'logger' | 'debug'>, error: unknown): void {
  if (error instanceof SessionError) {
    if (error.status < 500 || error.code === 'STORE_UNAVAILABLE') return;
    logOneLine(options, `sessionkit: ${error.message}`, error);
    return;
  }
  // Not the session's doing: a bug in the handler or the framework. Its stack is what the developer needs.
  options.logger.error(`sessionkit: request failed: ${describeError(error)}`, error);
}

/** Logs `message`, passing `error` (and so its stack) along only when `debug` is on. */
export function logOneLine(options: Pick<ResolvedOptions, 'logger' | 'debug'>, message: string, error?: unknown): void {
  if (options.debug && error !== undefined) options.logger.error(message, error);
  else options.logger.error(message);
}

/** An error's message, or its string form. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
