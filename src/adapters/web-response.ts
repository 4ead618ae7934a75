/**
 * Fetch API `Response` helpers shared by the fetch and Hono adapters: the commit's headers put on a
 * `Response`, and a session failure as a `Response`. Internal: not a subpath export.
 */
import { errorResponse, logRequestError } from '../core/error-response.js';
import type { CommitResult, SessionManager } from '../manager.js';
import { mergeVary } from '../policy.js';
import type { SessionData } from '../session.js';

/**
 * The status a response is committed with. `Response.error()` (a network error, status 0) has no HTTP
 * status; it counts as a failed request, which saves nothing.
 */
export function statusOf(response: Response): number {
  return response.status === 0 ? 500 : response.status;
}

/**
 * `response` carrying the commit's `Set-Cookie`, `Vary` and `Cache-Control`: the same response, or a
 * copy when its headers are immutable (`Response.redirect()`, or a `fetch()` answer passed through).
 * A network error (`Response.error()`) has no headers to carry and is returned as it is.
 */
export function withCommitHeaders(response: Response, result: CommitResult): Response {
  if ((result.setCookie.length === 0 && !result.vary) || response.status === 0) return response;
  try {
    applyTo(response.headers, result);
    return response;
  } catch (error) {
    // Immutable headers throw on their first change, so nothing was applied yet.
    if (!(error instanceof TypeError)) throw error;
    const copy = new Response(response.body, { status: response.status, statusText: response.statusText, headers: response.headers });
    applyTo(copy.headers, result);
    return copy;
  }
}

function applyTo(headers: Headers, result: CommitResult): void {
  for (const cookie of result.setCookie) headers.append('Set-Cookie', cookie);
  if (result.vary) headers.set('Vary', mergeVary(headers.get('Vary')));
  if (result.cachePrivate && !headers.has('Cache-Control')) headers.set('Cache-Control', 'private');
}

/** Logs a session failure and answers it: its status, `Retry-After` on a 503, and no internals. */
export function failureResponse<T extends SessionData>(manager: SessionManager<T>, error: unknown): Response {
  logRequestError(manager.options, error);
  const answer = errorResponse(error);
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}
