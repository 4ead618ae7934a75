/**
 * Fastify 5 adapter: a plugin that gives each request `request.session` (`onRequest`) and commits it in
 * `onSend`, the one hook every reply passes through with its headers still open — `reply.send`, a value
 * returned by an async handler, `reply.redirect`, a stream, the automatic HEAD route and the error
 * handler's reply alike. When the handler fails, `onError` commits first with a 500 (saves nothing,
 * releases the lock) and the error goes on to Fastify's error handler. A failed commit goes there too;
 * a `SessionError` carries `statusCode` and `headers` (Retry-After), which Fastify's default handler sends.
 *
 * A reply taken over with `reply.hijack()` skips Fastify's hooks, so its session is never committed.
 */
import type { FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import type { Auth } from '../auth/create-auth.js';
import type { RequestUser } from '../auth/request-user.js';
import type { SessionUser } from '../auth/user.js';
import { logRequestError } from '../core/error-response.js';
import { SessionConfigError } from '../errors.js';
import type { CommitResult, SessionManager } from '../manager.js';
import { mergeVary } from '../policy.js';
import type { DeclaredSessionData, Session } from '../session.js';
import { attachedUser } from './attached-user.js';

/**
 * The data type of `request.session` in Fastify apps: declare your keys in it once, and a misspelt key or
 * a value of the wrong type no longer compiles. Left empty, `request.session` is untyped (any key,
 * `unknown` values). Declaration merging can't follow each manager's type parameter, hence one interface
 * per app. In a `.d.ts` file, the file needs a top-level `import` or `export` (e.g. `export {};`), or the
 * declaration replaces the module instead of adding to it.
 *
 * @example
 * declare module 'sessionkit/fastify' {
 *   interface FastifySessionData { visit: number; username: string }
 * }
 */
// biome-ignore lint/suspicious/noEmptyInterface: applications declare their keys into it by declaration merging
export interface FastifySessionData {}

/** `request.session`: typed by {@link FastifySessionData} when it declares keys, untyped otherwise. */
type FastifySession = Session<DeclaredSessionData<FastifySessionData>>;

declare module 'fastify' {
  interface FastifyRequest {
    /** This request's session, loaded lazily (added by sessionkit's `sessionPlugin`). */
    session: FastifySession;
  }
}

/**
 * The options of {@link sessionPlugin}.
 *
 * @example
 * await app.register(sessionPlugin, { sessions: createSessions({ secret: process.env.SECRET_KEY!, store: memoryStore() }) });
 */
export interface SessionPluginOptions {
  /**
   * The session manager, from `createSessions()`. Any data type is accepted: `request.session` is typed by
   * {@link FastifySessionData}, which declaration merging fixes for the whole app.
   */
  sessions: SessionManager;
  /**
   * The `createAuth()` result: each request also gets its lazy user, `request.user`, read typed with
   * {@link userOf}: no query until it is called, then one per request. (`request.user` is not declared on
   * Fastify's request, where `@fastify/passport` declares a `user` of its own.)
   * @default undefined (no user)
   */
  auth?: Auth<SessionUser> | undefined;
}

/**
 * The lazy user of a request under {@link sessionPlugin} registered with `{ auth }`: its logged-in user, or
 * `null`, loaded on the first call and once per request.
 *
 * @typeParam U - The user type of the `createAuth()` given to the plugin.
 * @throws SessionConfigError when the plugin was registered without `auth`.
 * @example
 * app.get('/whoami', async (request) => (await userOf<MyUser>(request)())?.username ?? 'anonymous');
 */
export function userOf<U extends SessionUser = SessionUser>(request: FastifyRequest): RequestUser<U> {
  return attachedUser<U>(
    request,
    'userOf(request) needs sessionPlugin registered with `{ auth }`: app.register(sessionPlugin, { sessions, auth: createAuth({ ... }) }).',
  );
}

// Set once the request's session is committed, so the error handler's own reply does not commit it again.
const COMMITTED = Symbol('sessionkit.committed');
type TrackedRequest = FastifyRequest & { [COMMITTED]: boolean };

function registerSessions(app: FastifyInstance, options: SessionPluginOptions, done: (error?: Error) => void): void {
  const manager = options?.sessions;
  if (typeof manager?.load !== 'function') {
    done(new SessionConfigError('sessionPlugin needs the session manager: app.register(sessionPlugin, { sessions: createSessions({ ... }) }).'));
    return;
  }
  if (app.hasRequestDecorator('session')) {
    done(
      new SessionConfigError(
        'request.session is already decorated in this context. Register sessionPlugin once (at the root, or in the plugin whose routes use sessions) and without another session plugin such as @fastify/session.',
      ),
    );
    return;
  }
  const auth = options.auth;
  if (auth && app.hasRequestDecorator('user')) {
    done(
      new SessionConfigError(
        'request.user is already decorated in this context (by @fastify/passport?): register sessionPlugin without `auth`, or without the other plugin.',
      ),
    );
    return;
  }
  // Declared up front so every request object has the same shape.
  app.decorateRequest('session');
  app.decorateRequest(COMMITTED, false);
  if (auth) app.decorateRequest('user');

  app.addHook('onRequest', (request, _reply, next) => {
    // The manager's data type and the declared FastifySessionData are two names for the app's one session type.
    request.session = manager.load(request.headers.cookie) as FastifySession;
    if (auth) (request as { user?: unknown }).user = auth.requestUser(request.session);
    next();
  });

  app.addHook('onSend', (request, reply, payload, next) => {
    const tracked = request as TrackedRequest;
    // No session when an earlier onRequest hook answered before ours ran.
    if (tracked[COMMITTED] || !request.session) return next(null, payload);
    tracked[COMMITTED] = true;
    const facts =
      manager.options.cookieSecure === 'auto'
        ? manager.requestFacts((request.raw.socket as { encrypted?: boolean }).encrypted === true, (name) => {
            const value = request.headers[name];
            return Array.isArray(value) ? value.join(', ') : value;
          })
        : undefined;
    const committed = manager.commit(request.session, reply.statusCode, facts);
    if (!(committed instanceof Promise)) {
      applyCommit(reply, committed);
      return next(null, payload);
    }
    committed.then(
      (result) => {
        applyCommit(reply, result);
        next(null, payload);
      },
      (error: Error) => {
        logRequestError(manager.options, error);
        next(error); // to the error handler, whose reply passes here again and is sent as it is
      },
    );
  });

  app.addHook('onError', (request, reply, _error, next) => {
    const tracked = request as TrackedRequest;
    if (tracked[COMMITTED] || !request.session) return next();
    tracked[COMMITTED] = true;
    const committed = manager.commit(request.session, 500);
    if (!(committed instanceof Promise)) {
      applyCommit(reply, committed);
      return next();
    }
    committed.then(
      (result) => {
        applyCommit(reply, result);
        next();
      },
      (error: unknown) => {
        logRequestError(manager.options, error);
        next();
      },
    );
  });

  done();
}

function applyCommit(reply: FastifyReply, result: CommitResult): void {
  for (const cookie of result.setCookie) reply.header('set-cookie', cookie); // Fastify appends Set-Cookie
  if (result.vary) reply.header('vary', mergeVary(headerText(reply.getHeader('vary'))));
  if (result.cachePrivate && !reply.hasHeader('cache-control')) reply.header('cache-control', 'private');
}

function headerText(value: string | number | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value === undefined ? undefined : String(value);
}

/**
 * The session plugin. Like a plugin wrapped in fastify-plugin, it does not open a context of its own: at
 * the root it serves every route, including those of child plugins; registered inside a plugin it serves
 * that plugin's routes and its children's, not its siblings'.
 *
 * @example
 * const sessions = createSessions({ secret: process.env.SECRET_KEY!, store: sqliteStore({ path: 'db.sqlite3' }) });
 * const app = Fastify();
 * await app.register(sessionPlugin, { sessions });
 * app.get('/visit', async (request) => {
 *   const visit = ((await request.session.get('visit')) ?? 0) + 1;
 *   await request.session.set('visit', visit);
 *   return `Visit count:${visit}`;
 * });
 */
export const sessionPlugin: FastifyPluginCallback<SessionPluginOptions> = Object.assign(registerSessions, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'sessionkit',
  [Symbol.for('plugin-meta')]: { name: 'sessionkit', fastify: '5.x' },
});
