/**
 * When the Redis store may send a command: at once on a ready connection, after a bounded wait while
 * connecting, and never while the server is known to be down, so a request fails fast instead of waiting
 * in a queue.
 */
import type { RedisConnection } from './connection.js';

/** Lets commands through a {@link RedisConnection} once it is ready. */
export class ReadyGate {
  readonly #connection: RedisConnection;
  readonly #connectTimeoutMs: number;
  // Ends the waits for a connection when the store closes.
  readonly #closing = new AbortController();
  #wait: Promise<void> | null = null;

  constructor(connection: RedisConnection, connectTimeoutMs: number) {
    this.#connection = connection;
    this.#connectTimeoutMs = connectTimeoutMs;
  }

  /**
   * Resolves once the connection can take commands, connecting first if it never has; rejects at once
   * while the server is known to be down or the client is closed, and after `connectTimeoutMs`.
   */
  ready(): Promise<void> {
    const connection = this.#connection;
    if (this.#closing.signal.aborted) return Promise.reject(new Error('redisStore: the store is closed'));
    switch (connection.state()) {
      case 'ready': {
        const refusal = connection.refusal();
        return refusal ? Promise.reject(refusal) : Promise.resolve();
      }
      case 'idle':
        connection.start();
        break;
      case 'connecting':
        break;
      case 'closed':
        return Promise.reject(new Error(`redisStore: ${connection.closedReason}`));
      case 'down': {
        const cause = connection.lastError();
        return Promise.reject(new Error(`redisStore: not connected to redis${cause ? `: ${cause.message}` : ''}`));
      }
    }
    // Every request waiting for the same connection shares one wait (and one set of listeners).
    this.#wait ??= this.#whenReady().finally(() => {
      this.#wait = null;
    });
    return this.#wait;
  }

  /** Ends the waits for a connection; every later {@link ready} rejects. */
  close(): void {
    this.#closing.abort();
  }

  #whenReady(): Promise<void> {
    const connection = this.#connection;
    const closing = this.#closing.signal;
    return new Promise<void>((resolve, reject) => {
      const settle = (error: Error | null): void => {
        clearTimeout(timer);
        unwatch();
        closing.removeEventListener('abort', onStoreClosed);
        if (error) reject(error);
        else resolve();
      };
      const onStoreClosed = (): void => settle(new Error('redisStore: the store was closed while connecting'));
      const unwatch = connection.watch(
        () => settle(connection.refusal()),
        () => {
          const cause = connection.lastError();
          settle(new Error(`redisStore: could not connect to redis${cause ? `: ${cause.message}` : ''}`));
        },
      );
      const timer = setTimeout(() => settle(new Error(`redisStore: could not connect to redis within ${this.#connectTimeoutMs} ms`)), this.#connectTimeoutMs);
      closing.addEventListener('abort', onStoreClosed);
    });
  }
}
