/**
 * The demo's small HTTP helpers: sending a response, and reading a bounded request body (JSON or a form).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body the demo reads, in bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

/** A response status with a message for the client, thrown by routes for bad input. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Sends `body` with its length. */
export function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Sends plain text. */
export function sendText(res: ServerResponse, status: number, text: string): void {
  send(res, status, 'text/plain; charset=utf-8', text);
}

/** Sends an HTML page. */
export function sendHtml(res: ServerResponse, status: number, html: string): void {
  send(res, status, 'text/html; charset=utf-8', html);
}

/** Sends a value as JSON. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json', JSON.stringify(value));
}

/**
 * The request body as an object: a JSON object (`application/json`) or the fields of a form
 * (`application/x-www-form-urlencoded`). An empty body is `{}`. Anything else is an {@link HttpError}:
 * 400 (malformed), 413 (over {@link MAX_BODY_BYTES}) or 415 (another media type).
 */
export async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readText(req);
  if (text.trim() === '') return {};
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  if (type !== 'application/json') {
    throw new HttpError(415, 'Send the body as application/json or application/x-www-form-urlencoded.');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

function readText(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (error: HttpError): void => {
      req.removeAllListeners('data');
      reject(error);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) fail(tooLarge());
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => fail(new HttpError(400, 'The request body could not be read.')));
  });
}

function tooLarge(): HttpError {
  return new HttpError(413, `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
}
