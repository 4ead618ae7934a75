/**
 * The Express middleware without the declaration of `req.session`, for projects where another package
 * (`@types/express-session`) declares it: TypeScript refuses two declarations of one property with
 * different types (TS2717). Read the session with {@link sessionOf}. `sessionkit/express` is this module
 * plus the declaration.
 */
import type { Request, RequestHandler } from 'express';
import type { SessionManager } from '../manager.js';
import type { Session, SessionData } from '../session.js';
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
  readonly preload?: boolean;
  /**
   * express-session's API on `req.session` — `req.session.<key>` read and written synchronously,
   * `regenerate(cb)`, `save(cb)`, `reload(cb)`, `destroy(cb)`, `touch()`, `id`, `cookie` — for Passport and
   * other code written for express-session. Loads the session before `next()`.
   * @default false
   */
  readonly expressSessionApi?: boolean;
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
  return (req, res, next) => {
    const attached = attachSession(manager, req, res);
    // Express 4 keeps its router in `app._router`; Express 5 has none there.
    if (!(api || (options.preload ?? '_router' in req.app))) return next();
    attached.prefetch().then(() => {
      if (api) (req as { session: unknown }).session = withExpressSessionApi(attached, manager.options);
      next();
    }, next);
  };
}

/** The session of a request that went through {@link session}. */
export function sessionOf<T extends object = SessionData>(req: Request): Session<T> {
  return (req as unknown as { session: Session<T> }).session;
}
