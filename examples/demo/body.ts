/**
 * The demo's request bodies, framework-neutral: the size limit and the parsing of JSON and form bodies.
 * Reading the bytes is the server wrapper's part (see `node-body.ts` and `web-body.ts`).
 */
import { HttpError } from './exchange.js';

/** Largest request body the demo reads, in bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * The refusal of a body over {@link MAX_BODY_BYTES}. The rest of the body is left unread, so the
 * connection is closed after the answer rather than drained of what may be gigabytes.
 */
export function bodyTooLarge(): HttpError {
  return new HttpError(413, `The request body is larger than ${MAX_BODY_BYTES} bytes.`, { Connection: 'close' });
}

/**
 * The body `text` sent with `contentType`, as an object: a JSON object (`application/json`) or the fields
 * of a form (`application/x-www-form-urlencoded`). An empty body is `{}`. Anything else is an
 * {@link HttpError}: 400 (malformed) or 415 (another media type).
 */
export function parseBody(contentType: string | undefined, text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
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
