/**
 * The demo server on node:http: a thin wrapper that turns node's request into the demo's framework-neutral
 * request, and the demo's response back, with sessions through `withSessions`.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { withSessions, type SessionRequest } from '../../src/adapters/node.js';
import type { SessionManager } from '../../src/manager.js';
import { badTarget, createDemoHandler, parseTarget } from './dispatch.js';
import type { DemoData, DemoResponse } from './exchange.js';
import { readNodeBody } from './node-body.js';

export type { DemoData } from './exchange.js';
export type { SessionView } from './routes.js';

/**
 * A demo server for `sessions`, not yet listening: `createDemoServer(sessions).listen(8000)`.
 * Closing it does not close the session store; call `sessions.close()` for that.
 */
export function createDemoServer(sessions: SessionManager<DemoData>): Server {
  const handle = createDemoHandler(sessions.options.store.name);
  return createServer(
    withSessions(sessions, async (req: SessionRequest<DemoData>, res) => {
      const url = parseTarget(req.url ?? '/');
      if (!url) return send(res, badTarget());
      const header = (name: string): string | undefined => {
        const value = req.headers[name];
        return Array.isArray(value) ? value.join(', ') : value;
      };
      // An unread rest of the body is discarded by node:http once the response is sent, or the connection
      // closed when the response says so (a body over the limit).
      send(res, await handle({ method: req.method ?? 'GET', url, header, session: req.session, readBody: () => readNodeBody(req) }));
    }),
  );
}

function send(res: ServerResponse, response: DemoResponse): void {
  res.writeHead(response.status, response.headers);
  res.end(response.body);
}
