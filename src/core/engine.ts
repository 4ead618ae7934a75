/**
 * The engine behind a `Session`: Django's `SessionBase` subclass hooks. Two exist: the store engine
 * (data on the server, a random key in the cookie) and the signed-cookie engine (data in the cookie).
 */
import type { SessionData, SessionState } from './state.js';

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
  /** Django's `create`: a new key saved at once with the current data, expiring from `now` (ms). */
  create(state: SessionState, now?: number): Promise<void>;
  /**
   * Django's `save(must_create)`, expiring from `now` (ms; the clock when left out). Throws
   * `SessionInterrupted` when the record was deleted meanwhile and `CreateError` when `mustCreate` finds the
   * key taken. After a merge with a concurrent update, `state.cache` holds the data as stored.
   */
  save(state: SessionState, mustCreate: boolean, now?: number): Promise<void>;
  /** Django's `delete(session_key=None)`. */
  delete(state: SessionState, key?: string): Promise<void>;
  /** Django's `cycle_key`: same data, new key, old record gone. */
  cycleKey(state: SessionState): Promise<void>;
  /** Django's `clear_expired`: how many expired sessions were removed. */
  clearExpired(): Promise<number>;
  /** Releases whatever the engine holds (connections). */
  close(): Promise<void>;
}
