/**
 * Hono adapter: a middleware that gives each request `c.get('session')`, typed through Hono's `Variables`,
 * and commits it with the response once the handlers are done. All decisions are the manager's.
 */
import type { MiddlewareHandler } from 'hono';
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
 * @example
 * const app = new Hono().use(session(sessions));
 * app.get('/visit', async (c) => {
 *   const visit = ((await c.get('session').get('visit')) ?? 0) + 1;
 *   await c.get('session').set('visit', visit);
 *   return c.text(`Visit count:${visit}`);
 * });
 */
export function session<T extends object>(manager: SessionManager<T>): MiddlewareHandler<SessionEnv<T>> {
  return async (c, next) => {
    const current = manager.load(c.req.header('cookie'));
    c.set('session', current);
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
}
