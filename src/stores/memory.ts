/**
 * An in-process store: Django's `cache` engine on a local-memory cache. For development, tests and
 * single-process apps; sessions vanish on restart and are not shared between processes.
 */
import type { ListedSession, LockingStore, SessionStore, StoreContext, StoredSession, UpdateOutcome } from '../core/store-contract.js';
import { LocalLocks } from './internal/local-locks.js';

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Remove expired sessions after this many creations, so an idle process does not hold on to them.
   * @default 1000
   */
  readonly sweepEvery?: number | undefined;
}

interface Entry {
  data: string;
  expiresAt: number;
  version: number;
}

/** The in-memory store. */
class MemoryStore implements SessionStore {
  readonly name = 'memory';
  /** Unsigned, as Django's cache engine keeps the session dict (see {@link SessionStore.dataFormat}). */
  readonly dataFormat = 'plain';
  readonly #entries = new Map<string, Entry>();
  readonly #locks = new LocalLocks();
  readonly #sweepEvery: number;
  #createsSinceSweep = 0;
  #nextVersion = 1;
  #now: () => number = Date.now;

  constructor(options: MemoryStoreOptions = {}) {
    this.#sweepEvery = options.sweepEvery ?? 1000;
  }

  /** Judges expiry by the configuration's clock. */
  attach(context: StoreContext): void {
    this.#now = context.now;
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  async load(key: string): Promise<StoredSession | null> {
    const entry = this.#live(key);
    return entry ? { data: entry.data, version: entry.version } : null;
  }

  async exists(key: string): Promise<boolean> {
    return this.#live(key) !== undefined;
  }

  async create(key: string, data: string, expireDate: Date): Promise<boolean> {
    if (this.#live(key)) return false;
    if (++this.#createsSinceSweep >= this.#sweepEvery) void this.clearExpired();
    if (expireDate.getTime() > this.#now()) {
      this.#entries.set(key, { data, expiresAt: expireDate.getTime(), version: this.#nextVersion++ });
    }
    return true;
  }

  async update(key: string, data: string, expireDate: Date, expected?: unknown): Promise<UpdateOutcome> {
    const entry = this.#live(key);
    if (!entry) return 'missing';
    if (expected !== undefined && entry.version !== expected) return 'conflict';
    if (expireDate.getTime() <= this.#now()) this.#entries.delete(key);
    else this.#entries.set(key, { data, expiresAt: expireDate.getTime(), version: this.#nextVersion++ });
    return 'updated';
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  async clearExpired(): Promise<number> {
    this.#createsSinceSweep = 0;
    const now = this.#now();
    let removed = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) {
        this.#entries.delete(key);
        removed++;
      }
    }
    return removed;
  }

  /** Takes the session's lock, for the requests of this process (the store's only ones). */
  readonly lock: LockingStore['lock'] = (key, options) => this.#locks.acquire(key, options);

  async *list(): AsyncIterable<ListedSession> {
    const now = this.#now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt > now) yield { key, expireDate: new Date(entry.expiresAt), size: Buffer.byteLength(entry.data) };
    }
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }
}

/** Django's `cache` engine on a local-memory cache (`locmem://`). */
export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  return new MemoryStore(options);
}

export type { MemoryStore };
