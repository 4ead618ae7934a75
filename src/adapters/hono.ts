/**
 * Hono adapter: a middleware that gives each request `c.get('session')`, typed through Hono's `Variables`,
 * and commits it with the response once the handlers are done. All decisions are the manager's.
 */
import type { MiddlewareHandler } from 'hono';
import type { Auth } from '../auth/create-auth.js';
import type { RequestUser } from '../auth/request-user.js';
import type { SessionUser } from '../auth/user.js';
import { SessionError } from '../errors.js';
import type { SessionManager } from '../manager.js';
import type { Session, SessionData } from '../session.js';
import { copyWithCommitHeaders, failureResponse, headerChangesSurviveCopy, statusOf, webRequestFacts, withCommitHeaders } from './web-response.js';

/** The context variables the middleware sets: `c.get('session')`. */
export type SessionVariables<T extends object = SessionData> = { session: Session<T> };

/**
 * The Hono environment of an app using the middleware, to type `c.get('session')` when the app is
 * declared before the middleware is mounted.
 *
 * @example
 * const app = new Hono<SessionEnv<{ visit: number }>>();
 */
export type SessionEnv<T extends object = SessionData> = { Variables: SessionVariables<T> };

/** The context variables of the middleware given `{ auth }`: `c.get('session')` and `c.get('user')`. */
export type UserVariables<T extends object = SessionData, U extends SessionUser = SessionUser> = SessionVariables<T> & { user: RequestUser<U> };

/** The Hono environment of an app using the middleware with `{ auth }`. */
export type UserEnv<T extends object = SessionData, U extends SessionUser = SessionUser> = { Variables: UserVariables<T, U> };

/** Options of the Hono {@link session} middleware. */
export interface HonoSessionOptions<U extends SessionUser> {
  /**
   * The `createAuth()` result: each request also gets `c.get('user')`, its lazy user: no query until it
   * is called, then one per request.
   * @default undefined (no user)
   */
  readonly auth?: Auth<U> | undefined;
}

/**
 * The session middleware. Mount it before the routes that use `c.get('session')`.
 *
 * After the handlers, the session is committed with the response's status and the response gets
 * `Set-Cookie`, `Vary: Cookie` and `Cache-Control: private` as needed (copied first if its headers are
 * immutable, as `Response.redirect()`'s are). When a handler threw, the session is committed as a 500:
 * nothing is saved and its lock is released at once. A `SessionError` — thrown by a handler or by the
 * save — is answered with its status (400, 413, or 503 with `Retry-After`, no internals) and logged.
 *
 * Streamed bodies: the cookie goes out with the headers, so change the session before the stream starts.
 *
 * With `{ auth }` (the `createAuth()` result), `c.get('user')` is the request's lazy user.
 *
 * @example
 * const app = new Hono().use(session(sessions));
 * app.get('/visit', async (c) => {
 *   const visit = ((await c.get('session').get('visit')) ?? 0) + 1;
 *   await c.get('session').set('visit', visit);
 *   return c.text(`Visit count:${visit}`);
 * });
 */
export function session<T extends object, U extends SessionUser>(
  manager: SessionManager<T>,
  options: HonoSessionOptions<U> & { readonly auth: Auth<U> },
): MiddlewareHandler<UserEnv<T, U>>;
/** The session middleware without `auth`: `c.get('session')` only. */
export function session<T extends object>(manager: SessionManager<T>, options?: HonoSessionOptions<SessionUser>): MiddlewareHandler<SessionEnv<T>>;
export function session<T extends object, U extends SessionUser>(
  manager: SessionManager<T>,
  options: HonoSessionOptions<U> = {},
): MiddlewareHandler<UserEnv<T, U>> | MiddlewareHandler<SessionEnv<T>> {
  const auth = options.auth;
  const middleware: MiddlewareHandler<UserEnv<T, U>> = async (c, next) => {
    const current = manager.load(c.req.header('cookie'));
    c.set('session', current);
    if (auth) c.set('user', auth.requestUser(current));
    try {
      await next();
    } catch (error) {
      // Hono hands only Error instances to onError; anything else thrown (or thrown by onError) comes here.
      await manager.commit(current, 500);
      throw error;
    }
    const thrown = c.error;
    let answer: Response;
    try {
      const result = await manager.commit(current, thrown === undefined ? statusOf(c.res) : 500, webRequestFacts(manager, c.req.raw));
      if (thrown instanceof SessionError) answer = failureResponse(manager, thrown);
      else answer = headerChangesSurviveCopy() ? withCommitHeaders(c.res, result) : copyWithCommitHeaders(c.res, result);
    } catch (error) {
      if (!(error instanceof SessionError)) throw error;
      c.res.body?.cancel().catch(() => undefined); // the handler's body is never sent
      answer = failureResponse(manager, error);
    }
    if (answer === c.res) return;
    // Assigning over a response merges its headers into the new one; an error answer must not inherit them.
    c.res = undefined;
    c.res = answer;
  };
  return middleware;
}
