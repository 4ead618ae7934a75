/**
 * Fetch API `Response` helpers shared by the fetch and Hono adapters: the commit's headers put on a
 * `Response`, and a session failure as a `Response`. Internal: not a subpath export.
 */
import { errorResponse, logRequestError } from '../core/error-response.js';
import type { CommitRequest, CommitResult, SessionManager } from '../manager.js';
import { mergeVary } from '../policy.js';

/** What the commit must know of a web `Request`: whether it came over HTTPS, for `cookieSecure: 'auto'`. */
export function webRequestFacts<T extends object>(manager: SessionManager<T>, request: Request): CommitRequest | undefined {
  if (manager.options.cookieSecure !== 'auto') return undefined;
  return manager.requestFacts(request.url.startsWith('https:'), (name) => request.headers.get(name));
}

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
    return copyWithCommitHeaders(response, result);
  }
}

/** A copy of `response` carrying the commit's headers (`response` itself when there is nothing to add). */
export function copyWithCommitHeaders(response: Response, result: CommitResult): Response {
  if ((result.setCookie.length === 0 && !result.vary) || response.status === 0) return response;
  // The headers before the body: reading the body of @hono/node-server 1.x's Response rebuilds it from its
  // constructor arguments, without the header changes made since.
  const headers = new Headers(response.headers);
  applyTo(headers, result);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

let probedResponse: typeof Response | undefined;
let changesSurvive = true;

/**
 * Whether header changes made to a built `Response` survive when it is copied (`new Response(body,
 * response)`). They do by the Fetch standard, but @hono/node-server before 2.0.3 replaces the global
 * `Response` with one that loses them, and Hono copies responses (for HEAD, in `compress()`, `etag()`).
 * Probed once per `Response` class, as the class can be replaced after this module loads.
 */
export function headerChangesSurviveCopy(): boolean {
  if (probedResponse !== Response) {
    probedResponse = Response;
    try {
      const probe = new Response('', { headers: {} });
      probe.headers.set('x-sessionkit-probe', '1');
      changesSurvive = new Response(null, probe).headers.has('x-sessionkit-probe');
    } catch {
      changesSurvive = false;
    }
  }
  return changesSurvive;
}

function applyTo(headers: Headers, result: CommitResult): void {
  for (const cookie of result.setCookie) headers.append('Set-Cookie', cookie);
  if (result.vary) headers.set('Vary', mergeVary(headers.get('Vary')));
  if (result.cachePrivate && !headers.has('Cache-Control')) headers.set('Cache-Control', 'private');
}

/** Logs a session failure and answers it: its status, `Retry-After` on a 503, and no internals. */
export function failureResponse<T extends object>(manager: SessionManager<T>, error: unknown): Response {
  logRequestError(manager.options, error);
  const answer = errorResponse(error);
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}
