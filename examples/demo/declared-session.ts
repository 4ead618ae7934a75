/**
 * The session of a framework whose adapter types it by one app-wide interface (Koa's `KoaSessionData`,
 * Fastify's `FastifySessionData`), handed on as the demo's session.
 */
import type { Session } from '../../src/session.js';
import type { DemoData } from './exchange.js';

/**
 * `session` as a `Session<DemoData>`, which it is: the manager that loaded it is typed `DemoData`. The
 * app-wide interface declares only the demo's own keys, so as not to admit any key everywhere in the
 * program, while `DemoData` also admits the keys the demo's JSON API stores.
 */
// biome-ignore lint/suspicious/noExplicitAny: takes the session of any adapter, whatever data type it declares
export function demoSession(session: Session<any>): Session<DemoData> {
  return session as Session<DemoData>;
}
