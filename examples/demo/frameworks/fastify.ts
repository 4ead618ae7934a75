/** The demo on Fastify, with sessions through `sessionkit/fastify`. */
import type { Server } from 'node:http';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { sessionPlugin } from '../../../src/adapters/fastify.js';
import type { SessionManager } from '../../../src/manager.js';
import { demoSession } from '../declared-session.js';
import type { DemoData, DemoResponse } from '../exchange.js';
import { createFailSafeHandler, failureResponse } from '../failure.js';
import { answerNodeRequest } from '../node-exchange.js';
import type { DemoSettings } from '../settings.js';

// The demo's keys. FastifySessionData is one type for the whole program (declaration merging), so it
// declares only these, not the other keys the demo's JSON API lets a client store.
declare module '../../../src/adapters/fastify.js' {
  interface FastifySessionData {
    visit: number;
    username: string;
  }
}

/** The demo server, ready and not yet listening. */
export async function demoServer(sessions: SessionManager<DemoData>, settings: DemoSettings): Promise<Server> {
  const handle = createFailSafeHandler(sessions, settings);
  // node:http's keep-alive timeout (Fastify's own is 72 s), so that the Keep-Alive header is the same.
  const app = Fastify({ keepAliveTimeout: 5000 });
  await app.register(sessionPlugin, { sessions });
  // The demo reads bodies itself, within its own limit: no parser of Fastify's reads (or refuses) them first.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));
  // Every path and method: the demo routes, and answers 404 and 405, itself.
  const route = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> =>
    send(reply, await answerNodeRequest(handle, request.raw, demoSession(request.session)));
  app.all('*', route);
  app.setNotFoundHandler(route);
  // A failed save reaches Fastify's error handler (logged by the plugin), whose own answer is JSON.
  app.setErrorHandler((error, _request, reply) => send(reply, failureResponse(error)));
  await app.ready();
  // Malformed HTTP is answered by node:http itself, as on the other frameworks (Fastify's answer is JSON).
  app.server.removeAllListeners('clientError');
  return app.server;
}

function send(reply: FastifyReply, response: DemoResponse): FastifyReply {
  // As bytes: Fastify would add `; charset=utf-8` to the JSON type of a string body.
  return reply.code(response.status).headers(response.headers).send(Buffer.from(response.body));
}
