/** Mounts a conformance route on a node:http `ServerResponse` (shared by the node:http and Express glue). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { RequestUser, SessionUser } from '../../src/auth/index.js';
import type { Session } from '../../src/session.js';
import { type ConformanceRoute, pause } from './conformance.js';

/** Runs `route` for `req` (with the adapter's lazy `user`, if any) and writes its reply to `res` the node:http way. */
export async function answerWithNode(
  route: ConformanceRoute,
  session: Session,
  req: IncomingMessage,
  res: ServerResponse,
  user?: RequestUser<SessionUser>,
): Promise<void> {
  const reply = await route({ session, user, method: req.method ?? 'GET', url: new URL(req.url ?? '/', 'http://test.invalid') });
  if (reply.kind === 'redirect') {
    res.writeHead(302, { Location: reply.location }).end();
  } else if (reply.kind === 'stream') {
    res.setHeader('Content-Type', 'text/plain');
    Readable.from(spaced(reply.chunks)).pipe(res);
  } else {
    res.writeHead(reply.status ?? 200, { 'Content-Type': 'text/plain; charset=utf-8', ...reply.headers });
    res.end(reply.body);
  }
}

/** The chunks of a streamed reply, 5 ms apart. */
export async function* spaced(chunks: readonly string[]): AsyncGenerator<string> {
  for (const [i, chunk] of chunks.entries()) {
    if (i > 0) await pause(5);
    yield chunk;
  }
}
