/** The demo on Hono (served by @hono/node-server), with sessions through `sessionkit/hono`. */
import type { Server } from 'node:http';
import { Hono } from 'hono';
import { type SessionEnv, session } from '../../../src/adapters/hono.js';
import { logRequestError } from '../../../src/core/error-response.js';
import type { SessionManager } from '../../../src/manager.js';
import type { DemoData } from '../exchange.js';
import { createFailSafeHandler, failureResponse } from '../failure.js';
import type { DemoSettings } from '../settings.js';
import { answerWebRequest, fetchServer, toWebResponse } from '../web-exchange.js';

/** The demo server, not yet listening. */
export function demoServer(sessions: SessionManager<DemoData>, settings: DemoSettings): Server {
  const handle = createFailSafeHandler(sessions, settings);
  const app = new Hono<SessionEnv<DemoData>>();
  app.use(session(sessions));
  // Every path and method: the demo routes, and answers 404 and 405, itself.
  app.all('*', async (c) => toWebResponse(await answerWebRequest(handle, c.req.raw, c.get('session'))));
  // Hono's own answer to an error is "Internal Server Error" without a newline. (The session middleware
  // answers a failed save itself.)
  app.onError((error) => {
    logRequestError(sessions.options, error);
    return toWebResponse(failureResponse(error));
  });
  return fetchServer(async (request) => app.fetch(request), sessions.options);
}
