/**
 * The engine for server-side stores (Django's db, cache, cached_db and file backends): a random key in
 * the cookie, the encoded data in a {@link SessionStore}.
 *
 * Saving merges concurrent changes instead of losing them: an update is a compare-and-set against the
 * version loaded; when another request wrote in between, the stored data is read again, this request's
 * own changes (the keys it set or deleted) are applied on top, and the write is retried.
 */
import { CreateError, SessionError, SessionInterrupted, SessionStoreUnavailable, SessionUpdateConflict } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import { createCodec, type SessionCodec } from './codec.js';
import { createDataCheck, type DataCheck } from './data-schema.js';
import type { SessionEngine } from './engine.js';
import { EXPIRY_KEY, expiryDate, type StoredExpiry } from './expiry.js';
import { generateSessionKey, isValidSessionKey } from './session-key.js';
import { markWritten, retire, type SessionData, type SessionState, setEntry } from './state.js';
import type { LockOptions, SessionStore, StoredSession } from './store-contract.js';
import { StoreHealth } from './store-health.js';

// Key collisions are astronomically unlikely; a store that keeps refusing new keys is broken.
const MAX_CREATE_ATTEMPTS = 100;

/** The engine for a server-side store. */
export class StoreEngine implements SessionEngine {
  readonly name: string;
  readonly #store: SessionStore;
  readonly #options: ResolvedOptions;
  readonly #codec: SessionCodec;
  readonly #check: DataCheck | null;
  readonly #health: StoreHealth;

  constructor(store: SessionStore, options: ResolvedOptions) {
    this.name = store.name;
    this.#store = store;
    this.#options = options;
    // Once, before any other call: the store follows this configuration's clock, cookie and logger.
    store.attach?.({
      now: options.now,
      cookieName: options.cookieName,
      cookieAge: options.cookieAge,
      logger: options.logger,
    });
    this.#health = new StoreHealth(store.name, options);
    this.#codec = createCodec(options, options.dataSalt, { engine: store.name, format: store.dataFormat ?? 'signed' });
    this.#check = createDataCheck(options, store.name);
  }

  keyFromCookie(cookieValue: string): string | null {
    return isValidSessionKey(cookieValue) ? cookieValue : null;
  }

  load(state: SessionState): Promise<SessionData> {
    const key = state.key;
    if (key === null) return Promise.resolve({});
    const locking = this.#options.locking;
    if (locking !== null && state.lock === null) return this.#lockAndLoad(state, key, locking);
    return this.#call(() => this.#store.load(key)).then((record) => this.#adopt(state, record));
  }

  async #lockAndLoad(state: SessionState, key: string, locking: LockOptions): Promise<SessionData> {
    state.lock = await this.#call(() => this.#store.lock!(key, locking));
    return this.#adopt(state, await this.#call(() => this.#store.load(key)));
  }

  #adopt(state: SessionState, record: StoredSession | null): SessionData | Promise<SessionData> {
    if (record === null) {
      // Unknown or expired: never adopt the client's key; a new one is made on save.
      state.key = null;
      state.version = undefined;
      return {};
    }
    state.version = record.version;
    // Corrupt data keeps its key so the next save overwrites the record, as Django does.
    return this.#decode(record.data);
  }

  // The stored data as the session sees it: `{}` when it does not decode or the schema refuses it.
  #decode(stored: string): SessionData | Promise<SessionData> {
    const data = this.#codec.decode(stored);
    if (data === null) return {};
    return this.#check === null ? data : this.#check(data).then((checked) => checked ?? {});
  }

  exists(key: string): Promise<boolean> {
    return this.#call(() => this.#store.exists(key));
  }

  async create(state: SessionState, now = this.#options.now()): Promise<void> {
    const data = state.cache ?? {};
    const encoded = this.#codec.encode(data);
    const expires = this.#expireDate(data, now);
    for (let attempt = 0; attempt < MAX_CREATE_ATTEMPTS; attempt++) {
      const key = generateSessionKey();
      if (await this.#call(() => this.#store.create(key, encoded, expires))) {
        state.key = key;
        state.keyIsNew = false;
        state.modified = true;
        markWritten(state);
        return;
      }
    }
    throw new SessionStoreUnavailable(this.name, new Error(`no new session key could be created in ${MAX_CREATE_ATTEMPTS} attempts`));
  }

  async save(state: SessionState, mustCreate: boolean, now = this.#options.now()): Promise<void> {
    if (state.retired !== null) await this.deleteRetired(state);
    const key = state.key;
    if (key === null) return this.create(state, now);
    const data = state.cache ?? {};
    if (mustCreate || state.keyIsNew) {
      const encoded = this.#codec.encode(data);
      const created = await this.#call(() => this.#store.create(key, encoded, this.#expireDate(data, now)));
      // A key cycleKey() made and someone took meanwhile (astronomically unlikely): another new key.
      if (!created && !mustCreate) return this.create(state, now);
      // Django's CreateError: the caller asked for a new record and this key is taken.
      if (!created) throw new CreateError(`save({ mustCreate: true }): a session with this key already exists in the "${this.name}" store.`);
      state.keyIsNew = false;
      markWritten(state);
      return;
    }
    const merge = this.#options.mergeConcurrentUpdates && !state.replaceAll && state.version !== undefined;
    let expected = merge ? state.version : undefined;
    let current = data;
    for (let attempt = 1; ; attempt++) {
      // Encoded outside the store guard: unserialisable data is the application's error, not the store's.
      const encoded = this.#codec.encode(current);
      const outcome = await this.#call(() => this.#store.update(key, encoded, this.#expireDate(current, now), expected));
      if (outcome === 'updated') break;
      if (outcome === 'missing') throw new SessionInterrupted();
      if (attempt >= this.#options.maxMergeAttempts) throw new SessionUpdateConflict(attempt);
      const fresh = await this.#call(() => this.#store.load(key));
      if (fresh === null) throw new SessionInterrupted();
      current = applyChanges(await this.#decode(fresh.data), data, state.touched);
      expected = fresh.version;
      // Back off a little under heavy contention so the writers spread out instead of colliding again.
      if (attempt > 3) await sleep(Math.random() * Math.min(attempt, 20));
    }
    state.cache = current;
    markWritten(state);
  }

  delete(state: SessionState, key?: string): void {
    const target = key ?? state.key;
    if (target === null || !isValidSessionKey(target)) return;
    // A key cycleKey() made has no record to delete; a save must now find it missing, as after a deletion.
    if (target === state.key && state.keyIsNew) state.keyIsNew = false;
    else retire(state, target);
  }

  cycleKey(state: SessionState): void {
    if (state.key !== null && !state.keyIsNew) retire(state, state.key);
    state.key = generateSessionKey();
    state.keyIsNew = true;
    state.modified = true;
    markWritten(state);
  }

  async deleteRetired(state: SessionState): Promise<void> {
    const retired = state.retired;
    if (retired === null) return;
    // One at a time, each forgotten once deleted: after a failure, a retry deletes only what is left.
    while (retired.length > 0) {
      const key = retired[0]!;
      await this.#call(() => this.#store.delete(key));
      retired.shift();
    }
    state.retired = null;
  }

  clearExpired(): Promise<number> {
    return this.#call(() => this.#store.clearExpired());
  }

  async close(): Promise<void> {
    await this.#store.close?.();
  }

  #expireDate(data: SessionData, now: number): Date {
    return expiryDate(data[EXPIRY_KEY] as StoredExpiry, now, this.#options.cookieAge);
  }

  // Not an async function: this wraps every store call, and an extra async frame per call shows up. The
  // success path is only observed while the store is down, to log when it is back.
  #call<R>(operation: () => Promise<R>): Promise<R> {
    try {
      const pending = operation();
      return this.#health.down ? pending.then(this.#recovered, this.#rethrowAsStoreFailure) : pending.then(undefined, this.#rethrowAsStoreFailure);
    } catch (error) {
      return Promise.reject(this.#storeFailure(error));
    }
  }

  readonly #recovered = <R>(result: R): R => {
    this.#health.succeeded();
    return result;
  };

  readonly #rethrowAsStoreFailure = (error: unknown): never => {
    throw this.#storeFailure(error);
  };

  #storeFailure(error: unknown): SessionError {
    if (error instanceof SessionError) return error;
    this.#health.failed(error);
    return new SessionStoreUnavailable(this.name, error);
  }
}

/** This request's changes (`touched` keys, valued as in `mine`) applied on top of `stored`. */
function applyChanges(stored: SessionData, mine: SessionData, touched: ReadonlySet<string> | null): SessionData {
  const merged: SessionData = { ...stored };
  for (const key of touched ?? []) {
    if (Object.hasOwn(mine, key)) setEntry(merged, key, mine[key]);
    else delete merged[key];
  }
  return merged;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
