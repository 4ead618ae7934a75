/**
 * The mutable state of one request's session, shared by `Session` (the dict API) and the engine that
 * loads and saves it.
 */
import type { HeldLock } from './store-contract.js';

/**
 * Session data: a JSON object. The data type of a session nobody typed: every value is `unknown`, to be
 * checked before use. Type a session with `createSessions<{ visit: number }>()`, a `schema`, or an adapter's
 * data interface (see the README's "Typing your session").
 */
export type SessionData = Record<string, unknown>;

/** The state behind a `Session`. */
export interface SessionState {
  /** The current key (validated), or `null` when the session has none yet. */
  key: string | null;
  /** The loaded data; `null` until first access (lazy loading). */
  cache: SessionData | null;
  /** The store's version of the record as loaded; `undefined` when unknown (new or just written). */
  version: unknown;
  /**
   * Keys this request set or deleted since loading: the changes merged into a concurrent update. `null`
   * until the first change, so that requests which only read allocate no set.
   */
  touched: Set<string> | null;
  /** The whole data replaces what is stored (after `clear()` or `markModified()`). */
  replaceAll: boolean;
  /** Django's `accessed`: drives `Vary: Cookie`. */
  accessed: boolean;
  /** Django's `modified`: drives the save. */
  modified: boolean;
  /** The per-session lock, when locking is on and the session was loaded. */
  lock: HeldLock | null;
  /**
   * `key` was made by `cycleKey()` and has no record yet: the next save creates it. `false` for a key
   * read from the cookie or already written.
   */
  keyIsNew: boolean;
  /**
   * Stored sessions to delete at the next save or commit, in order: the old key after `cycleKey()` or
   * `flush()`, the key given to `destroy()`. `null` when there are none.
   */
  retired: string[] | null;
}

/** A fresh state for a request that carried `key` (already validated). */
export function newState(key: string | null): SessionState {
  return {
    key,
    cache: null,
    version: undefined,
    touched: null,
    replaceAll: false,
    accessed: false,
    modified: false,
    lock: null,
    keyIsNew: false,
    retired: null,
  };
}

/** Forgets what was tracked since the last load or write, keeping the data. */
export function markWritten(state: SessionState): void {
  state.version = undefined;
  state.touched = null;
  state.replaceAll = false;
}

/** Records that the stored session `key` is to be deleted at the next save or commit. */
export function retire(state: SessionState, key: string): void {
  if (state.retired === null) state.retired = [key];
  else state.retired.push(key);
}

/** Records that this request set or deleted `key`, which marks the session modified. */
export function markChanged(state: SessionState, key: string): void {
  state.modified = true;
  if (state.touched === null) state.touched = new Set([key]);
  else state.touched.add(key);
}

/**
 * `data[key] = value` as an own property, whatever the key: a plain assignment to `__proto__` (which
 * JSON from a client can carry) would change the object's prototype and silently drop the entry.
 */
export function setEntry(data: SessionData, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(data, key, { value, writable: true, enumerable: true, configurable: true });
  else data[key] = value;
}
