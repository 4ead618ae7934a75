/** The demo on Express, with sessions through `sessionkit/express`. */
import { createServer, type Server } from 'node:http';
import express, { type ErrorRequestHandler } from 'express';
import { session, sessionOf } from '../../../src/adapters/express-untyped.js';
import { logRequestError } from '../../../src/core/error-response.js';
import type { SessionManager } from '../../../src/manager.js';
import type { DemoData } from '../exchange.js';
import { createFailSafeHandler, failureResponse } from '../failure.js';
import { answerNodeRequest, sendNodeResponse } from '../node-exchange.js';
import type { DemoSettings } from '../settings.js';

/** The demo server, not yet listening. */
export function demoServer(sessions: SessionManager<DemoData>, settings: DemoSettings): Server {
  const handle = createFailSafeHandler(sessions, settings);
  const app = express();
  app.disable('x-powered-by'); // a header node:http does not send
  app.use(session(sessions));
  // Every path and method: the demo routes, and answers 404 and 405, itself.
  app.use(async (req, res) => sendNodeResponse(res, await answerNodeRequest(handle, req, sessionOf<DemoData>(req))));
  // Express's own error handler answers with an HTML page. (A failed save is answered by the adapter.)
  const onError: ErrorRequestHandler = (error, _req, res, next) => {
    if (res.headersSent) return next(error);
    logRequestError(sessions.options, error);
    sendNodeResponse(res, failureResponse(error));
  };
  app.use(onError);
  return createServer(app);
}
