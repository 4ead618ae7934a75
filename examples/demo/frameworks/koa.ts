/** The demo on Koa, with sessions through `sessionkit/koa`. */
import { createServer, type Server } from 'node:http';
import Koa, { type Context } from 'koa';
import { session } from '../../../src/adapters/koa.js';
import { logRequestError } from '../../../src/core/error-response.js';
import type { SessionManager } from '../../../src/manager.js';
import { demoSession } from '../declared-session.js';
import type { DemoData, DemoResponse } from '../exchange.js';
import { createFailSafeHandler, failureResponse } from '../failure.js';
import { answerNodeRequest } from '../node-exchange.js';
import type { DemoSettings } from '../settings.js';

// The demo's keys. KoaSessionData is one type for the whole program (declaration merging), so it declares
// only these, not the other keys the demo's JSON API lets a client store.
declare module '../../../src/adapters/koa.js' {
  interface KoaSessionData {
    visit: number;
    username: string;
  }
}

/** The demo server, not yet listening. */
export function demoServer(sessions: SessionManager<DemoData>, settings: DemoSettings): Server {
  const handle = createFailSafeHandler(sessions, settings);
  const app = new Koa();
  // Koa's own answer to an error is "Internal Server Error" without a newline. (The session middleware
  // answers a failed save itself.)
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      logRequestError(sessions.options, error);
      for (const name of ctx.res.getHeaderNames()) ctx.remove(name);
      send(ctx, failureResponse(error));
    }
  });
  app.use(session(sessions));
  app.use(async (ctx) => send(ctx, await answerNodeRequest(handle, ctx.req, demoSession(ctx.session))));
  return createServer(app.callback());
}

function send(ctx: Context, response: DemoResponse): void {
  ctx.status = response.status;
  ctx.set(response.headers);
  ctx.body = response.body;
  // The body setter writes a Content-Length of its own (0 for a HEAD answer): the demo's stands. Headers
  // set again keep their place.
  ctx.set(response.headers);
}
