/**
 * Express adapter (Express 4 and 5): a middleware that gives each request `req.session`, committed with the
 * response by the node:http adapter underneath. A `SessionError` reaching Express's error handler is
 * answered with its `status` (400, 413 or 503) and `headers` (Retry-After), which Express's default handler
 * reads.
 */
import type { Session, SessionData } from '../session.js';

export { session, sessionOf, type ExpressSessionOptions } from './express-untyped.js';
export type { ExpressSessionCompatible, ExpressSessionCookie, ExpressSessionMethods, SessionCallback } from './express-session-api.js';

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
