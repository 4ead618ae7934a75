/**
 * `SessionManager`: the framework-free core. In: a request's `Cookie` header. Out: `Set-Cookie` values
 * and whether to add `Vary: Cookie`. Adapters only move these strings.
 */
import { isSecureRequest } from './cookies/browser-attributes.js';
import { type CookieAttributes, serializeCookie, serializeDeletion } from './cookies/serialize.js';
import type { SessionSchema } from './core/data-schema.js';
import { engineFor, type SessionEngine } from './core/engine.js';
import { describeError, logOneLine } from './core/error-response.js';
import { EXPIRY_KEY, expiresAtBrowserClose, expiryAge, type StoredExpiry } from './core/expiry.js';
import { type SessionHandle, sessionInternals } from './core/session-handle.js';
import type { SessionData } from './core/state.js';
import { type ResolvedOptions, resolveOptions, type SessionOptions } from './options.js';
import { decideResponse } from './policy.js';
import { Session } from './session.js';

/** What a response must carry, as decided by {@link SessionManager.commit}. */
export interface CommitResult {
  /** `Set-Cookie` values to append (zero or one). */
  readonly setCookie: readonly string[];
  /** Whether to merge `Cookie` into the `Vary` header. */
  readonly vary: boolean;
  /**
   * Whether to send `Cache-Control: private` when the response has no `Cache-Control` of its own: it sets
   * or deletes the session cookie, which no shared cache may hand to another visitor.
   */
  readonly cachePrivate: boolean;
}

/** What {@link SessionManager.commit} knows of the request, from {@link SessionManager.requestFacts}. */
export interface CommitRequest {
  /** The request arrived over HTTPS: with `cookieSecure: 'auto'`, the cookie gets `Secure`. */
  readonly secure?: boolean;
}

/** What browsers keep of one cookie (RFC 6265 §6.1 asks for at least this much; most keep no more). */
const MAX_COOKIE_BYTES = 4096;

const NO_COOKIES = Object.freeze([]) as readonly string[];
const UNCHANGED: CommitResult = Object.freeze({ setCookie: NO_COOKIES, vary: false, cachePrivate: false });
const VARY_ONLY: CommitResult = Object.freeze({ setCookie: NO_COOKIES, vary: true, cachePrivate: false });

/** Loads sessions for requests and decides what their responses carry. One per configuration. */
export class SessionManager<T extends object = SessionData> {
  /** The options with defaults applied. */
  readonly options: ResolvedOptions;
  readonly #engine: SessionEngine;
  readonly #deletion: CommitResult;
  #warnedOversize = false;

  constructor(options: SessionOptions) {
    this.options = resolveOptions(options);
    this.#engine = engineFor(this.options.store, this.options);
    const { cookieName, cookieDomain, cookiePath, cookieSameSite, cookiePartitioned } = this.options;
    const deletion = serializeDeletion(cookieName, cookieDomain, cookiePath, cookieSameSite, cookiePartitioned);
    this.#deletion = Object.freeze({ setCookie: Object.freeze([deletion]), vary: true, cachePrivate: true });
  }

  /** The session of a request, from its `Cookie` header. Does no I/O and no signature check. */
  load(cookieHeader: string | null | undefined): Session<T> {
    return new Session<T>(this.#engine, this.options, cookieHeader);
  }

  /**
   * Applies Django's response rules to a finished request, deciding once: deletes the cookie of an emptied
   * session, saves a modified one and sets its cookie, skips saving on a 5xx, and says when to vary on
   * Cookie. Always releases the session's lock.
   *
   * Answers synchronously when no I/O is needed — the request never touched its session, only read it,
   * or emptied one that had no stored record — so an adapter can send its response at once; otherwise
   * resolves once the session is saved and what `flush()`, `cycleKey()` or `destroy()` retired is deleted. A failed save rejects with a `SessionError` (`SessionInterrupted` 400, `SessionDataTooLarge`
   * 413, `SessionStoreUnavailable` or `SessionLockTimeout` 503): answer it with `errorResponse(error)`.
   *
   * @example
   * const result = await sessions.commit(session, response.status);
   */
  commit(session: Session<T>, status = 200, request?: CommitRequest): CommitResult | Promise<CommitResult> {
    const internals = sessionInternals(session);
    if (!session.cookieSent && !session.accessed && !session.modified && !internals.holdsLock && !internals.hasRetired) return UNCHANGED;
    const decision = decideResponse({
      cookieSent: session.cookieSent,
      accessed: session.accessed,
      modified: session.modified,
      empty: session.isEmpty(),
      saveEveryRequest: this.options.saveEveryRequest,
      status,
    });
    if (decision.save) return this.#writeAndRelease(internals, () => this.#save(session, internals, request?.secure === true));
    const result = decision.deleteCookie ? this.#deletion : decision.vary ? VARY_ONLY : UNCHANGED;
    // What flush(), cycleKey() or destroy() retired is deleted even when nothing is saved (a logout, a 5xx).
    if (internals.hasRetired) return this.#writeAndRelease(internals, () => internals.deleteRetired().then(() => result));
    return internals.holdsLock ? this.#release(internals).then(() => result) : result;
  }

  async #writeAndRelease(internals: SessionHandle, write: () => Promise<CommitResult>): Promise<CommitResult> {
    try {
      return await write();
    } finally {
      if (internals.holdsLock) await this.#release(internals);
    }
  }

  // A lock that fails to release expires by its TTL; the response must not fail for it.
  #release(internals: SessionHandle): Promise<void> {
    return internals
      .release()
      .catch((error: unknown) => logOneLine(this.options, `sessionkit: could not release the session lock: ${describeError(error)}`, error));
  }

  // One clock reading for the stored expiry and the cookie's, computed from the data as stored, so the two
  // agree even when a concurrent update merged in another expiry.
  async #save(session: Session<T>, internals: SessionHandle, secureRequest: boolean): Promise<CommitResult> {
    const o = this.options;
    const now = o.now();
    const stored = await internals.commitSave(now);
    const expiry = stored[EXPIRY_KEY] as StoredExpiry;
    let maxAge: number | null = null;
    let expiresAt: number | null = null;
    if (!expiresAtBrowserClose(expiry, o.expireAtBrowserClose)) {
      maxAge = expiryAge(expiry, now, o.cookieAge);
      expiresAt = now + maxAge * 1000;
    }
    return {
      setCookie: [this.#cookie(session.sessionKey!, maxAge, expiresAt, secureRequest)],
      vary: true,
      cachePrivate: true,
    };
  }

  /** Django's `clearsessions`: removes expired sessions from the store; resolves how many. */
  clearExpired(): Promise<number> {
    return this.#engine.clearExpired();
  }

  /** Closes the store's connections. */
  close(): Promise<void> {
    return this.#engine.close();
  }

  /**
   * What {@link SessionManager.commit} needs to know of a request: nothing, unless `cookieSecure` is
   * `'auto'`; then whether it arrived over HTTPS (see `secureProxySslHeader`). For adapters.
   *
   * @param encrypted - the request's own connection is TLS.
   * @param header - reads a request header by its lower-case name.
   */
  requestFacts(encrypted: boolean, header: (name: string) => string | null | undefined): CommitRequest | undefined {
    const o = this.options;
    return o.cookieSecure === 'auto' ? { secure: isSecureRequest(o.secureProxySslHeader, encrypted, header) } : undefined;
  }

  #cookie(value: string, maxAge: number | null, expiresAt: number | null, secureRequest: boolean): string {
    const o = this.options;
    const attributes: CookieAttributes = {
      domain: o.cookieDomain,
      path: o.cookiePath,
      secure: o.cookieSecure === 'auto' ? secureRequest : o.cookieSecure,
      httpOnly: o.cookieHttpOnly,
      sameSite: o.cookieSameSite,
      maxAge,
      expiresAt,
      partitioned: o.cookiePartitioned && (o.cookieSecure !== 'auto' || secureRequest),
      priority: o.cookiePriority,
    };
    const cookie = serializeCookie(o.cookieName, value, attributes);
    if (cookie.length > MAX_COOKIE_BYTES && !this.#warnedOversize) {
      // Browsers silently drop such a cookie, and the visitor then has no session at all.
      this.#warnedOversize = true;
      o.logger.warn(
        `sessionkit: a session cookie of ${cookie.length} bytes was sent; browsers drop cookies over ${MAX_COOKIE_BYTES} bytes. Keep signed-cookie sessions small, or use a server-side store.`,
      );
    }
    return cookie;
  }
}

/**
 * Creates the session manager for one configuration. Pass it to an adapter (`sessionkit/node`,
 * `sessionkit/express`, …). `T` types the session's data: the `schema` option's output, or given; without
 * either, the session is untyped (any key, `unknown` values).
 *
 * @example
 * const sessions = createSessions<{ visit: number }>({
 *   secret: process.env.SECRET_KEY!,
 *   store: sqliteStore({ path: 'db.sqlite3' }),
 * });
 * const checked = createSessions({ secret, store, schema: z.object({ visit: z.number().optional() }) });
 */
export function createSessions<T extends object>(options: SessionOptions & { readonly schema: SessionSchema<T> }): SessionManager<T>;
export function createSessions<T extends object = SessionData>(
  options: SessionOptions & { readonly schema?: SessionSchema<NoInfer<T>> | null | undefined },
): SessionManager<T>;
export function createSessions<T extends object>(options: SessionOptions): SessionManager<T> {
  return new SessionManager<T>(options);
}
