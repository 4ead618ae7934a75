/** The demo on node:http, with sessions through `sessionkit/node`'s `withSessions`. */
import { createServer, type Server } from 'node:http';
import { withSessions } from '../../../src/adapters/node.js';
import type { SessionManager } from '../../../src/manager.js';
import { demoContext } from '../context.js';
import { createDemoHandler } from '../dispatch.js';
import type { DemoData } from '../exchange.js';
import { answerNodeRequest, sendNodeResponse } from '../node-exchange.js';
import type { DemoSettings } from '../settings.js';

/**
 * The demo server, not yet listening. The adapter answers an error the handler throws (`errorResponse`):
 * the other wrappers answer as it does.
 */
export function demoServer(sessions: SessionManager<DemoData>, settings: DemoSettings): Server {
  const handle = createDemoHandler(demoContext(sessions, settings));
  return createServer(withSessions(sessions, async (req, res) => sendNodeResponse(res, await answerNodeRequest(handle, req, req.session))));
}
