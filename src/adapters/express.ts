/**
 * Express 5 adapter: a middleware that gives each request `req.session`, committed with the response by
 * the node:http adapter underneath. A `SessionError` reaching Express's error handler is answered with its
 * `status` (400 or 503), which Express's default handler reads.
 */
import type { RequestHandler } from 'express';
import type { SessionManager } from '../manager.js';
import type { Session, SessionData } from '../session.js';
import { attachSession } from './node.js';

/**
 * The data type of `req.session` in Express apps. Declaration merging can't follow each manager's type
 * parameter, so declare your keys here to type them:
 *
 * @example
 * declare module 'sessionkit/express' {
 *   interface ExpressSessionData { visit: number; username: string }
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ExpressSessionData extends SessionData {}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** This request's session, loaded lazily (added by sessionkit's `session()` middleware). */
      session: Session<ExpressSessionData>;
    }
  }
}

/**
 * The session middleware. Mount it before the routes that use `req.session`.
 *
 * @example
 * const sessions = createSessions({ secret: process.env.SECRET_KEY!, store: sqliteStore({ path: 'db.sqlite3' }) });
 * app.use(session(sessions));
 */
export function session<T extends SessionData>(manager: SessionManager<T>): RequestHandler {
  return (req, res, next) => {
    attachSession(manager, req, res);
    next();
  };
}
