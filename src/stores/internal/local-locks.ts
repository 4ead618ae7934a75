/**
 * Per-key locks inside one process, with a bounded wait: what the memory store offers, and the building
 * block of stores whose server has no lock of its own.
 */

import type { HeldLock, LockOptions } from '../../core/store-contract.js';
import { SessionLockTimeout } from '../../errors.js';

interface Waiter {
  grant(): void;
}

/** A table of per-key mutexes. */
export class LocalLocks {
  // Holders are present as keys; queued waiters are the array.
  readonly #queues = new Map<string, Waiter[]>();

  /** Takes the lock on `key`, waiting at most `options.waitMs`. */
  acquire(key: string, options: LockOptions): Promise<HeldLock> {
    const queue = this.#queues.get(key);
    if (queue === undefined) {
      this.#queues.set(key, []);
      return Promise.resolve(this.#held(key, options.ttlMs));
    }
    return new Promise<HeldLock>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve(this.#held(key, options.ttlMs));
        },
      };
      const timer = setTimeout(() => {
        const index = queue.indexOf(waiter);
        if (index !== -1) queue.splice(index, 1);
        reject(new SessionLockTimeout(options.waitMs));
      }, options.waitMs);
      queue.push(waiter);
    });
  }

  #held(key: string, ttlMs: number): HeldLock {
    let released = false;
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      clearTimeout(expiry);
      const queue = this.#queues.get(key);
      const next = queue?.shift();
      if (next) next.grant();
      else this.#queues.delete(key);
    };
    // A holder that never releases (a bug, a hung request) must not block the session forever.
    const expiry = setTimeout(() => void release(), ttlMs);
    expiry.unref();
    return { release };
  }
}
