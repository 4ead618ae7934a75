/**
 * The demo's request and response over the Fetch API's `Request` and `Response`, and a node:http server
 * for a Fetch handler (@hono/node-server), for the Hono and Fetch wrappers.
 */
import { createServer, type Server } from 'node:http';
import { getRequestListener, RequestError } from '@hono/node-server';
import { logRequestError } from '../../src/core/error-response.js';
import type { ResolvedOptions } from '../../src/options.js';
import type { Session } from '../../src/session.js';
import { badTarget, type DemoHandler, parseTarget } from './dispatch.js';
import type { DemoData, DemoResponse } from './exchange.js';
import { failureResponse } from './failure.js';
import { readWebBody } from './web-body.js';

/** `handle`'s answer to `request`, whose session is `session`. */
export function answerWebRequest(handle: DemoHandler, request: Request, session: Session<DemoData>): Promise<DemoResponse> {
  // The target as the client sent it, read as node:http's wrapper reads it (`//host/path` included).
  const { pathname, search } = new URL(request.url);
  const url = parseTarget(pathname + search);
  if (!url) return Promise.resolve(badTarget());
  const header = (name: string): string | undefined => request.headers.get(name) ?? undefined;
  return handle({ method: request.method, url, header, session, readBody: () => readWebBody(request) });
}

/** `response` as a Fetch API `Response`: status, headers, body. */
export function toWebResponse(response: DemoResponse): Response {
  return new Response(response.body, { status: response.status, headers: response.headers });
}

/**
 * A node:http server for `fetch`. A request @hono/node-server refuses to turn into a `Request` (a backslash
 * in the path, a `Host` that names no host; node:http would serve it) is answered as a request target the
 * demo cannot read; an error `fetch` rejects with is logged and answered as node:http's adapter answers it.
 */
export function fetchServer(fetch: (request: Request) => Promise<Response>, options: ResolvedOptions): Server {
  const onError = (error: unknown): Response => {
    if (error instanceof RequestError) return toWebResponse(badTarget());
    logRequestError(options, error);
    return toWebResponse(failureResponse(error));
  };
  // `hostname` builds the URL of a request without a Host header (HTTP/1.0), which node:http serves too.
  return createServer(getRequestListener(fetch, { hostname: 'localhost', errorHandler: onError }));
}
