/**
 * Per-session locks held on a database server (PostgreSQL advisory locks, MySQL `GET_LOCK`), so requests
 * of one session are serialised across processes.
 *
 * A server lock lives on a connection, so a holder keeps a dedicated connection until it releases. To
 * keep that to one connection per locked session in this process, requests for the same key queue in
 * process first ({@link LocalLocks}); only the head of each queue asks the server, polling it with a
 * non-blocking "try" ({@link pollForLock}).
 */

import type { HeldLock, LockOptions } from '../../core/store-contract.js';
import { SessionLockTimeout } from '../../errors.js';
import { settleWithin } from '../internal/deadline.js';
import { LocalLocks } from '../internal/local-locks.js';
import { pollForLock } from '../internal/polling-lock.js';

/** How a store takes its server's lock. `C` is a dedicated connection. */
export interface ServerLockDriver<C> {
  /** Checks out a dedicated connection. */
  connect(): Promise<C>;
  /** Tries to take the lock for `key` on `connection` without waiting; resolves whether it did. */
  tryLock(connection: C, key: string): Promise<boolean>;
  /** Releases the lock for `key` held by `connection`. */
  unlock(connection: C, key: string): Promise<void>;
  /**
   * Gives the connection back. `broken` asks to destroy it instead: closing the session frees any
   * server lock it still holds.
   */
  release(connection: C, broken: boolean): void;
}

/** Server-side per-key locks, queued in process first. */
export class ServerLocks<C> {
  readonly #driver: ServerLockDriver<C>;
  readonly #local = new LocalLocks();
  // Releases of the locks held right now, so closing the store can give their connections back.
  readonly #holders = new Set<() => Promise<void>>();

  constructor(driver: ServerLockDriver<C>) {
    this.#driver = driver;
  }

  /**
   * Takes the lock for `key`, waiting at most `options.waitMs` in all; rejects with
   * {@link SessionLockTimeout} when that runs out, or with the driver's error when the server fails.
   */
  async acquire(key: string, options: LockOptions): Promise<HeldLock> {
    const deadline = Date.now() + options.waitMs;
    const local = await this.#local.acquire(key, options);
    try {
      const connection = await this.#connectBefore(deadline, options.waitMs);
      try {
        await pollForLock(() => this.#driver.tryLock(connection, key), deadline, options.waitMs);
      } catch (error) {
        this.#driver.release(connection, !(error instanceof SessionLockTimeout));
        throw error;
      }
      return this.#held(connection, key, local, options.ttlMs);
    } catch (error) {
      await local.release();
      throw error;
    }
  }

  #connectBefore(deadline: number, waitMs: number): Promise<C> {
    return settleWithin(
      this.#driver.connect(),
      deadline - Date.now(),
      () => new SessionLockTimeout(waitMs),
      (late) => this.#driver.release(late, false),
    );
  }

  #held(connection: C, key: string, local: HeldLock, ttlMs: number): HeldLock {
    let released = false;
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      this.#holders.delete(release);
      clearTimeout(expiry);
      try {
        await this.#driver.unlock(connection, key);
        this.#driver.release(connection, false);
      } catch {
        // Destroying the connection frees the server lock just as well.
        this.#driver.release(connection, true);
      } finally {
        await local.release();
      }
    };
    // A holder that never releases (a bug, a hung request) must not keep the session locked forever.
    const expiry = setTimeout(() => void release(), ttlMs);
    expiry.unref();
    this.#holders.add(release);
    return { release };
  }

  /** Releases every lock still held (when the store closes), so their connections can be closed. */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.#holders].map((release) => release()));
  }
}
