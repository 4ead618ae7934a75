/**
 * Per-session locks held on a database server (PostgreSQL advisory locks, MySQL `GET_LOCK`), so requests
 * of one session are serialised across processes.
 *
 * A server lock lives on a connection, so a holder keeps a dedicated connection until it releases. To
 * keep that to one connection per locked session in this process, requests for the same key queue in
 * process first ({@link LocalLocks}); only the head of each queue asks the server. The server is polled
 * with a non-blocking "try" and a short backoff, so the wait is bounded by our clock rather than by a
 * server-side timeout, and a waiting request never pins a server thread.
 */
import { SessionLockTimeout } from '../../errors.js';
import type { HeldLock, LockOptions } from '../contract.js';
import { LocalLocks } from './local-locks.js';
import { settleWithin } from './settle-within.js';

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

const FIRST_RETRY_MS = 5;
const MAX_RETRY_MS = 50;

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
        await this.#pollLock(connection, key, deadline, options.waitMs);
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

  async #pollLock(connection: C, key: string, deadline: number, waitMs: number): Promise<void> {
    let delay = FIRST_RETRY_MS;
    for (;;) {
      if (await this.#driver.tryLock(connection, key)) return;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new SessionLockTimeout(waitMs);
      // Jitter spreads out processes that would otherwise retry in lockstep.
      await sleep(Math.min(remaining, delay * (0.5 + Math.random())));
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
