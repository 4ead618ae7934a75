/**
 * The engine behind a `Session`: Django's `SessionBase` subclass hooks. Two exist: the store engine
 * (data on the server, a random key in the cookie) and the signed-cookie engine (data in the cookie).
 */
import type { ResolvedOptions } from '../options.js';
import type { SessionData, SessionState } from './state.js';
import type { SessionStore } from './store-contract.js';
import { StoreEngine } from './store-engine.js';

/** Loads, saves and deletes a session's state. */
export interface SessionEngine {
  /** The engine's name for messages, e.g. `"sqlite"` or `"signed_cookies"`. */
  readonly name: string;
  /** The session key a cookie value names, or `null` when it cannot name one. No I/O. */
  keyFromCookie(cookieValue: string): string | null;
  /** Loads the data for `state.key` (Django's `load`); may reset `state.key` when the session is gone. */
  load(state: SessionState): Promise<SessionData>;
  /** Django's `exists`. */
  exists(key: string): Promise<boolean>;
  /**
   * Django's `create`: a new key saved at once with the current data, expiring from `now` (ms). Leaves the
   * retired sessions for the next save.
   */
  create(state: SessionState, now?: number): Promise<void>;
  /**
   * Django's `save(must_create)`, expiring from `now` (ms; the clock when left out): first deletes the
   * retired sessions, then writes (creating the record of a key `cycleKey` made). Throws
   * `SessionInterrupted` when the record was deleted meanwhile and `CreateError` when `mustCreate` finds the
   * key taken. After a merge with a concurrent update, `state.cache` holds the data as stored.
   */
  save(state: SessionState, mustCreate: boolean, now?: number): Promise<void>;
  /**
   * Django's `delete(session_key=None)`, recorded: the stored session `key` (this one by default) is
   * deleted at the next save or commit ({@link SessionEngine.deleteRetired}). No I/O.
   */
  delete(state: SessionState, key?: string): void;
  /** Django's `cycle_key`, recorded: the data goes under a new key at commit, the old record is deleted. No I/O. */
  cycleKey(state: SessionState): void;
  /** Deletes the retired sessions now (the commit of a session that is not saved). */
  deleteRetired(state: SessionState): Promise<void>;
  /** Django's `clear_expired`: how many expired sessions were removed. */
  clearExpired(): Promise<number>;
  /** Releases whatever the engine holds (connections). */
  close(): Promise<void>;
}

/**
 * A `store` option that is an engine by itself, with nothing stored on the server: `signedCookies()`.
 * It makes its engine for each configuration it is given to.
 */
export interface StandaloneEngine {
  /** The engine's name for messages, e.g. `"signed_cookies"`. */
  readonly name: string;
  /** The engine for one configuration (`createSessions`). */
  createEngine(options: ResolvedOptions): SessionEngine;
}

/** What the `store` option of `createSessions` takes: a server-side store or a standalone engine. */
export type StoreOption = SessionStore | StandaloneEngine;

/** The server-side store `store` is, or `null` for a standalone engine (which has none). */
export function serverStore(store: StoreOption): SessionStore | null {
  return isStandalone(store) ? null : store;
}

/** The engine a `store` option makes: a standalone engine's own, or the store engine around a store. */
export function engineFor(store: StoreOption, options: ResolvedOptions): SessionEngine {
  return isStandalone(store) ? store.createEngine(options) : new StoreEngine(store, options);
}

function isStandalone(store: StoreOption): store is StandaloneEngine {
  return typeof (store as Partial<StandaloneEngine>).createEngine === 'function';
}
