/**
 * node:http adapter: the one place that hooks a `ServerResponse`. It gives each request a lazy session and
 * commits it just before the response leaves: the first `writeHead`, `write`, `end` or `flushHeaders` is
 * held back while `manager.commit` runs, then `Set-Cookie` and `Vary` are added and the held calls
 * replayed in order (at once when the commit needs no I/O). All decisions are the manager's; this file
 * only moves strings.
 */
import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Auth } from '../auth/create-auth.js';
import type { RequestUser } from '../auth/request-user.js';
import type { SessionUser } from '../auth/user.js';
import { describeError, type ErrorResponse, errorResponse, logRequestError } from '../core/error-response.js';
import { sessionInternals } from '../core/session-handle.js';
import type { CommitRequest, CommitResult, SessionManager } from '../manager.js';
import { mergeVary } from '../policy.js';
import type { Session, SessionData } from '../session.js';

/** A node:http request carrying its session. */
export type SessionRequest<T extends object = SessionData> = IncomingMessage & { session: Session<T> };

/** A node:http request carrying its session and its lazy user (`withSessions(..., { auth })`). */
export type UserRequest<T extends object = SessionData, U extends SessionUser = SessionUser> = SessionRequest<T> & { user: RequestUser<U> };

/** Options of {@link withSessions}. */
export interface WithSessionsOptions<U extends SessionUser> {
  /**
   * The `createAuth()` result: each request also gets `req.user()`, its logged-in user or `null`, loaded
   * on the first call (no query before) and once per request.
   * @default undefined (no `req.user`)
   */
  readonly auth?: Auth<U> | undefined;
}

type Hooked = 'writeHead' | 'write' | 'end' | 'flushHeaders';
type Method = (...args: unknown[]) => unknown;
const HOOKED: readonly Hooked[] = ['writeHead', 'write', 'end', 'flushHeaders'];

/**
 * Gives `req` its session (`req.session`, loaded lazily from the `Cookie` header) and makes `res` commit
 * it before its headers go out. Used by {@link withSessions} and the Express adapter.
 */
export function attachSession<T extends object>(manager: SessionManager<T>, req: IncomingMessage, res: ServerResponse): Session<T> {
  return hookResponse(manager, req, res).session;
}

/**
 * Wraps a node:http handler so that `req.session` exists and is committed with the response. A
 * `SessionError` thrown before the response started is answered with its status (400, 503); any other
 * error with a 500. With `{ auth }`, `req.user()` is the request's logged-in user (see {@link WithSessionsOptions}).
 *
 * @example
 * http.createServer(withSessions(sessions, async (req, res) => {
 *   const visit = ((await req.session.get('visit')) ?? 0) + 1;
 *   await req.session.set('visit', visit);
 *   res.end(`Visit count:${visit}`);
 * }));
 * http.createServer(withSessions(sessions, async (req, res) => {
 *   const user = await req.user(); // null when anonymous
 *   res.end(user ? `Hello ${user.username}` : 'Hello stranger');
 * }, { auth }));
 */
export function withSessions<T extends object, U extends SessionUser>(
  manager: SessionManager<T>,
  handler: (req: UserRequest<T, U>, res: ServerResponse) => unknown,
  options: WithSessionsOptions<U> & { readonly auth: Auth<U> },
): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
/** {@link withSessions} without `auth`: `req.session` only. */
export function withSessions<T extends object>(
  manager: SessionManager<T>,
  handler: (req: SessionRequest<T>, res: ServerResponse) => unknown,
  options?: WithSessionsOptions<SessionUser>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
export function withSessions<T extends object>(
  manager: SessionManager<T>,
  handler: (req: UserRequest<T>, res: ServerResponse) => unknown,
  options: WithSessionsOptions<SessionUser> = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const auth = options.auth;
  return async (req, res) => {
    const hook = hookResponse(manager, req, res);
    if (auth) (req as UserRequest<T>).user = auth.requestUser(hook.session);
    try {
      await handler(req as UserRequest<T>, res);
    } catch (error) {
      logRequestError(manager.options, error);
      // Answered through the hooked methods, so the session is still committed (a 5xx saves nothing).
      const methods = res as unknown as Record<Hooked, Method>;
      if (!hook.started()) return sendError(res, errorResponse(error), methods.writeHead, methods.end);
      // The response is already on its way: its commit releases the session; a half-written body is cut off.
      await sessionInternals(hook.session).release();
      if (!hook.ended() && !res.writableEnded) res.destroy();
    }
  };
}

function hookResponse<T extends object>(manager: SessionManager<T>, req: IncomingMessage, res: ServerResponse): ResponseHook<T> {
  const session = manager.load(req.headers.cookie);
  const shared = sharedHookPrototype(res);
  const hook = new ResponseHook(manager, res, session, shared ?? currentMethods(res));
  if (shared) hooksByResponse.set(res, hook);
  else installOwnHooks(res, hook);
  (req as SessionRequest<T>).session = session;
  return hook;
}

/*
 * Two ways to hook a response. On a plain node:http response, the four methods become own properties
 * bound to its hook: V8 gives every response the same shapes, so that costs next to nothing. Express
 * replaces the prototype of every response (and adds properties to it) before any middleware runs, and
 * V8 then builds a new hidden class for each property added to that response: four own methods cost
 * ~15 µs per request there, as much as the rest of the session layer. Such responses are hooked once and
 * for all on the prototype their framework put under them (the object right above
 * ServerResponse.prototype: Express's response prototype, which every Express app and mounted app
 * inherits from, so a sub-app swapping prototypes keeps it), and find their hook in a WeakMap; responses
 * without a hook pass straight through to the methods below.
 */
const hooksByResponse = new WeakMap<object, HookCalls>();
const PATCHED = Symbol('sessionkit.responseHooks');

/** The prototype whose methods reach this response's hook, or undefined to hook the response itself. */
function sharedHookPrototype(res: ServerResponse): Record<Hooked, Method> | undefined {
  const base = ServerResponse.prototype;
  let target = Object.getPrototypeOf(res) as object | null;
  if (target === base || target === null) return undefined;
  for (let above = Object.getPrototypeOf(target) as object | null; above !== base; above = Object.getPrototypeOf(above) as object | null) {
    if (above === null) return undefined;
    target = above;
  }
  // A second session middleware on the same response, or a method replaced on the response itself or on a
  // prototype in between (a wrapper installed before this middleware): hook the response itself.
  if (hooksByResponse.has(res) || !patchPrototype(target)) return undefined;
  const methods = res as unknown as Record<Hooked, Method>;
  const patched = target as Record<Hooked, Method>;
  if (HOOKED.some((m) => methods[m] !== patched[m])) return undefined;
  // The methods below the patched prototype, looked up at each call so later changes there still apply.
  return Object.getPrototypeOf(target) as Record<Hooked, Method>;
}

/** Puts the shared hooks on `target` once; false if one of its own methods is not a plain function to wrap. */
function patchPrototype(target: object): boolean {
  if (Object.hasOwn(target, PATCHED)) return true;
  if (HOOKED.some((m) => Object.hasOwn(target, m))) return false;
  for (const m of HOOKED) {
    const below = Object.getPrototypeOf(target) as Record<Hooked, Method>;
    const hooked = function (this: ServerResponse, ...args: unknown[]): unknown {
      const hook = hooksByResponse.get(this);
      return hook === undefined ? below[m].apply(this, args) : hook.handle(m, args);
    };
    // Enumerable, as the methods node:http assigns to its prototypes are.
    Object.defineProperty(target, m, { value: hooked, writable: true, configurable: true, enumerable: true });
  }
  Object.defineProperty(target, PATCHED, { value: true });
  return true;
}

function installOwnHooks(res: ServerResponse, hook: HookCalls): void {
  // The hooks stay in place after the commit and then just forward: taking them off again would undo
  // the wrappers of a middleware installed later (compression) and costs more than it saves.
  const target = res as unknown as Record<Hooked, Method>;
  const intercept = hook.intercept;
  target.writeHead = intercept.bind(hook, 'writeHead');
  target.write = intercept.bind(hook, 'write');
  target.end = intercept.bind(hook, 'end');
  target.flushHeaders = intercept.bind(hook, 'flushHeaders');
}

/** The methods a response has now, which its own hooks forward to once they replace them. */
function currentMethods(res: ServerResponse): Record<Hooked, Method> {
  const target = res as unknown as Record<Hooked, Method>;
  return { writeHead: target.writeHead, write: target.write, end: target.end, flushHeaders: target.flushHeaders };
}

/** How the hooked methods reach a response's hook. */
interface HookCalls {
  /** a call with its arguments as they came (the bound own hooks) */
  intercept(m: Hooked, ...args: unknown[]): unknown;
  /** a call with its arguments in an array (the shared prototype hooks) */
  handle(m: Hooked, args: unknown[]): unknown;
}

/**
 * The commit of one response: holds its first writes while the manager commits, then adds the headers and
 * sends them. A class rather than closures: this runs for every request, and the untouched fast path
 * should allocate as little as possible.
 */
class ResponseHook<T extends object> implements HookCalls {
  readonly session: Session<T>;
  readonly #manager: SessionManager<T>;
  readonly #res: ServerResponse;
  /** where the hooked methods forward to: the response's own former methods, or the prototype below the hooks */
  readonly #original: Record<Hooked, Method>;
  #queue: Array<[Hooked, unknown[]]> | undefined;
  #phase: 'open' | 'queueing' | 'done' | 'failed' = 'open';
  #ended = false;

  constructor(manager: SessionManager<T>, res: ServerResponse, session: Session<T>, original: Record<Hooked, Method>) {
    this.session = session;
    this.#manager = manager;
    this.#res = res;
    this.#original = original;
  }

  /** Whether the handler has begun its response. */
  started(): boolean {
    return this.#phase !== 'open';
  }

  /** Whether the handler has called `end`. */
  ended(): boolean {
    return this.#ended;
  }

  /** A call of one of the hooked methods, with its arguments as they came (the bound own hooks). */
  intercept(m: Hooked, ...args: unknown[]): unknown {
    return this.handle(m, args);
  }

  /** A call of one of the hooked methods, with its arguments in an array (the shared prototype hooks). */
  handle(m: Hooked, args: unknown[]): unknown {
    const res = this.#res;
    if (this.#phase === 'done') return this.#original[m].apply(res, args);
    if (m === 'end') this.#ended = true;
    if (this.#phase === 'failed') return m === 'write' ? false : m === 'flushHeaders' ? undefined : res;
    if (this.#phase === 'open') {
      const status = m === 'writeHead' ? Number(args[0]) : res.statusCode;
      // Most requests need no I/O to commit (untouched, read-only, emptied): their response leaves at once.
      const committed = this.#manager.commit(this.session, status, nodeRequestFacts(this.#manager, res));
      if (!(committed instanceof Promise)) return this.#send(committed, m, args);
      this.#phase = 'queueing';
      this.#queue = [[m, args]];
      committed.then(this.#replay.bind(this), this.#fail.bind(this));
      return m === 'write' ? true : m === 'flushHeaders' ? undefined : res;
    }
    this.#queue?.push([m, args]);
    // Chunks are held in memory for the few milliseconds of the commit; no backpressure is signalled.
    return m === 'write' ? true : m === 'flushHeaders' ? undefined : res;
  }

  /** The commit was synchronous: adds its headers and makes the one call at once. */
  #send(result: CommitResult, m: Hooked, args: unknown[]): unknown {
    this.#phase = 'done';
    try {
      if (result.setCookie.length > 0 || result.vary) {
        if (m === 'writeHead') args = absorbHeaders(this.#res, args);
        this.#addHeaders(result);
      }
      return this.#original[m].apply(this.#res, args);
    } catch (error) {
      return this.#broken(error);
    }
  }

  /** The commit is done: adds its headers and sends the held calls; returns what the last of them returned. */
  #replay(result: CommitResult): unknown {
    const res = this.#res;
    const queue = this.#queue ?? [];
    this.#phase = 'done';
    this.#queue = undefined;
    let returned: unknown;
    try {
      if (result.setCookie.length > 0 || result.vary) {
        for (const call of queue) if (call[0] === 'writeHead') call[1] = absorbHeaders(res, call[1]);
        this.#addHeaders(result);
      }
      for (const [m, args] of queue) returned = this.#original[m].apply(res, args);
    } catch (error) {
      return this.#broken(error);
    }
    return returned;
  }

  /** `Set-Cookie`, `Vary` and `Cache-Control`, merged with the response's own. */
  #addHeaders(result: CommitResult): void {
    const res = this.#res;
    // A new array: Node keeps it, and later appendHeader calls grow it.
    if (result.setCookie.length > 0) res.setHeader('Set-Cookie', [...headerList(res.getHeader('set-cookie')), ...result.setCookie]);
    if (result.vary) res.setHeader('Vary', mergeVary(headerList(res.getHeader('vary')).join(', ')));
    if (result.cachePrivate && !res.hasHeader('cache-control')) res.setHeader('Cache-Control', 'private');
  }

  #broken(error: unknown): undefined {
    this.#manager.options.logger.error(`sessionkit: the response could not be sent: ${describeError(error)}`, error);
    this.#res.destroy();
    return undefined;
  }

  #fail(error: unknown): void {
    this.#phase = 'failed'; // the handler's response is dropped, and so is anything it still writes
    this.#queue = undefined;
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
export function nodeRequestFacts<T extends object>(manager: SessionManager<T>, res: ServerResponse): CommitRequest | undefined {
  if (manager.options.cookieSecure !== 'auto') return undefined;
  const req = res.req;
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  return manager.requestFacts(encrypted, (name) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  });
}

function headerList(value: number | string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [String(value)];
}

function sendError(res: ServerResponse, answer: ErrorResponse, writeHead: Method, end: Method): void {
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  writeHead.call(res, answer.status, { ...answer.headers, 'Content-Length': Buffer.byteLength(answer.body) });
  end.call(res, answer.body);
}
