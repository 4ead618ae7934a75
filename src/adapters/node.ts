/**
 * node:http adapter: the one place that hooks a `ServerResponse`. It gives each request a lazy session and
 * commits it just before the response leaves: the first `writeHead`, `write`, `end` or `flushHeaders` is
 * held back while `manager.commit` runs, then `Set-Cookie` and `Vary` are added and the held calls
 * replayed in order. All decisions are the manager's; this file only moves strings.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeError, errorResponse, logRequestError, type ErrorResponse } from '../core/error-response.js';
import type { CommitRequest, CommitResult, SessionManager } from '../manager.js';
import { mergeVary } from '../policy.js';
import type { Session, SessionData } from '../session.js';

/** A node:http request carrying its session. */
export type SessionRequest<T extends SessionData = SessionData> = IncomingMessage & { session: Session<T> };

type Hooked = 'writeHead' | 'write' | 'end' | 'flushHeaders';
type Method = (...args: unknown[]) => unknown;

/**
 * Gives `req` its session (`req.session`, loaded lazily from the `Cookie` header) and makes `res` commit
 * it before its headers go out. Used by {@link withSessions} and the Express adapter.
 */
export function attachSession<T extends SessionData>(manager: SessionManager<T>, req: IncomingMessage, res: ServerResponse): Session<T> {
  return hookResponse(manager, req, res).session;
}

/**
 * Wraps a node:http handler so that `req.session` exists and is committed with the response. A
 * `SessionError` thrown before the response started is answered with its status (400, 503); any other
 * error with a 500.
 *
 * @example
 * http.createServer(withSessions(sessions, async (req, res) => {
 *   const visit = ((await req.session.get('visit')) ?? 0) + 1;
 *   await req.session.set('visit', visit);
 *   res.end(`Visit count:${visit}`);
 * }));
 */
export function withSessions<T extends SessionData>(
  manager: SessionManager<T>,
  handler: (req: SessionRequest<T>, res: ServerResponse) => unknown,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const hook = hookResponse(manager, req, res);
    try {
      await handler(req as SessionRequest<T>, res);
    } catch (error) {
      logRequestError(manager.options, error);
      // Answered through the hooked methods, so the session is still committed (a 5xx saves nothing).
      const methods = res as unknown as Record<Hooked, Method>;
      if (!hook.started()) return sendError(res, errorResponse(error), methods.writeHead, methods.end);
      // The response is already on its way: its commit releases the session; a half-written body is cut off.
      await hook.session.release();
      if (!hook.ended() && !res.writableEnded) res.destroy();
    }
  };
}

function hookResponse<T extends SessionData>(manager: SessionManager<T>, req: IncomingMessage, res: ServerResponse): ResponseHook<T> {
  const hook = new ResponseHook(manager, res, manager.load(req.headers.cookie));
  (req as SessionRequest<T>).session = hook.session;
  return hook;
}

/**
 * The hooks on one response. A class with bound methods rather than closures: this runs for every
 * request, and the untouched fast path should allocate as little as possible.
 */
class ResponseHook<T extends SessionData> {
  readonly session: Session<T>;
  readonly #manager: SessionManager<T>;
  readonly #res: ServerResponse;
  readonly #original: Record<Hooked, Method>;
  readonly #queue: Array<[Hooked, unknown[]]> = [];
  #phase: 'open' | 'queueing' | 'done' | 'failed' = 'open';
  #ended = false;

  constructor(manager: SessionManager<T>, res: ServerResponse, session: Session<T>) {
    this.session = session;
    this.#manager = manager;
    this.#res = res;
    const target = res as unknown as Record<Hooked, Method>;
    this.#original = { writeHead: target.writeHead, write: target.write, end: target.end, flushHeaders: target.flushHeaders };
    // The hooks stay in place after the commit and then just forward: taking them off again would undo
    // the wrappers of a middleware installed later (compression) and costs more than it saves.
    const call = this.#call;
    target.writeHead = call.bind(this, 'writeHead');
    target.write = call.bind(this, 'write');
    target.end = call.bind(this, 'end');
    target.flushHeaders = call.bind(this, 'flushHeaders');
  }

  /** Whether the handler has begun its response. */
  started(): boolean {
    return this.#phase !== 'open';
  }

  /** Whether the handler has called `end`. */
  ended(): boolean {
    return this.#ended;
  }

  #call(m: Hooked, ...args: unknown[]): unknown {
    const res = this.#res;
    if (this.#phase === 'done') return this.#original[m].apply(res, args);
    if (m === 'end') this.#ended = true;
    if (this.#phase === 'failed') return m === 'write' ? false : m === 'flushHeaders' ? undefined : res;
    if (this.#phase === 'open') {
      const status = m === 'writeHead' ? Number(args[0]) : res.statusCode;
      // Most requests need no I/O to commit (untouched, read-only, emptied): their response leaves at once.
      const committed = this.#manager.commit(this.session, status, nodeRequestFacts(this.#manager, res));
      this.#queue.push([m, args]);
      if (!(committed instanceof Promise)) return this.#replay(committed);
      this.#phase = 'queueing';
      committed.then(this.#replay.bind(this), this.#fail.bind(this));
      return m === 'write' ? true : m === 'flushHeaders' ? undefined : res;
    }
    this.#queue.push([m, args]);
    // Chunks are held in memory for the few milliseconds of the commit; no backpressure is signalled.
    return m === 'write' ? true : m === 'flushHeaders' ? undefined : res;
  }

  /** Adds the commit's headers and sends the held calls; resolves what the last of them returned. */
  #replay(result: CommitResult): unknown {
    const res = this.#res;
    this.#phase = 'done';
    let returned: unknown;
    try {
      if (result.setCookie.length > 0 || result.vary) {
        // Headers handed to writeHead join the others first, so the session's merge with them.
        for (const call of this.#queue) if (call[0] === 'writeHead') call[1] = absorbHeaders(res, call[1]);
        if (result.setCookie.length > 0) res.setHeader('Set-Cookie', [...headerValues(res, 'set-cookie'), ...result.setCookie]);
        if (result.vary) res.setHeader('Vary', mergeVary(headerValues(res, 'vary').join(', ')));
        if (result.cachePrivate && !res.hasHeader('cache-control')) res.setHeader('Cache-Control', 'private');
      }
      for (const [m, args] of this.#queue) returned = this.#original[m].apply(res, args);
    } catch (error) {
      this.#manager.options.logger.error(`sessionkit: the response could not be sent: ${describeError(error)}`, error);
      res.destroy();
    }
    this.#queue.length = 0;
    return returned;
  }

  #fail(error: unknown): void {
    this.#phase = 'failed'; // the handler's response is dropped, and so is anything it still writes
    this.#queue.length = 0;
    logRequestError(this.#manager.options, error);
    sendError(this.#res, errorResponse(error), this.#original.writeHead, this.#original.end);
  }
}

/**
 * Moves the headers of `writeHead(status, [reason], [headers])` onto `res` now, as Node itself does when
 * headers were already set, so that the session's `Set-Cookie` and `Vary` merge with them before replay.
 */
function absorbHeaders(res: ServerResponse, args: unknown[]): unknown[] {
  const [status, second, third] = args;
  const reason = typeof second === 'string' ? second : undefined;
  const headers = reason === undefined ? second : third;
  if (Array.isArray(headers)) {
    const pairs: Array<[string, string]> = Array.isArray(headers[0])
      ? (headers as Array<[string, string]>)
      : Array.from({ length: headers.length / 2 }, (_, i) => [headers[2 * i], headers[2 * i + 1]] as [string, string]);
    for (const [name] of pairs) res.removeHeader(name);
    for (const [name, value] of pairs) res.appendHeader(name, value);
  } else if (headers && typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value as string | number | string[]);
  }
  return reason === undefined ? [status] : [status, reason];
}

/** Whether the request came over HTTPS, asked only when the cookie's `Secure` depends on it. */
export function nodeRequestFacts<T extends SessionData>(manager: SessionManager<T>, res: ServerResponse): CommitRequest | undefined {
  if (manager.options.cookieSecure !== 'auto') return undefined;
  const req = res.req;
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  return manager.requestFacts(encrypted, (name) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  });
}

function headerValues(res: ServerResponse, name: string): string[] {
  const value = res.getHeader(name);
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [String(value)];
}

function sendError(res: ServerResponse, answer: ErrorResponse, writeHead: Method, end: Method): void {
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  writeHead.call(res, answer.status, { ...answer.headers, 'Content-Length': Buffer.byteLength(answer.body) });
  end.call(res, answer.body);
}
