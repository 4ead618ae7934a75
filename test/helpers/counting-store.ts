/** A store wrapper that counts each primitive call, to prove what the core does (or does not) do. */
import type { SessionStore } from '../../src/index.js';

type Operation = 'load' | 'exists' | 'create' | 'update' | 'delete' | 'clearExpired' | 'lock';

/** The wrapped store, its call counts, and a switch that makes every call fail (a store that is down). */
export interface CountingStore {
  readonly store: SessionStore;
  readonly calls: Record<Operation, number>;
  /** Total number of calls that write (create, update, delete). */
  writes(): number;
  /** Total number of calls. */
  total(): number;
  /** While true, every call rejects as if the server were down. */
  failing: boolean;
}

/** Wraps `inner` with counters. */
export function countingStore(inner: SessionStore): CountingStore {
  const calls: Record<Operation, number> = { load: 0, exists: 0, create: 0, update: 0, delete: 0, clearExpired: 0, lock: 0 };
  const counting: CountingStore = {
    calls,
    failing: false,
    writes: () => calls.create + calls.update + calls.delete,
    total: () => Object.values(calls).reduce((a, b) => a + b, 0),
    store: undefined as unknown as SessionStore,
  };
  const wrap = <A extends unknown[], R>(op: Operation, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      calls[op]++;
      if (counting.failing) throw new Error('connection refused (simulated outage)');
      return fn(...args);
    };
  const store: SessionStore = {
    name: inner.name,
    load: wrap('load', (key: string) => inner.load(key)),
    exists: wrap('exists', (key: string) => inner.exists(key)),
    create: wrap('create', (key: string, data: string, expires: Date) => inner.create(key, data, expires)),
    update: wrap('update', (key: string, data: string, expires: Date, expected?: unknown) => inner.update(key, data, expires, expected)),
    delete: wrap('delete', (key: string) => inner.delete(key)),
    clearExpired: wrap('clearExpired', () => inner.clearExpired()),
    ...(inner.lock ? { lock: wrap('lock', (key: string, options: Parameters<NonNullable<SessionStore['lock']>>[1]) => inner.lock!(key, options)) } : {}),
    close: () => inner.close?.() ?? Promise.resolve(),
  };
  (counting as { store: SessionStore }).store = store;
  return counting;
}
