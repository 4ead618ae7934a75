/**
 * The one store wrapper of the tests: it counts every call (to prove that a request did no store I/O, or
 * no write), and fails or delays chosen operations on demand, like a store whose server went away or is
 * slow. The inner store is never told about the wrapper.
 */
import type { SessionStore } from '../../src/core/store-contract.js';

/** The store operations a wrapper sees. */
export type StoreOperation = 'load' | 'exists' | 'create' | 'update' | 'delete' | 'clearExpired' | 'lock';

const OPERATIONS: readonly StoreOperation[] = ['load', 'exists', 'create', 'update', 'delete', 'clearExpired', 'lock'];
const WRITES: readonly StoreOperation[] = ['create', 'update', 'delete'];

/** The error of an operation named in {@link CountingStore.broken}: what a driver says when its server is down. */
export const STORE_DOWN_MESSAGE = 'connect ECONNREFUSED 127.0.0.1:5432';
/** The error of every operation while {@link CountingStore.failing} is set. */
export const SIMULATED_OUTAGE_MESSAGE = 'connection refused (simulated outage)';

/** A store that forwards to `inner`, counting the calls, failing or delaying the ones asked for. */
export interface CountingStore {
  readonly store: SessionStore;
  readonly inner: SessionStore;
  readonly calls: Record<StoreOperation, number>;
  /** Calls of every operation. */
  total(): number;
  /** Calls of create, update and delete. */
  writes(): number;
  /** Sets every count back to zero. */
  reset(): void;
  /** While true, every call rejects with {@link SIMULATED_OUTAGE_MESSAGE}. */
  failing: boolean;
  /** The operations that currently reject with {@link STORE_DOWN_MESSAGE}; empty means healthy. */
  broken: Set<StoreOperation>;
  /** How long each operation waits before it runs, in milliseconds (to interleave concurrent calls). */
  readonly delays: Partial<Record<StoreOperation, number>>;
}

/** Wraps `inner`: every call is counted, and fails or waits as the wrapper is told. */
export function countingStore(inner: SessionStore): CountingStore {
  const calls = Object.fromEntries(OPERATIONS.map((op) => [op, 0])) as Record<StoreOperation, number>;
  const counting: CountingStore = {
    store: undefined as unknown as SessionStore,
    inner,
    calls,
    total: () => OPERATIONS.reduce((sum, op) => sum + calls[op], 0),
    writes: () => WRITES.reduce((sum, op) => sum + calls[op], 0),
    reset: () => {
      for (const op of OPERATIONS) calls[op] = 0;
    },
    failing: false,
    broken: new Set(),
    delays: {},
  };
  const wrap =
    <A extends unknown[], R>(op: StoreOperation, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      calls[op]++;
      const delay = counting.delays[op];
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      if (counting.failing) throw new Error(SIMULATED_OUTAGE_MESSAGE);
      if (counting.broken.has(op)) throw new Error(STORE_DOWN_MESSAGE);
      return call(...args);
    };
  const lock = inner.lock;
  (counting as { store: SessionStore }).store = {
    name: inner.name,
    load: wrap('load', (key: string) => inner.load(key)),
    exists: wrap('exists', (key: string) => inner.exists(key)),
    create: wrap('create', (key: string, data: string, expires: Date) => inner.create(key, data, expires)),
    update: wrap('update', (key: string, data: string, expires: Date, expected?: unknown) => inner.update(key, data, expires, expected)),
    delete: wrap('delete', (key: string) => inner.delete(key)),
    clearExpired: wrap('clearExpired', () => inner.clearExpired()),
    ...(lock ? { lock: wrap('lock', (key: string, options: Parameters<typeof lock>[1]) => lock.call(inner, key, options)) } : {}),
    ...(inner.list ? { list: inner.list.bind(inner) } : {}),
    close: () => inner.close?.() ?? Promise.resolve(),
  };
  return counting;
}

/** The same wrapper, named for the tests that break operations of it ({@link CountingStore.broken}). */
export const failingStore = countingStore;
