/**
 * express-session's API on a sessionkit session, for code written against express-session: Passport and
 * other middleware read and write `req.session.<key>` synchronously and call `regenerate(cb)`, `save(cb)`,
 * `reload(cb)`, `destroy(cb)` and `touch()`. The session must be loaded first (the Express adapter does it
 * before `next()` when `expressSessionApi` is on), so property access needs no I/O.
 *
 * Property access goes to the session's data; a data key with the name of a `Session` member (`get`,
 * `keys`, …) is reachable only through `get`/`set`.
 */
import { EXPIRY_KEY, expiresAtBrowserClose, expiryAge, pythonIsoFormat, type StoredExpiry } from '../core/expiry.js';
import { sessionInternals } from '../core/session-handle.js';
import type { ResolvedOptions } from '../options.js';
import type { Session, SessionData } from '../session.js';

/** A Node-style callback, as express-session's methods take. */
export type SessionCallback = (error?: unknown) => void;

/** express-session's `req.session.cookie`, read from the session's expiry and the cookie settings. */
export interface ExpressSessionCookie {
  /** Milliseconds until the session expires; `null` for a cookie that ends with the browser. Setting it sets the expiry. */
  maxAge: number | null;
  /** When the session expires; `null` at browser close. Setting it sets an absolute expiry. */
  expires: Date | null;
  /** `cookieAge` in milliseconds. */
  readonly originalMaxAge: number | null;
  readonly httpOnly: boolean;
  readonly path: string;
  readonly domain: string | null;
  readonly secure: boolean | 'auto';
  readonly sameSite: string | false;
}

/** The members express-session adds to `req.session`, with express-session's meaning. */
export interface ExpressSessionMethods {
  /** The session key (express-session's `req.session.id`); `null` until the session is saved. */
  readonly id: string | null;
  /** The cookie's expiry and attributes. */
  readonly cookie: ExpressSessionCookie;
  /** A new, empty session under a new key; the old one is deleted (`flush()`). */
  regenerate(callback: SessionCallback): this;
  /** Writes the session now (`save()`). */
  save(callback?: SessionCallback): this;
  /** Reads the stored session again, dropping unsaved changes. */
  reload(callback: SessionCallback): this;
  /** Deletes the session and its cookie (`flush()`). */
  destroy(callback?: SessionCallback): this;
  /** Re-sends the cookie with a fresh expiry at the end of the request. */
  touch(): this;
}

/** `req.session` with express-session's API on top of sessionkit's: the data's keys are properties too. */
export type ExpressSessionCompatible<T extends object> = Session<T> & ExpressSessionMethods & Partial<T>;

/**
 * `session` with express-session's API. `session` must be loaded (`await session.load()`): property reads
 * and writes are synchronous.
 */
export function withExpressSessionApi<T extends object>(session: Session<T>, options: ResolvedOptions): ExpressSessionCompatible<T> {
  const settle = (callback: SessionCallback | undefined, work: Promise<unknown>): void => {
    work.then(
      () => callback?.(),
      (error: unknown) => callback?.(error),
    );
  };
  const internals = sessionInternals(session);
  let proxy: ExpressSessionCompatible<T>;
  const api: Record<string, unknown> = {
    regenerate(callback: SessionCallback) {
      settle(callback, session.flush());
      return proxy;
    },
    save(callbackOrOptions?: SessionCallback | { mustCreate?: boolean }) {
      if (typeof callbackOrOptions !== 'function') return session.save(callbackOrOptions);
      settle(callbackOrOptions, session.save());
      return proxy;
    },
    reload(callback: SessionCallback) {
      settle(callback, internals.reloadData());
      return proxy;
    },
    destroy(callbackOrKey?: SessionCallback | string) {
      if (typeof callbackOrKey !== 'function' && callbackOrKey !== undefined) return Promise.resolve(internals.destroy(callbackOrKey));
      settle(callbackOrKey, session.flush());
      return proxy;
    },
    touch() {
      session.markModified();
      return proxy;
    },
  };
  const cookie = expressSessionCookie(session, options);
  const data = (): SessionData => internals.loadedDataSync() ?? {};

  proxy = new Proxy(session, {
    get(target, property) {
      if (typeof property !== 'string') return Reflect.get(target, property, target);
      if (property === 'id') return target.sessionKey;
      if (property === 'cookie') return cookie;
      if (Object.hasOwn(api, property)) return api[property];
      if (property in target) {
        const member: unknown = Reflect.get(target, property, target);
        // Session keeps its state in private fields, which only the session itself can reach as `this`.
        return typeof member === 'function' ? member.bind(target) : member;
      }
      const values = data();
      return Object.hasOwn(values, property) ? values[property] : undefined;
    },
    set(target, property, value) {
      if (typeof property !== 'string' || property in target || property === 'id' || property === 'cookie') return false;
      internals.assignSync(property, value);
      return true;
    },
    deleteProperty(target, property) {
      if (typeof property !== 'string' || property in target) return false;
      internals.assignSync(property, undefined);
      return true;
    },
    has(target, property) {
      return property in target || (typeof property === 'string' && Object.hasOwn(data(), property));
    },
    ownKeys() {
      return Object.keys(data());
    },
    getOwnPropertyDescriptor(_target, property) {
      const values = data();
      if (typeof property !== 'string' || !Object.hasOwn(values, property)) return undefined;
      return { value: values[property], writable: true, enumerable: true, configurable: true };
    },
  }) as ExpressSessionCompatible<T>;
  return proxy;
}

function expressSessionCookie<T extends object>(session: Session<T>, options: ResolvedOptions): ExpressSessionCookie {
  const internals = sessionInternals(session);
  const expiry = (): StoredExpiry => internals.loadedDataSync()?.[EXPIRY_KEY] as StoredExpiry;
  const maxAgeMs = (): number | null =>
    expiresAtBrowserClose(expiry(), options.expireAtBrowserClose) ? null : expiryAge(expiry(), options.now(), options.cookieAge) * 1000;
  return {
    get maxAge() {
      return maxAgeMs();
    },
    set maxAge(ms: number | null) {
      // express-session's `null` is a cookie that ends with the browser: Django's expiry of 0.
      internals.assignSync(EXPIRY_KEY, ms === null ? 0 : Math.max(1, Math.round(ms / 1000)));
    },
    get expires() {
      const ms = maxAgeMs();
      return ms === null ? null : new Date(options.now() + ms);
    },
    set expires(date: Date | null) {
      internals.assignSync(EXPIRY_KEY, date === null ? 0 : pythonIsoFormat(date));
    },
    originalMaxAge: options.cookieAge * 1000,
    httpOnly: options.cookieHttpOnly,
    path: options.cookiePath,
    domain: options.cookieDomain,
    secure: options.cookieSecure,
    sameSite: options.cookieSameSite,
  };
}
