/**
 * Reads a node:http request body for the demo, never holding more than `MAX_BODY_BYTES` of it. Shared by
 * the wrappers whose requests are node:http's `IncomingMessage` (node:http itself, Express, Koa, Fastify).
 */
import type { IncomingMessage } from 'node:http';
import { bodyTooLarge, MAX_BODY_BYTES, parseBody } from './body.js';
import { HttpError } from './exchange.js';

/** The body of `req` as an object; rejects as `DemoRequest.readBody` describes. */
export async function readNodeBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return parseBody(req.headers['content-type'], await readText(req));
}

function readText(req: IncomingMessage): Promise<string> {
  // A declared length over the limit is refused before a byte of the body is read.
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) return Promise.reject(bodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    // The listeners stay attached once settled (a late 'error' without a listener would crash the process).
    const settle = (error: HttpError | null): void => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      // Chunked bodies announce no length: stop at the limit, and leave the rest unread.
      req.off('data', onData);
      req.pause();
      chunks.length = 0;
      settle(bodyTooLarge());
    };
    req.on('data', onData);
    req.on('end', () => settle(null));
    req.on('error', () => settle(new HttpError(400, 'The request body could not be read.')));
    // The client went away before the end of the body.
    req.on('close', () => settle(new HttpError(400, 'The request body could not be read.')));
  });
}
