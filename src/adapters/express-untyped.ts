/**
 * The Express middleware without the declaration of `req.session`, for projects where another package
 * (`@types/express-session`) declares it: TypeScript refuses two declarations of one property with
 * different types (TS2717). Read the session with {@link sessionOf}. `sessionkit/express` is this module
 * plus the declaration.
 */
import type { Request, RequestHandler } from 'express';
import type { Auth } from '../auth/create-auth.js';
import type { RequestUser } from '../auth/request-user.js';
import type { SessionUser } from '../auth/user.js';
import { sessionInternals } from '../core/session-handle.js';
import type { SessionManager } from '../manager.js';
import type { Session, SessionData } from '../session.js';
import { attachedUser } from './attached-user.js';
import { withExpressSessionApi } from './express-session-api.js';
import { attachSession } from './node.js';

/** Options of the Express middleware. */
export interface ExpressSessionOptions {
  /**
   * Load the session before `next()`, so a store failure reaches Express's error handler (a 503) from the
   * middleware instead of rejecting inside a route. Express 4 does not pass a rejected async route to
   * `next`, so there an outage would be an unhandled rejection: preloading is the default on Express 4.
   * @default false on Express 5, true on Express 4
   */
  readonly preload?: boolean | undefined;
  /**
   * express-session's API on `req.session` — `req.session.<key>` read and written synchronously,
   * `regenerate(cb)`, `save(cb)`, `reload(cb)`, `destroy(cb)`, `touch()`, `id`, `cookie` — for Passport and
   * other code written for express-session. Loads the session before `next()`.
   * @default false
   */
  readonly expressSessionApi?: boolean | undefined;
  /**
   * The `createAuth()` result: each request also gets its lazy user, read with {@link userOf}: no query
   * until it is called, then one per request. It is `req.user`, untyped, because Passport declares
   * `req.user` for itself; an app using Passport's logins leaves this out.
   * @default undefined (no user)
   */
  readonly auth?: Auth<SessionUser> | undefined;
}

/**
 * The session middleware. Mount it before the routes that use `req.session`.
 *
 * @example
 * const sessions = createSessions({ secret: process.env.SECRET_KEY!, store: sqliteStore({ path: 'db.sqlite3' }) });
 * app.use(session(sessions));
 * app.use(session(sessions, { expressSessionApi: true })); // for Passport
 */
export function session<T extends object>(manager: SessionManager<T>, options: ExpressSessionOptions = {}): RequestHandler {
  const api = options.expressSessionApi ?? false;
  const auth = options.auth;
  return (req, res, next) => {
    const attached = attachSession(manager, req, res);
    if (auth) (req as { user?: unknown }).user = auth.requestUser(attached);
    // Express 4 keeps its router in `app._router`; Express 5 has none there.
    if (!(api || (options.preload ?? '_router' in req.app))) return next();
    sessionInternals(attached)
      .prefetch()
      .then(() => {
        if (api) (req as { session: unknown }).session = withExpressSessionApi(attached, manager.options);
        next();
      }, next);
  };
}

/** The session of a request that went through {@link session}. */
export function sessionOf<T extends object = SessionData>(req: Request): Session<T> {
  return (req as unknown as { session: Session<T> }).session;
}

/**
 * The lazy user of a request that went through {@link session} with `{ auth }`: its logged-in user, or
 * `null`, loaded on the first call and once per request.
 *
 * @typeParam U - The user type of the `createAuth()` given to the middleware.
 * @throws SessionConfigError when the middleware was mounted without `auth`.
 * @example
 * app.get('/whoami', async (req, res) => res.json(await userOf<MyUser>(req)()));
 */
export function userOf<U extends SessionUser = SessionUser>(req: Request): RequestUser<U> {
  return attachedUser<U>(req, 'userOf(req) needs the session middleware mounted with `{ auth }`: app.use(session(sessions, { auth: createAuth({ ... }) })).');
}
