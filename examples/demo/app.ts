/**
 * The demo server on the framework of your choice: each wrapper in `frameworks/` turns its framework's
 * request into the demo's framework-neutral request and writes the demo's response back as it is, with
 * sessions through that framework's sessionkit adapter. Only the chosen framework is loaded.
 */
import type { Server } from 'node:http';
import { SessionConfigError } from '../../src/errors.js';
import type { SessionManager } from '../../src/manager.js';
import type { DemoData } from './exchange.js';
import type { DemoSettings } from './settings.js';

export type { WhoAmI } from './accounts/routes.js';
export { type DemoUserDatabase, type DemoUserOptions, demoUserDatabase } from './accounts/user-database.js';
export type { DemoData } from './exchange.js';
export type { SessionView } from './routes.js';
export { adminTokenFromEnv, type DemoSettings } from './settings.js';

/** The frameworks the demo runs on, as `FRAMEWORK` names them. */
export const FRAMEWORKS = ['node', 'express', 'fastify', 'koa', 'hono', 'fetch'] as const;

/** One of {@link FRAMEWORKS}. */
export type Framework = (typeof FRAMEWORKS)[number];

const wrappers: Record<Framework, () => Promise<{ demoServer(sessions: SessionManager<DemoData>, settings: DemoSettings): Server | Promise<Server> }>> = {
  node: () => import('./frameworks/node.js'),
  express: () => import('./frameworks/express.js'),
  fastify: () => import('./frameworks/fastify.js'),
  koa: () => import('./frameworks/koa.js'),
  hono: () => import('./frameworks/hono.js'),
  fetch: () => import('./frameworks/fetch.js'),
};

/**
 * The framework `value` of the `FRAMEWORK` variable names; `node` when it is unset or empty.
 * @throws SessionConfigError for any other value, listing the ones there are.
 */
export function parseFramework(value: string | undefined): Framework {
  if (value === undefined || value === '') return 'node';
  if ((FRAMEWORKS as readonly string[]).includes(value)) return value as Framework;
  throw new SessionConfigError(`FRAMEWORK=${value} is not a framework the demo runs on. Set FRAMEWORK to one of ${FRAMEWORKS.join(', ')} (node when unset).`);
}

/**
 * A demo server on `framework` for `sessions`, with the demo's own `settings` (the engine's name, the
 * session admin's token, Django's users), not yet listening: `(await createDemoServer(sessions)).listen(8000)`.
 * Closing it does not close the session store nor the user database; call `sessions.close()` and
 * `users.close()` for that.
 */
export async function createDemoServer(sessions: SessionManager<DemoData>, framework: Framework = 'node', settings: DemoSettings = {}): Promise<Server> {
  return (await wrappers[framework]()).demoServer(sessions, settings);
}
