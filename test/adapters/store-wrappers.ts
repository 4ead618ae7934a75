/**
 * Store wrappers for tests: one counts every call (to prove that a request did no store I/O or no write),
 * the other fails on demand like a store whose server went away.
 */
import type { SessionStore } from '../../src/core/store-contract.js';

/** The store operations a wrapper sees. */
export type StoreOperation = 'load' | 'exists' | 'create' | 'update' | 'delete' | 'clearExpired' | 'lock';

const OPERATIONS: readonly StoreOperation[] = ['load', 'exists', 'create', 'update', 'delete', 'clearExpired', 'lock'];
const WRITES: readonly StoreOperation[] = ['create', 'update', 'delete'];

/** A store that forwards to `inner` and counts the calls. */
export interface CountingStore {
  readonly store: SessionStore;
  readonly calls: Record<StoreOperation, number>;
  /** Calls of every operation. */
  total(): number;
  /** Calls of create, update and delete. */
  writes(): number;
  /** Sets every count back to zero. */
  reset(): void;
}

/** Wraps `inner` so that every call is counted. */
export function countingStore(inner: SessionStore): CountingStore {
  const calls = Object.fromEntries(OPERATIONS.map((op) => [op, 0])) as Record<StoreOperation, number>;
  const store: SessionStore = {
    name: inner.name,
    load: (key) => (calls.load++, inner.load(key)),
    exists: (key) => (calls.exists++, inner.exists(key)),
    create: (key, data, expires) => (calls.create++, inner.create(key, data, expires)),
    update: (key, data, expires, expected) => (calls.update++, inner.update(key, data, expires, expected)),
    delete: (key) => (calls.delete++, inner.delete(key)),
    clearExpired: () => (calls.clearExpired++, inner.clearExpired()),
    lock: inner.lock ? (key, options) => (calls.lock++, inner.lock!(key, options)) : undefined,
    close: () => inner.close?.() ?? Promise.resolve(),
  };
  return {
    store,
    calls,
    total: () => OPERATIONS.reduce((sum, op) => sum + calls[op], 0),
    writes: () => WRITES.reduce((sum, op) => sum + calls[op], 0),
    reset: () => OPERATIONS.forEach((op) => (calls[op] = 0)),
  };
}

/** A store whose chosen operations reject while `broken` lists them. */
export interface FailingStore {
  readonly store: SessionStore;
  /** The operations that currently fail; empty means healthy. */
  broken: Set<StoreOperation>;
}

/** The error a failing store rejects with: what a driver says when its server is down. */
export const STORE_DOWN_MESSAGE = 'connect ECONNREFUSED 127.0.0.1:5432';

/** Wraps `inner` so that operations named in `broken` reject as a dead server would. */
export function failingStore(inner: SessionStore): FailingStore {
  const wrapper: FailingStore = { store: undefined as unknown as SessionStore, broken: new Set() };
  const guard = <R>(op: StoreOperation, call: () => Promise<R>): Promise<R> =>
    wrapper.broken.has(op) ? Promise.reject(new Error(STORE_DOWN_MESSAGE)) : call();
  (wrapper as { store: SessionStore }).store = {
    name: inner.name,
    load: (key) => guard('load', () => inner.load(key)),
    exists: (key) => guard('exists', () => inner.exists(key)),
    create: (key, data, expires) => guard('create', () => inner.create(key, data, expires)),
    update: (key, data, expires, expected) => guard('update', () => inner.update(key, data, expires, expected)),
    delete: (key) => guard('delete', () => inner.delete(key)),
    clearExpired: () => guard('clearExpired', () => inner.clearExpired()),
    close: () => inner.close?.() ?? Promise.resolve(),
  };
  return wrapper;
}
