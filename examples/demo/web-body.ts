/**
 * Reads a Fetch API `Request` body for the demo, never holding more than `MAX_BODY_BYTES` of it: the
 * counterpart of `node-body.ts` for the Hono and Fetch wrappers.
 */
import { bodyTooLarge, MAX_BODY_BYTES, parseBody } from './body.js';
import { HttpError } from './exchange.js';

/** The body of `request` as an object; rejects as `DemoRequest.readBody` describes. */
export async function readWebBody(request: Request): Promise<Record<string, unknown>> {
  return parseBody(request.headers.get('content-type') ?? undefined, await readText(request));
}

async function readText(request: Request): Promise<string> {
  // A declared length over the limit is refused before a byte of the body is read.
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) throw bodyTooLarge();
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        // Chunked bodies announce no length: stop at the limit, and leave the rest unread.
        reader.cancel().catch(() => undefined);
        throw bodyTooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    // The client went away before the end of the body.
    throw new HttpError(400, 'The request body could not be read.');
  }
  return Buffer.concat(chunks).toString('utf8');
}
