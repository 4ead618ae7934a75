/**
 * Express adapter (Express 4 and 5): a middleware that gives each request `req.session`, committed with the
 * response by the node:http adapter underneath. A `SessionError` reaching Express's error handler is
 * answered with its `status` (400, 413 or 503) and `headers` (Retry-After), which Express's default handler
 * reads.
 */
import type { DeclaredSessionData, Session } from '../session.js';

export type { ExpressSessionCompatible, ExpressSessionCookie, ExpressSessionMethods, SessionCallback } from './express-session-api.js';
export { type ExpressSessionOptions, session, sessionOf, userOf } from './express-untyped.js';

/**
 * The data type of `req.session` in Express apps: declare your keys in it once, and a misspelt key or a
 * value of the wrong type no longer compiles. Left empty, `req.session` is untyped (any key, `unknown`
 * values). Declaration merging can't follow each manager's type parameter, hence one interface per app.
 * In a `.d.ts` file, the file needs a top-level `import` or `export` (e.g. `export {};`), or the
 * declaration replaces the module instead of adding to it.
 *
 * @example
 * declare module 'sessionkit/express' {
 *   interface ExpressSessionData { visit: number; username: string }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: applications declare their keys into it by declaration merging
export interface ExpressSessionData {}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** This request's session, loaded lazily (added by sessionkit's `session()` middleware). */
      session: Session<DeclaredSessionData<ExpressSessionData>>;
    }
  }
}
