/**
 * Koa adapter (Koa 2.14 and later): a middleware that gives each request `ctx.session` and commits it
 * after the middleware below it has returned, when Koa has not sent the response yet, so the session's
 * headers join the response whatever its body (a string, JSON, a stream, a redirect).
 */
import type { ExtendableContext, Middleware, Next } from 'koa';
import type { Auth } from '../auth/create-auth.js';
import type { RequestUser } from '../auth/request-user.js';
import type { SessionUser } from '../auth/user.js';
import { errorResponse, logRequestError } from '../core/error-response.js';
import { SessionError } from '../errors.js';
import type { CommitResult, SessionManager } from '../manager.js';
import type { ResolvedOptions } from '../options.js';
import { mergeVary } from '../policy.js';
import type { DeclaredSessionData, Session } from '../session.js';
import { attachedUser } from './attached-user.js';

/**
 * The data type of `ctx.session` in Koa apps: declare your keys in it once, and a misspelt key or a value
 * of the wrong type no longer compiles. Left empty, `ctx.session` is untyped (any key, `unknown` values).
 * Declaration merging can't follow each manager's type parameter, hence one interface per app. In a
 * `.d.ts` file, the file needs a top-level `import` or `export` (e.g. `export {};`), or the declaration
 * replaces the module instead of adding to it.
 *
 * @example
 * declare module 'sessionkit/koa' {
 *   interface KoaSessionData { visit: number; username: string }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: applications declare their keys into it by declaration merging
export interface KoaSessionData {}

/** `ctx.session`: typed by {@link KoaSessionData} when it declares keys, untyped otherwise. */
type KoaSession = Session<DeclaredSessionData<KoaSessionData>>;

// On ExtendableContext, which every Koa context type includes (whatever its state and context parameters).
declare module 'koa' {
  interface ExtendableContext {
    /** This request's session, loaded lazily (added by sessionkit's `session()` middleware). */
    session: KoaSession;
  }
}

/** Options of the Koa {@link session} middleware. */
export interface KoaSessionOptions {
  /**
   * The `createAuth()` result: each request also gets its lazy user, `ctx.user`, read typed with
   * {@link userOf}: no query until it is called, then one per request. (`ctx.user` is not declared on
   * Koa's context, where other packages may declare a `user` of their own.)
   * @default undefined (no user)
   */
  readonly auth?: Auth<SessionUser> | undefined;
}

/**
 * The lazy user of a request that went through {@link session} with `{ auth }`: its logged-in user, or
 * `null`, loaded on the first call and once per request.
 *
 * @typeParam U - The user type of the `createAuth()` given to the middleware.
 * @throws SessionConfigError when the middleware was mounted without `auth`.
 * @example
 * app.use(async (ctx) => { ctx.body = await userOf<MyUser>(ctx)(); });
 */
export function userOf<U extends SessionUser = SessionUser>(ctx: ExtendableContext): RequestUser<U> {
  return attachedUser<U>(ctx, 'userOf(ctx) needs the session middleware mounted with `{ auth }`: app.use(session(sessions, { auth: createAuth({ ... }) })).');
}

/**
 * The session middleware. Mount it before the middleware that uses `ctx.session`. With `{ auth }`,
 * {@link userOf} gives each request's lazy user.
 *
 * Errors: a middleware below that throws saves nothing. Its error goes on up to Koa untouched, except a
 * `SessionError` (a store outage, a lock time-out, a concurrent logout), which this middleware answers
 * itself, as it does when the commit fails: with the error's status (400, 413, 503), `Retry-After` on a
 * 503 and a short plain-text body without the store's details. It is logged through the manager's
 * `logger` and not emitted as Koa's `'error'` event, so `app.on('error')` listeners see only the app's
 * own errors and Koa prints no stack per request while a store is down.
 *
 * @example
 * const sessions = createSessions({ secret: process.env.SECRET_KEY!, store: sqliteStore({ path: 'db.sqlite3' }) });
 * const app = new Koa();
 * app.use(session(sessions));
 * app.use(async (ctx) => {
 *   const visit = ((await ctx.session.get('visit')) ?? 0) + 1;
 *   await ctx.session.set('visit', visit);
 *   ctx.body = `Visit count:${visit}`;
 * });
 */
export function session<T extends object>(manager: SessionManager<T>, options: KoaSessionOptions = {}): Middleware {
  const auth = options.auth;
  return async (ctx: ExtendableContext, next: Next): Promise<void> => {
    const current = manager.load(ctx.get('cookie'));
    // The manager's data type and the declared `KoaSessionData` are two names for the app's one session type.
    ctx.session = current as unknown as KoaSession;
    if (auth) (ctx as { user?: unknown }).user = auth.requestUser(current);
    try {
      await next();
    } catch (error) {
      await manager.commit(current, 500); // saves nothing; releases the lock at once
      if (!(error instanceof SessionError)) throw error;
      return answerSessionError(manager.options, ctx, error);
    }
    let result: CommitResult;
    try {
      const facts =
        manager.options.cookieSecure === 'auto'
          ? manager.requestFacts((ctx.req.socket as { encrypted?: boolean }).encrypted === true, (name) => ctx.get(name))
          : undefined;
      result = await manager.commit(current, ctx.status, facts);
    } catch (error) {
      return answerSessionError(manager.options, ctx, error);
    }
    for (const value of result.setCookie) ctx.append('Set-Cookie', value);
    // Koa 3 reads a missing header as undefined, Koa 2 as ''; a list of values joins with commas.
    if (result.vary) ctx.set('Vary', mergeVary(String(ctx.response.get('Vary') ?? '')));
    if (result.cachePrivate && !ctx.response.get('Cache-Control')) ctx.set('Cache-Control', 'private');
  };
}

/** Replaces the response with the core's answer to `error`: none of the failed response's headers stay. */
function answerSessionError(options: ResolvedOptions, ctx: ExtendableContext, error: unknown): void {
  logRequestError(options, error);
  const answer = errorResponse(error);
  for (const name of ctx.res.getHeaderNames()) ctx.remove(name);
  ctx.status = answer.status;
  ctx.set(answer.headers);
  ctx.body = answer.body; // a streamed body it replaces is destroyed by Koa
}
