/**
 * `Session<T>`: Django's `SessionBase` API for one request. Nothing is read from the store until the data
 * is first touched (lazy loading), so every data method is async.
 */

import type { SessionEngine } from './core/engine.js';
import { EXPIRY_KEY, expiresAtBrowserClose, expiryAge, expiryDate, expiryProblem, pythonIsoFormat, type StoredExpiry } from './core/expiry.js';
import { exposeSessionHandles, SessionHandle } from './core/session-handle.js';
import { markChanged, type SessionData, setEntry } from './core/state.js';
import { SessionValueError } from './errors.js';
import type { ResolvedOptions } from './options.js';

export type { SessionData } from './core/state.js';

/** The session key Django's test-cookie helpers use. */
export const TEST_COOKIE_KEY = 'testcookie';
const TEST_COOKIE_VALUE = 'worked';

/** Options of {@link Session.getExpiryAge} and {@link Session.getExpiryDate}. */
export interface ExpiryQuery {
  /** When the session is considered last modified. @default now */
  readonly modification?: Date;
  /** Use this expiry instead of the session's own (avoids loading the session). */
  readonly expiry?: StoredExpiry | Date;
}

/**
 * The keys Django and sessionkit keep in a session next to the application's own. Every typed session
 * types them, so a declared data type need not list them: the per-session expiry (`setExpiry`), the test
 * cookie (`setTestCookie`), the login (`sessionkit/auth`, Django's `django.contrib.auth`) and flash
 * messages (`sessionkit/messages`).
 */
export interface ReservedSessionData {
  /** Set by `setExpiry`: seconds of inactivity (`0`: when the browser closes) or an ISO-8601 instant. */
  _session_expiry: number | string;
  /** Set by `setTestCookie`: `'worked'`. */
  testcookie: string;
  /** The login: the user's primary key, as a string. */
  _auth_user_id: string;
  /** The login: the dotted path of the authentication backend. */
  _auth_user_backend: string;
  /** The login: the session auth hash, which ends the session when the password changes. */
  _auth_user_hash: string;
  /** Flash messages, in the format of Django's `SessionStorage` (a JSON string). */
  _messages: string;
}

/**
 * `D` when it declares at least one key, otherwise the untyped {@link SessionData}: how an adapter reads a
 * data interface that applications fill by declaration merging (`ExpressSessionData`, …). With keys
 * declared, only those keys (and the {@link ReservedSessionData} ones) compile.
 */
export type DeclaredSessionData<D extends object> = [keyof D] extends [never] ? SessionData : { [K in keyof D]: D[K] };

/**
 * The data of a session typed `T`: its own keys and the reserved ones. An untyped session (any string a
 * key) stays untyped, reserved keys included: its values are all `unknown`.
 */
type Data<T> = string extends keyof T ? T : Required<T> & ReservedSessionData;
type Key<T> = keyof Data<T> & string;

/**
 * One request's session, with Django's dict-like API. `T` is the data type: an object type (a type
 * literal or an interface) whose keys are the session's keys; by default {@link SessionData}, where any
 * string is a key and every value `unknown`.
 */
export class Session<T extends object = SessionData> {
  /**
   * The data type, for the type checker only (never set at run time). Being the first member, and a
   * mapped type that removes `?`, it makes TypeScript compare two `Session` types member by member instead
   * of by the variance it infers for `T` (invariant, from `keyof T` in the methods): a typed session is
   * then accepted where an untyped `Session` is expected, without a cast, while a session whose types
   * conflict is still refused. test/types/session-types.ts holds both sides.
   */
  declare readonly '~data'?: { readonly [K in keyof T]-?: T[K] };
  readonly #h: SessionHandle;

  static {
    exposeSessionHandles((session) => (session as Session).#h);
  }

  /** @internal Created by `SessionManager.load`. */
  constructor(engine: SessionEngine, options: ResolvedOptions, cookieHeader: string | null | undefined) {
    this.#h = new SessionHandle(engine, options, cookieHeader);
  }

  /** Whether the request carried the session cookie (valid or not). */
  get cookieSent(): boolean {
    return this.#h.cookieSent;
  }

  /** The session key (for signed cookies: the cookie value); `null` when there is none. Does not load. */
  get sessionKey(): string | null {
    return this.#h.state.key;
  }

  /** Whether the data was read or written during this request (drives `Vary: Cookie`). */
  get accessed(): boolean {
    return this.#h.accessed;
  }

  /** Whether the data was changed during this request (drives the save). */
  get modified(): boolean {
    return this.#h.modified;
  }

  /**
   * Django's `request.session.modified = True`: save the whole data even though no method saw a change
   * (e.g. after mutating a nested object in place). The whole data then replaces what is stored.
   */
  markModified(): void {
    const state = this.#h.state;
    state.modified = true;
    state.replaceAll = true;
  }

  /** The engine's name, e.g. `"sqlite"` or `"signed_cookies"`. */
  get engine(): string {
    return this.#h.engine.name;
  }

  /** The value under `key`, or `fallback` (default `undefined`) when absent. */
  get<K extends Key<T>>(key: K): Promise<Data<T>[K] | undefined>;
  get<K extends Key<T>, D>(key: K, fallback: D): Promise<Data<T>[K] | D>;
  get(key: string, fallback?: unknown): Promise<unknown> {
    return this.#h.use((data) => (Object.hasOwn(data, key) ? data[key] : fallback));
  }

  /**
   * Stores `value` under `key` (`session[key] = value`). Rejects with `SessionValueError` (400), changing
   * nothing, when JSON cannot store the value as it is (see the README's value rules).
   */
  set<K extends Key<T>>(key: K, value: Data<T>[K]): Promise<void> {
    try {
      this.#h.assertStorable(key, value);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#h.use((data) => {
      setEntry(data, key, value);
      markChanged(this.#h.state, key);
    });
  }

  /** Removes `key` (`del session[key]`); resolves whether it was there. Only a removal marks the session modified. */
  delete(key: Key<T>): Promise<boolean> {
    return this.#h.use((data) => {
      if (!Object.hasOwn(data, key)) return false;
      delete data[key];
      markChanged(this.#h.state, key);
      return true;
    });
  }

  /** Whether `key` is present (`key in session`). */
  has(key: Key<T>): Promise<boolean> {
    return this.#h.use((data) => Object.hasOwn(data, key));
  }

  /** Removes `key` and resolves its value, or `fallback` when absent. */
  pop<K extends Key<T>>(key: K): Promise<Data<T>[K] | undefined>;
  pop<K extends Key<T>, D>(key: K, fallback: D): Promise<Data<T>[K] | D>;
  pop(key: string, fallback?: unknown): Promise<unknown> {
    return this.#h.use((data) => {
      if (!Object.hasOwn(data, key)) return fallback;
      const value: unknown = data[key];
      delete data[key];
      markChanged(this.#h.state, key);
      return value;
    });
  }

  /** The value under `key`; when absent, stores `value` first (checked as by `set`) and resolves it. */
  setDefault<K extends Key<T>>(key: K, value: Data<T>[K]): Promise<Data<T>[K]> {
    return this.#h.use((data) => {
      if (Object.hasOwn(data, key)) return data[key] as Data<T>[K];
      this.#h.assertStorable(key, value);
      setEntry(data, key, value);
      markChanged(this.#h.state, key);
      return value;
    });
  }

  /**
   * Stores every entry of `values`. Marks the session modified even when `values` is empty, as Django does.
   * Rejects with `SessionValueError`, storing none of them, when one cannot be stored (as `set`).
   */
  update(values: Partial<Data<T>>): Promise<void> {
    try {
      if (values === null || typeof values !== 'object' || Array.isArray(values)) throw new SessionValueError('update() takes an object of keys and values.');
      for (const [key, value] of Object.entries(values)) this.#h.assertStorable(key, value);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#h.use((data) => {
      const state = this.#h.state;
      state.modified = true;
      for (const [key, value] of Object.entries(values)) {
        setEntry(data, key, value);
        markChanged(state, key);
      }
    });
  }

  /** The keys, in insertion order. */
  async keys(): Promise<Array<Key<T>>> {
    return Object.keys(await this.#h.data()) as Array<Key<T>>;
  }

  /** The values, in insertion order. */
  async values(): Promise<Array<Data<T>[Key<T>]>> {
    return Object.values(await this.#h.data()) as Array<Data<T>[Key<T>]>;
  }

  /** The `[key, value]` pairs, in insertion order. */
  async items(): Promise<Array<[Key<T>, Data<T>[Key<T>]]>> {
    return Object.entries(await this.#h.data()) as Array<[Key<T>, Data<T>[Key<T>]]>;
  }

  /** Empties the data without touching the store (the next save replaces everything). */
  async clear(): Promise<void> {
    const state = this.#h.state;
    state.cache = {};
    state.accessed = true;
    state.modified = true;
    state.replaceAll = true;
  }

  /** A shallow copy of the data. */
  async toJSON(): Promise<Partial<Data<T>>> {
    return { ...(await this.#h.data()) } as Partial<Data<T>>;
  }

  /**
   * Django's `is_empty()`: no valid key and no data. A session with a key is never empty. Does not load.
   */
  isEmpty(): boolean {
    const state = this.#h.state;
    if (state.key !== null) return false;
    return state.cache === null || Object.keys(state.cache).length === 0;
  }

  /**
   * Django's `set_expiry`: a whole number of seconds of inactivity (`0` = when the browser closes), a
   * `Date` (an absolute instant), or `null` to fall back to the global settings. Rejects with
   * `SessionValueError` (400) for anything else, and for an expiry outside years 1 to 9999 (what Python's
   * datetime, and so Django and the stores, can hold).
   */
  async setExpiry(value: number | Date | null): Promise<void> {
    const problem = expiryProblem(value, this.#h.options.now());
    if (problem !== null) throw new SessionValueError(`The session expiry ${problem}.`);
    if (value === null) {
      await this.delete(EXPIRY_KEY as Key<T>);
      return;
    }
    const stored = value instanceof Date ? pythonIsoFormat(value) : value;
    setEntry(await this.#h.data(), EXPIRY_KEY, stored);
    markChanged(this.#h.state, EXPIRY_KEY);
  }

  async #storedExpiry(query?: ExpiryQuery): Promise<StoredExpiry | Date> {
    if (query && 'expiry' in query) return query.expiry;
    return (await this.#h.data())[EXPIRY_KEY] as StoredExpiry;
  }

  /** Django's `get_expiry_age`: seconds until the session expires if saved now (or at `modification`). */
  async getExpiryAge(query?: ExpiryQuery): Promise<number> {
    const expiry = await this.#storedExpiry(query);
    return expiryAge(expiry, query?.modification?.getTime() ?? this.#h.options.now(), this.getSessionCookieAge());
  }

  /** Django's `get_expiry_date`: when the session expires if saved now (or at `modification`). */
  async getExpiryDate(query?: ExpiryQuery): Promise<Date> {
    const expiry = await this.#storedExpiry(query);
    return expiryDate(expiry, query?.modification?.getTime() ?? this.#h.options.now(), this.getSessionCookieAge());
  }

  /** Django's `get_expire_at_browser_close`: a per-session expiry overrides the global setting. */
  async getExpireAtBrowserClose(): Promise<boolean> {
    return expiresAtBrowserClose(await this.#storedExpiry(), this.#h.options.expireAtBrowserClose);
  }

  /** Django's `get_session_cookie_age`: `cookieAge` (SESSION_COOKIE_AGE). */
  getSessionCookieAge(): number {
    return this.#h.options.cookieAge;
  }

  /**
   * Django's `flush`: empties the data and drops the key (logout). The stored session is deleted when the
   * response is committed (or by an explicit `save()`), so this does no I/O: a store failure surfaces at
   * the commit, which adapters answer with a 503.
   */
  flush(): Promise<void> {
    const state = this.#h.state;
    state.cache = {};
    state.accessed = true;
    state.modified = true;
    state.replaceAll = true;
    this.#h.engine.delete(state);
    state.key = null;
    state.keyIsNew = false;
    return Promise.resolve();
  }

  /**
   * Django's `cycle_key`: keeps the data under a new key and deletes the old record. Call it at login, so
   * a key planted before login is worthless after it (session fixation). `sessionKey` is the new key at
   * once; the record is written and the old one deleted when the response is committed (or by an explicit
   * `save()`). Loads the data first if it is not loaded yet; otherwise does no I/O.
   */
  cycleKey(): Promise<void> {
    const cycle = (): void => this.#h.engine.cycleKey(this.#h.state);
    if (this.#h.loadedData() === null) return this.#h.data().then(cycle);
    try {
      cycle();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Django's `set_test_cookie`: stores `testcookie = 'worked'`. */
  async setTestCookie(): Promise<void> {
    await this.set(TEST_COOKIE_KEY as Key<T>, TEST_COOKIE_VALUE as Data<T>[Key<T>]);
  }

  /** Django's `test_cookie_worked`: whether the browser sent back the session set by `setTestCookie`. */
  async testCookieWorked(): Promise<boolean> {
    return (await this.get(TEST_COOKIE_KEY as Key<T>)) === TEST_COOKIE_VALUE;
  }

  /** Django's `delete_test_cookie`. */
  async deleteTestCookie(): Promise<void> {
    await this.delete(TEST_COOKIE_KEY as Key<T>);
  }

  /**
   * Django's `save(must_create=False)`: writes the data now, unlike every other method, which leaves the
   * writing to the commit of the response (Django's semantics). Deletes first what `flush()` or
   * `cycleKey()` retired. With `mustCreate`, fails if the key exists. Rejects with `SessionInterrupted` when the stored
   * session was deleted meanwhile.
   */
  save(options: { mustCreate?: boolean } = {}): Promise<void> {
    if (options.mustCreate) {
      this.#h.state.cache ??= {};
      return this.#h.engine.save(this.#h.state, true);
    }
    if (this.#h.loadedData() !== null) return this.#h.engine.save(this.#h.state, false);
    return this.#h.data().then(() => this.#h.engine.save(this.#h.state, false));
  }

  /**
   * Django's `load()`: the data, read from the store now when it is not loaded yet (Django's semantics;
   * the other methods load it on first need too). Marks the session accessed.
   */
  load(): Promise<Partial<Data<T>>> {
    return this.#h.data() as Promise<Partial<Data<T>>>;
  }
}
