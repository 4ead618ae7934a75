/** The demo as a Fetch API handler (served by @hono/node-server), with sessions through `sessionkit/fetch`. */
import type { Server } from 'node:http';
import { withSessions } from '../../../src/adapters/fetch.js';
import type { SessionManager } from '../../../src/manager.js';
import type { DemoData } from '../exchange.js';
import { createFailSafeHandler } from '../failure.js';
import type { DemoSettings } from '../settings.js';
import { answerWebRequest, fetchServer, toWebResponse } from '../web-exchange.js';

/** The demo server, not yet listening. `withSessions` answers a failed save; `fetchServer` anything else. */
export function demoServer(sessions: SessionManager<DemoData>, settings: DemoSettings): Server {
  const handle = createFailSafeHandler(sessions, settings);
  const fetch = withSessions(sessions, async (request: Request, _context: unknown, session) => toWebResponse(await answerWebRequest(handle, request, session)));
  return fetchServer((request) => fetch(request, undefined), sessions.options);
}
