/**
 * The demo's request and response over node:http's `IncomingMessage` and `ServerResponse`, for the wrappers
 * whose framework exposes them (node:http itself, Express, Koa, Fastify).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Session } from '../../src/session.js';
import { badTarget, type DemoHandler, parseTarget } from './dispatch.js';
import type { DemoData, DemoResponse } from './exchange.js';
import { readNodeBody } from './node-body.js';

/** `handle`'s answer to `req`, whose session is `session`. */
export function answerNodeRequest(handle: DemoHandler, req: IncomingMessage, session: Session<DemoData>): Promise<DemoResponse> {
  const url = parseTarget(req.url ?? '/');
  if (!url) return Promise.resolve(badTarget());
  const header = (name: string): string | undefined => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  // An unread rest of the body is discarded by node:http once the response is sent, or the connection
  // closed when the response says so (a body over the limit).
  return handle({ method: req.method ?? 'GET', url, header, session, readBody: () => readNodeBody(req) });
}

/** Writes `response` as it is: status, headers in order, body. */
export function sendNodeResponse(res: ServerResponse, response: DemoResponse): void {
  res.writeHead(response.status, response.headers);
  res.end(response.body);
}
