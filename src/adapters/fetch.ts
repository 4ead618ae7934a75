/**
 * Fetch API adapter, for every framework whose handlers take a `Request` and answer a `Response`: Next.js
 * route handlers and middleware, React Router loaders and actions, SvelteKit hooks, Bun.serve, Deno.serve.
 *
 * - {@link withSessions} wraps a `(request, context) => Response` handler and hands it the session;
 * - {@link getSession} and {@link commitSession} are the two halves, for frameworks that own the response.
 *
 * All decisions are the manager's; this file only moves strings between it and `Request`/`Response`.
 */
import type { Auth } from '../auth/create-auth.js';
import type { RequestUser } from '../auth/request-user.js';
import type { SessionUser } from '../auth/user.js';
import { SessionError } from '../errors.js';
import type { SessionManager } from '../manager.js';
import type { Session } from '../session.js';
import { failureResponse, statusOf, webRequestFacts, withCommitHeaders } from './web-response.js';

/**
 * A Fetch API handler that also receives its request's session. `context` is whatever the framework
 * passes second: Next.js's `{ params }`, Bun's server, Deno's connection info.
 */
export type SessionFetchHandler<T extends object, R extends Request, C> = (request: R, context: C, session: Session<T>) => Response | Promise<Response>;

/** A {@link SessionFetchHandler} that also receives its request's lazy user (`withSessions(..., { auth })`). */
export type UserFetchHandler<T extends object, U extends SessionUser, R extends Request, C> = (
  request: R,
  context: C,
  session: Session<T>,
  user: RequestUser<U>,
) => Response | Promise<Response>;

/** Options of {@link withSessions}. */
export interface FetchSessionOptions<U extends SessionUser> {
  /**
   * The `createAuth()` result: the handler also receives the request's lazy user, fourth: no query until
   * it is called, then one per request. Without the wrapper, `auth.requestUser(getSession(sessions,
   * request))` gives the same.
   * @default undefined (no user)
   */
  readonly auth?: Auth<U> | undefined;
}

// Per manager, the session of each request, so every getSession() of one request shares one session.
const sessionsOf = new WeakMap<object, WeakMap<Request, unknown>>();

/**
 * The session of `request`, loaded lazily from its `Cookie` header (no I/O until it is used). The same
 * `Request` always gets the same session from the same manager, so a wrapper and the code it calls can
 * both ask for it. Every session taken this way must reach {@link commitSession}, which saves it and
 * releases its lock.
 *
 * @example
 * const session = getSession(sessions, request);
 * const visit = ((await session.get('visit')) ?? 0) + 1;
 */
export function getSession<T extends object>(manager: SessionManager<T>, request: Request): Session<T> {
  let byRequest = sessionsOf.get(manager);
  if (byRequest === undefined) {
    byRequest = new WeakMap();
    sessionsOf.set(manager, byRequest);
  }
  // The map holds only sessions this manager loaded, which are Session<T>.
  let session = byRequest.get(request) as Session<T> | undefined;
  if (session === undefined) {
    session = manager.load(request.headers.get('cookie'));
    byRequest.set(request, session);
  }
  return session;
}

/**
 * Commits `session` with `response`: saves it as Django would for the response's status, and resolves
 * the response carrying `Set-Cookie`, `Vary: Cookie` and `Cache-Control: private` as needed. A response
 * with immutable headers (`Response.redirect()`) is copied; `Response.error()` saves nothing.
 *
 * `response` may be pending: if it rejects, the session is committed as a 500 (nothing saved, its lock
 * released at once) and the error is rethrown. A `SessionError` — from the handler or from the save —
 * resolves instead to its answer (`errorResponse`: 400, 413 or 503 with `Retry-After`, no internals),
 * and is logged with `logRequestError`. Pass the `request` when `cookieSecure` is `'auto'`: its scheme
 * decides the cookie's `Secure`.
 *
 * @example
 * // SvelteKit: src/hooks.server.ts
 * export const handle: Handle = ({ event, resolve }) => {
 *   const session = (event.locals.session = getSession(sessions, event.request));
 *   return commitSession(sessions, session, resolve(event));
 * };
 */
export async function commitSession<T extends object>(
  manager: SessionManager<T>,
  session: Session<T>,
  response: Response | PromiseLike<Response>,
  request?: Request,
): Promise<Response> {
  let settled: Response;
  let status: number;
  try {
    settled = await response;
    status = statusOf(settled);
  } catch (error) {
    await manager.commit(session, 500);
    if (error instanceof SessionError) return failureResponse(manager, error);
    throw error;
  }
  try {
    const facts = request === undefined ? undefined : webRequestFacts(manager, request);
    return withCommitHeaders(settled, await manager.commit(session, status, facts));
  } catch (error) {
    if (!(error instanceof SessionError)) throw error;
    settled.body?.cancel().catch(() => undefined); // the handler's body is never sent
    return failureResponse(manager, error);
  }
}

/**
 * Wraps a Fetch API handler: it receives the request's session as its third argument (the same one
 * {@link getSession} gives), and its response leaves committed, as {@link commitSession} describes. An
 * error the handler throws other than a `SessionError` is rethrown to the framework once the session's
 * lock is released. With `{ auth }`, the handler's fourth argument is the request's lazy user.
 *
 * @example
 * // Next.js App Router: app/visit/route.ts
 * export const GET = withSessions(sessions, async (request, context, session) => {
 *   const visit = ((await session.get('visit')) ?? 0) + 1;
 *   await session.set('visit', visit);
 *   return new Response(`Visit count:${visit}`);
 * });
 *
 * // Bun and Deno
 * Bun.serve({ fetch: withSessions(sessions, handler) });
 * Deno.serve(withSessions(sessions, handler));
 */
export function withSessions<T extends object, U extends SessionUser, R extends Request = Request, C = unknown>(
  manager: SessionManager<T>,
  handler: UserFetchHandler<T, U, R, C>,
  options: FetchSessionOptions<U> & { readonly auth: Auth<U> },
): (request: R, context: C) => Promise<Response>;
/** {@link withSessions} without `auth`: the handler receives the session only. */
export function withSessions<T extends object, R extends Request = Request, C = unknown>(
  manager: SessionManager<T>,
  handler: SessionFetchHandler<T, R, C>,
  options?: FetchSessionOptions<SessionUser>,
): (request: R, context: C) => Promise<Response>;
export function withSessions<T extends object, R extends Request = Request, C = unknown>(
  manager: SessionManager<T>,
  handler: UserFetchHandler<T, SessionUser, R, C>,
  options: FetchSessionOptions<SessionUser> = {},
): (request: R, context: C) => Promise<Response> {
  const auth = options.auth;
  return (request, context) => {
    const session = getSession(manager, request);
    let response: Response | Promise<Response>;
    try {
      response = handler(request, context, session, auth ? auth.requestUser(session) : noUser);
    } catch (error) {
      response = Promise.reject(error);
    }
    return commitSession(manager, session, response, request);
  };
}

// Handed to a handler of the overload without `auth`, which does not declare a fourth parameter.
const noUser: RequestUser<SessionUser> = () => Promise.resolve(null);
