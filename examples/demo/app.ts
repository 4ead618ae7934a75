/**
 * The demo server: the demo's routes on node:http, with sessions through `withSessions`.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { withSessions, type SessionRequest } from '../../src/adapters/node.js';
import type { SessionManager } from '../../src/manager.js';
import { HttpError, sendText } from './http.js';
import { demoRoutes, type DemoData } from './routes.js';

export type { DemoData, SessionView } from './routes.js';

/**
 * A demo server for `sessions`, not yet listening: `createDemoServer(sessions).listen(8000)`.
 * Closing it does not close the session store; call `sessions.close()` for that.
 */
export function createDemoServer(sessions: SessionManager<DemoData>): Server {
  const routes = demoRoutes(sessions.options.store.name);
  const dispatch = async (req: SessionRequest<DemoData>, res: ServerResponse): Promise<void> => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://demo.invalid');
    } catch {
      return sendText(res, 400, 'Bad request target.\n');
    }
    const methods = Object.hasOwn(routes, url.pathname) ? routes[url.pathname]! : undefined;
    if (!methods) return sendText(res, 404, 'Not found.\n');
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    const route = Object.hasOwn(methods, method) ? methods[method] : undefined;
    if (!route) {
      res.setHeader('Allow', Object.keys(methods).join(', '));
      return sendText(res, 405, 'Method not allowed.\n');
    }
    try {
      await route(req, res, url);
    } catch (error) {
      // Session errors (400/503) and bugs (500) go to withSessions. An unread rest of the body is discarded
      // by node:http once the response is sent, so the connection stays usable.
      if (!(error instanceof HttpError)) throw error;
      sendText(res, error.status, `${error.message}\n`);
    }
  };
  return createServer(withSessions(sessions, dispatch));
}
