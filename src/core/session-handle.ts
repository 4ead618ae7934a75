/**
 * The machinery behind one request's `Session`: its state, lazy loading, and the plumbing that the
 * manager, the adapters and the express-session facade need (locks, the commit's save, preloading,
 * synchronous access, Django's store-level operations). Apps see the `Session`; this stays inside the
 * package (reach it with {@link sessionInternals}).
 */
import { readCookie } from '../cookies/parse.js';
import { SessionValueError } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import type { Session } from '../session.js';
import type { SessionEngine } from './engine.js';
import { EXPIRY_KEY, storedExpiryProblem } from './expiry.js';
import { describeValueProblem, valueProblem } from './session-values.js';
import { markChanged, newState, type SessionData, type SessionState, setEntry } from './state.js';

/** One request's session state and what the package does with it besides the dict API. */
export class SessionHandle {
  /** The engine that loads and saves this session. */
  readonly engine: SessionEngine;
  /** The configuration's resolved options. */
  readonly options: ResolvedOptions;
  readonly #cookieHeader: string | null | undefined;
  #cookieValue: string | undefined;
  #state: SessionState | null = null;
  #loading: Promise<SessionData> | null = null;

  constructor(engine: SessionEngine, options: ResolvedOptions, cookieHeader: string | null | undefined) {
    this.engine = engine;
    this.options = options;
    this.#cookieHeader = cookieHeader;
  }

  /** The state; the cookie header is parsed on first need, so an untouched session costs nothing. */
  get state(): SessionState {
    if (this.#state === null) {
      this.#cookieValue = readCookie(this.#cookieHeader, this.options.cookieName);
      const key = this.#cookieValue === undefined ? null : this.engine.keyFromCookie(this.#cookieValue);
      this.#state = newState(key);
    }
    return this.#state;
  }

  /** Whether the request carried the session cookie (valid or not). */
  get cookieSent(): boolean {
    void this.state;
    return this.#cookieValue !== undefined;
  }

  /** Django's `accessed`, without creating the state. */
  get accessed(): boolean {
    return this.#state?.accessed ?? false;
  }

  /** Django's `modified`, without creating the state. */
  get modified(): boolean {
    return this.#state?.modified ?? false;
  }

  /** Django's `_get_session`: marks the session accessed; the data, or `null` while it is not loaded yet. */
  loadedData(): SessionData | null {
    const state = this.state;
    state.accessed = true;
    if (state.cache !== null) return state.cache;
    if (state.key === null) {
      state.cache = {};
      return state.cache;
    }
    return null;
  }

  /** Django's `_get_session`, loading the data once. */
  data(): Promise<SessionData> {
    const loaded = this.loadedData();
    if (loaded !== null) return Promise.resolve(loaded);
    const state = this.state;
    this.#loading ??= this.engine.load(state).then(
      (data) => (state.cache ??= data),
      (error: unknown) => {
        this.#loading = null;
        throw error;
      },
    );
    return this.#loading;
  }

  /**
   * Runs `use` on the data: at once when it is loaded (most calls), after loading otherwise. Saves the
   * async frames a method per call would cost on the hot path.
   */
  use<R>(use: (data: SessionData) => R): Promise<R> {
    const loaded = this.loadedData();
    if (loaded === null) return this.data().then(use);
    try {
      return Promise.resolve(use(loaded));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Throws SessionValueError unless `value` can be stored under `key` and read back as it is. Primitives
   * are checked without walking anything: `set('visit', 3)` stays cheap.
   */
  assertStorable(key: unknown, value: unknown): void {
    if (typeof key !== 'string')
      throw new SessionValueError(`Session keys must be strings, not ${typeof key === 'object' ? 'null or an object' : `a ${typeof key}`}.`);
    if (key === EXPIRY_KEY) {
      const problem = storedExpiryProblem(value, this.options.now());
      if (problem !== null) throw new SessionValueError(`The session expiry ${problem}.`);
      return;
    }
    const found = valueProblem(value);
    if (found !== null) throw new SessionValueError(describeValueProblem(key, found));
  }

  // The plumbing: for the manager, the adapters and the express-session facade.

  /** Whether this request holds its session's lock (locking on, session loaded). */
  get holdsLock(): boolean {
    return this.#state?.lock != null;
  }

  /** Whether stored sessions wait to be deleted at commit (`flush`, `cycleKey`, `destroy`). */
  get hasRetired(): boolean {
    return this.#state?.retired != null;
  }

  /** Releases the per-session lock, if one is held. Called after the response. */
  async release(): Promise<void> {
    const state = this.#state;
    if (state?.lock) {
      const lock = state.lock;
      state.lock = null;
      await lock.release();
    }
  }

  /**
   * The save of `SessionManager.commit`: writes with the commit's one clock reading `now` and resolves the
   * data as stored (after a merge with a concurrent update, it differs from this request's).
   */
  commitSave(now: number): Promise<SessionData> {
    const state = this.state;
    const save = (): Promise<SessionData> => this.engine.save(state, false, now).then(() => state.cache ?? {});
    return this.loadedData() !== null ? save() : this.data().then(save);
  }

  /** Deletes now the stored sessions that wait for the commit. */
  deleteRetired(): Promise<void> {
    return this.#state === null ? Promise.resolve() : this.engine.deleteRetired(this.#state);
  }

  /**
   * Loads the data now without marking the session accessed, so a preloaded session that the request
   * never uses still leaves its response alone (no `Vary: Cookie`).
   */
  prefetch(): Promise<void> {
    const state = this.state;
    if (state.cache !== null || state.key === null) return Promise.resolve();
    const accessed = state.accessed;
    return this.data().then(() => {
      state.accessed = accessed;
    });
  }

  /** Synchronous access for express-session's property API: the data once loaded (marking it accessed), or `null` before. */
  loadedDataSync(): SessionData | null {
    return this.loadedData();
  }

  /**
   * `session[key] = value` (or, with `undefined`, `delete session[key]`) on loaded data, at once: throws
   * `SessionValueError` synchronously for a value the session cannot hold.
   */
  assignSync(key: string, value: unknown): void {
    const data = this.loadedData();
    if (data === null) throw new Error('createSessions: the session is not loaded yet');
    if (value === undefined) {
      if (!Object.hasOwn(data, key)) return;
      delete data[key];
    } else {
      this.assertStorable(key, value);
      setEntry(data, key, value);
    }
    markChanged(this.state, key);
  }

  /** express-session's `reload()`: forgets the data in memory and reads the stored session again. */
  reloadData(): Promise<SessionData> {
    const state = this.state;
    state.cache = null;
    state.touched = null;
    state.replaceAll = false;
    this.#loading = null;
    return this.data();
  }

  /** Django's `exists(session_key)`: whether a stored session has that key, expired or not. */
  exists(sessionKey: string): Promise<boolean> {
    return this.engine.exists(sessionKey);
  }

  /** Django's `create()`: saves the current data under a new key right away. */
  create(): Promise<void> {
    const state = this.state;
    state.cache ??= {};
    return this.engine.create(state);
  }

  /**
   * Django's `delete(session_key=None)`: deletes the stored session `sessionKey`, or this one, when the
   * response is committed (or at an explicit `save()`); no I/O now. The data in memory is kept.
   */
  destroy(sessionKey?: string): void {
    this.engine.delete(this.state, sessionKey);
  }
}

let handleOf: ((session: object) => SessionHandle) | undefined;

/** @internal Called once, by `Session`, which alone can read its handle. */
export function exposeSessionHandles(read: (session: object) => SessionHandle): void {
  handleOf = read;
}

/**
 * The handle behind `session`, for the manager, the adapters and the express-session facade. Not part of
 * the package's public API.
 */
export function sessionInternals<T extends object>(session: Session<T>): SessionHandle {
  return handleOf!(session);
}
