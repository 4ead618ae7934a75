/**
 * The engine for Django's `signed_cookies` backend: the cookie value is the session —
 * `signing.dumps(data, salt, compress=True)` — verified with `max_age = cookieAge` (Django ticket #19201:
 * not the per-session expiry).
 */
import type { ResolvedOptions } from '../options.js';
import { createCodec, type SessionCodec } from './codec.js';
import { createDataCheck, type DataCheck } from './data-schema.js';
import type { SessionEngine } from './engine.js';
import type { SessionData, SessionState } from './state.js';

/** Django's minimum key length, which also applies to signed cookie values. */
const MIN_KEY_LENGTH = 8;

/** The engine that keeps the whole session in a signed cookie. */
export class SignedCookieEngine implements SessionEngine {
  readonly name = 'signed_cookies';
  readonly #codec: SessionCodec;
  readonly #check: DataCheck | null;

  constructor(salt: string, options: ResolvedOptions) {
    this.#codec = createCodec(options, salt, { engine: this.name, maxAge: options.cookieAge });
    this.#check = createDataCheck(options, this.name);
  }

  keyFromCookie(cookieValue: string): string | null {
    return cookieValue.length >= MIN_KEY_LENGTH ? cookieValue : null;
  }

  async load(state: SessionState): Promise<SessionData> {
    if (state.key === null) return {};
    const decoded = this.#codec.decode(state.key);
    const data = decoded === null || this.#check === null ? decoded : await this.#check(decoded);
    if (data !== null) return data;
    // Django keeps the bad value as the key and marks the session modified, so the client gets a fresh
    // cookie for an empty session (data the schema refuses is treated the same).
    state.modified = true;
    return {};
  }

  async exists(): Promise<boolean> {
    return false;
  }

  async create(state: SessionState): Promise<void> {
    state.modified = true;
  }

  async save(state: SessionState): Promise<void> {
    state.key = this.#codec.encode(state.cache ?? {});
    state.modified = true;
  }

  delete(state: SessionState): void {
    state.key = null;
    state.cache = {};
    state.modified = true;
  }

  cycleKey(state: SessionState): void {
    state.key = this.#codec.encode(state.cache ?? {});
    state.modified = true;
  }

  // Nothing is stored on the server, so nothing is ever retired.
  async deleteRetired(): Promise<void> {}

  async clearExpired(): Promise<number> {
    return 0;
  }

  async close(): Promise<void> {}
}
