/**
 * The demo's framework-neutral request and response. A server wrapper (node:http, Express, Fastify, Koa,
 * Hono or Fetch) turns its framework's request into a {@link DemoRequest}, calls the demo's
 * handler, and writes the {@link DemoResponse} it gets back as is: status, headers and body.
 */
import type { Session, SessionData } from '../../src/session.js';

/** What the demo keeps in a session; the JSON API may add any other key. */
export interface DemoData extends SessionData {
  visit: number;
  username: string;
  /** `true` once the browser gave the session admin's token. */
  _admin_staff: boolean;
  /** The token the session admin's forms carry, made when the browser became staff. */
  _admin_csrf: string;
}

/** One request, as much of it as the demo reads. */
export interface DemoRequest {
  /** The method in upper case, as sent (`GET`, `POST`, `HEAD`, …). */
  readonly method: string;
  /** The request target; its origin is not meaningful (see {@link parseTarget}). */
  readonly url: URL;
  /** A request header by its name in lower case; `undefined` when absent. */
  header(name: string): string | undefined;
  /** The request's session, from the framework's sessionkit adapter. */
  readonly session: Session<DemoData>;
  /**
   * The body as an object (see `parseBody`). Rejects with an {@link HttpError}: 400, 413 (over
   * `MAX_BODY_BYTES`, without reading the rest) or 415.
   */
  readBody(): Promise<Record<string, unknown>>;
}

/** One response, sent byte for byte as given. */
export interface DemoResponse {
  readonly status: number;
  /** In the order they are sent; `Content-Length` included. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A response status with a message for the client, thrown by routes and body readers for bad input. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    /** Headers the answer carries besides its type and length. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** A response with `body` of `contentType`, its length, and `extra` headers before them. */
export function respond(status: number, contentType: string, body: string, extra: Readonly<Record<string, string>> = {}): DemoResponse {
  return { status, headers: { ...extra, 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(body)) }, body };
}

/** Plain text. */
export function text(status: number, body: string, extra?: Readonly<Record<string, string>>): DemoResponse {
  return respond(status, 'text/plain; charset=utf-8', body, extra);
}

/**
 * What the demo's pages may load and do: their own stylesheet, forms that post to the demo, and no
 * scripts or frames. A page of another site cannot frame them (clickjacking of the admin's buttons).
 */
export const PAGE_POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** An HTML page, with {@link PAGE_POLICY} and `extra` headers before its type and length. */
export function html(status: number, body: string, extra: Readonly<Record<string, string>> = {}): DemoResponse {
  return respond(status, 'text/html; charset=utf-8', body, { 'Content-Security-Policy': PAGE_POLICY, ...extra });
}

/**
 * A redirect to `location` (a path of the demo): by default `303 See Other`, with which the browser GETs the
 * result of a form's POST; `302 Found` where Django's views answer so (login required).
 */
export function redirect(location: string, status: 301 | 302 | 303 = 303): DemoResponse {
  return text(status, `See ${location}\n`, { Location: location });
}

/** A value as JSON. */
export function json(status: number, value: unknown): DemoResponse {
  return respond(status, 'application/json', JSON.stringify(value));
}
