/**
 * `SessionManager`: the framework-free core. In: a request's `Cookie` header. Out: `Set-Cookie` values
 * and whether to add `Vary: Cookie`. Adapters only move these strings.
 */
import { serializeCookie, serializeDeletion, type CookieAttributes } from './cookies/serialize.js';
import type { SessionEngine } from './core/engine.js';
import { EXPIRY_KEY, expiresAtBrowserClose, expiryAge, type StoredExpiry } from './core/expiry.js';
import { SignedCookieEngine } from './core/signed-cookie-engine.js';
import type { SessionData } from './core/state.js';
import { StoreEngine } from './core/store-engine.js';
import { resolveOptions, type ResolvedOptions, type SessionOptions } from './options.js';
import { decideResponse, type ResponseDecision } from './policy.js';
import { Session } from './session.js';

/** What a response must carry, as decided by {@link SessionManager.commit}. */
export interface CommitResult {
  /** `Set-Cookie` values to append (zero or one). */
  readonly setCookie: readonly string[];
  /** Whether to merge `Cookie` into the `Vary` header. */
  readonly vary: boolean;
}

/** What browsers keep of one cookie (RFC 6265 §6.1 asks for at least this much; most keep no more). */
const MAX_COOKIE_BYTES = 4096;

const UNCHANGED: CommitResult = Object.freeze({ setCookie: Object.freeze([]) as readonly string[], vary: false });
const VARY_ONLY: CommitResult = Object.freeze({ setCookie: Object.freeze([]) as readonly string[], vary: true });

/** Loads sessions for requests and decides what their responses carry. One per configuration. */
export class SessionManager<T extends SessionData = SessionData> {
  /** The options with defaults applied. */
  readonly options: ResolvedOptions;
  readonly #engine: SessionEngine;
  readonly #deletion: CommitResult;
  #warnedOversize = false;

  constructor(options: SessionOptions) {
    this.options = resolveOptions(options);
    const store = this.options.store;
    this.#engine = 'kind' in store ? new SignedCookieEngine(store, this.options) : new StoreEngine(store, this.options);
    const { cookieName, cookieDomain, cookiePath, cookieSameSite } = this.options;
    this.#deletion = Object.freeze({ setCookie: Object.freeze([serializeDeletion(cookieName, cookieDomain, cookiePath, cookieSameSite)]), vary: true });
  }

  /** The session of a request, from its `Cookie` header. Does no I/O and no signature check. */
  load(cookieHeader: string | null | undefined): Session<T> {
    return new Session<T>(this.#engine, this.options, cookieHeader);
  }

  /**
   * The commit result when it needs no I/O — the request never touched its session, only read it, or
   * emptied it (cookie deletion) — so an adapter can send the response at once. `null` when the session
   * must be saved or its lock released: then await {@link SessionManager.commit}.
   */
  commitSync(session: Session<T>, status = 200): CommitResult | null {
    return session.holdsLock ? null : this.#resultWithoutSave(session, status);
  }

  /**
   * Applies Django's response rules to a finished request: deletes the cookie of an emptied session, saves
   * a modified one and sets its cookie, skips saving on a 5xx, and says when to vary on Cookie. Always
   * releases the session's lock. Rejects with `SessionInterrupted` (a 400) when the session was deleted by
   * a concurrent request, and with `SessionStoreUnavailable` (a 503) when the store fails.
   */
  async commit(session: Session<T>, status = 200): Promise<CommitResult> {
    try {
      return this.#resultWithoutSave(session, status) ?? (await this.#save(session));
    } finally {
      // A lock that fails to release expires by its TTL; the response must not fail for it.
      if (session.holdsLock) {
        await session.release().catch((error: unknown) => this.options.logger.error('sessionkit: could not release the session lock', error));
      }
    }
  }

  // Django's decision, when it saves nothing; `null` when the session must be saved.
  #resultWithoutSave(session: Session<T>, status: number): CommitResult | null {
    if (!session.cookieSent && !session.accessed && !session.modified) return UNCHANGED;
    const decision = this.#decide(session, status);
    if (decision.save) return null;
    if (decision.deleteCookie) return this.#deletion;
    return decision.vary ? VARY_ONLY : UNCHANGED;
  }

  // Django's `get_expire_at_browser_close` and `get_expiry_age`, read from the data before it is saved.
  async #save(session: Session<T>): Promise<CommitResult> {
    const o = this.options;
    const expiry = (await session.load())[EXPIRY_KEY] as StoredExpiry;
    let maxAge: number | null = null;
    let expiresAt: number | null = null;
    if (!expiresAtBrowserClose(expiry, o.expireAtBrowserClose)) {
      const now = o.now();
      maxAge = expiryAge(expiry, now, o.cookieAge);
      expiresAt = now + maxAge * 1000;
    }
    await session.save();
    return { setCookie: [this.#cookie(session.sessionKey!, maxAge, expiresAt)], vary: true };
  }

  #decide(session: Session<T>, status: number): ResponseDecision {
    return decideResponse({
      cookieSent: session.cookieSent,
      accessed: session.accessed,
      modified: session.modified,
      empty: session.isEmpty(),
      saveEveryRequest: this.options.saveEveryRequest,
      status,
    });
  }

  /** Django's `clearsessions`: removes expired sessions from the store; resolves how many. */
  clearExpired(): Promise<number> {
    return this.#engine.clearExpired();
  }

  /** Closes the store's connections. */
  close(): Promise<void> {
    return this.#engine.close();
  }

  #cookie(value: string, maxAge: number | null, expiresAt: number | null): string {
    const o = this.options;
    const attributes: CookieAttributes = {
      domain: o.cookieDomain,
      path: o.cookiePath,
      secure: o.cookieSecure,
      httpOnly: o.cookieHttpOnly,
      sameSite: o.cookieSameSite,
      maxAge,
      expiresAt,
    };
    const cookie = serializeCookie(o.cookieName, value, attributes);
    if (cookie.length > MAX_COOKIE_BYTES && !this.#warnedOversize) {
      // Browsers silently drop such a cookie, and the visitor then has no session at all.
      this.#warnedOversize = true;
      o.logger.warn(`sessionkit: a session cookie of ${cookie.length} bytes was sent; browsers drop cookies over ${MAX_COOKIE_BYTES} bytes. Keep signed-cookie sessions small, or use a server-side store.`);
    }
    return cookie;
  }
}

/**
 * Creates the session manager for one configuration. Pass it to an adapter (`sessionkit/node`,
 * `sessionkit/express`, …).
 *
 * @example
 * const sessions = createSessions<{ visit: number }>({
 *   secret: process.env.SECRET_KEY!,
 *   store: sqliteStore({ path: 'db.sqlite3' }),
 * });
 */
export function createSessions<T extends SessionData = SessionData>(options: SessionOptions): SessionManager<T> {
  return new SessionManager<T>(options);
}
