/**
 * The memcached store's side of the `memcached` client: each command as a promise bounded by its time,
 * at most `poolSize` in flight, and, for a client the store created, failure handling of its own instead
 * of the package's (see {@link MemcachedConnection}).
 */
import type Memcached from 'memcached';
import { CommandSlots } from '../internal/command-slots.js';
import { StoreTimeoutError } from '../internal/deadline.js';
import { type ClientInternals, type ClientSocket, messageOf, type PendingCommand } from './client-internals.js';

// What the store tells the client when a connection is ready for a command whose time has run out.
const EXPIRED_BEFORE_SENT = 'the command ran out of time before a connection was ready';
// Errors of a client whose connections are all busy or still opening: load, not a dead server. The
// command was not sent, so it is tried again shortly, within its time.
const CONGESTION = /connection pool is full|readyState is set to/i;
const CONGESTION_RETRY_MS = 5;
// How the client fails a command for a server it was told is down.
const SERVER_MARKED_DOWN = /^Server at (\S+) not available$/;

/** How the store runs its commands. */
export interface ConnectionSettings {
  /** Whether the store created the client (and so replaces its failure handling and ends it on close). */
  readonly owned: boolean;
  /** How long one command may take, waiting for a connection included, in milliseconds. */
  readonly commandTimeoutMs: number;
  /** How long a server whose connection failed is skipped before it is tried again. */
  readonly retryMs: number;
  /** The most commands in flight (the client's connections per server). */
  readonly poolSize: number;
}

/**
 * A `memcached` client as the store uses it. For a client the store created:
 * - after a failed connection, that server's commands fail at once for `retryMs`, then it is tried again:
 *   the package's own issue tracking (`failures`, `retry`, `reconnect`) is replaced, because it marks a
 *   server dead until a `ping` program answers — and crashes the process where `ping` is not installed;
 * - the commands waiting on a connection fail as soon as it closes (the package would never call them
 *   back), saying why;
 * - a command whose time ran out while its connection was being opened is never sent.
 * Every command is bounded by `commandTimeoutMs`, which covers a server that hangs. A command that runs
 * out of time gives its place among the `poolSize` back at once, and its connection is closed: a reply
 * that late means the server hangs, and commands sent after it on that connection would only queue
 * behind it (and pile up in memory for as long as the server hangs). Once the server answers again,
 * fresh connections carry the commands.
 */
export class MemcachedConnection {
  readonly #client: Memcached;
  readonly #owned: boolean;
  readonly #commandTimeoutMs: number;
  readonly #retryMs: number;
  readonly #poolSize: number;
  readonly #slots: CommandSlots;
  // Servers whose connection failed, with the failure (for the messages) and the timer that ends the wait.
  readonly #downServers = new Map<string, { cause: string; timer: NodeJS.Timeout }>();
  readonly #watchedSockets = new WeakSet<ClientSocket>();
  // Why the store closed a connection, for the commands that were still waiting on it.
  readonly #closeReasons = new WeakMap<ClientSocket, string>();
  // The command being handed to the client right now (the client picks its connection synchronously).
  #issuing: PendingCommand | null = null;

  constructor(client: Memcached, settings: ConnectionSettings) {
    this.#client = client;
    this.#owned = settings.owned;
    this.#commandTimeoutMs = settings.commandTimeoutMs;
    this.#retryMs = settings.retryMs;
    this.#poolSize = settings.poolSize;
    this.#slots = new CommandSlots(settings.poolSize);
    if (settings.owned) this.#takeOverFailureHandling(client as unknown as ClientInternals);
  }

  /**
   * Runs one callback-style command as a promise, failing it after `commandTimeoutMs` (waiting for a free
   * connection included). At most `poolSize` commands are in flight; the others queue here. A command
   * leaves the flight when it settles, however it settles: the client may never call back a command
   * whose server hangs. The client's connections can still lag behind (a connection opened for a command
   * that has since failed is not in its pool until it is open), so a command the client turns away for
   * want of a connection is tried again until its time runs out.
   */
  call<T>(what: string, start: (done: (error: unknown, result: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const command: PendingCommand = { settled: false };
      let started = false;
      const settle = (error: Error | null, result?: T): void => {
        if (command.settled) return;
        command.settled = true;
        clearTimeout(timer);
        if (started) this.#slots.release();
        else this.#slots.cancel(run);
        if (error) reject(error);
        else resolve(result as T);
      };
      const reply = (error: unknown, result: T): void => {
        if (error && !command.settled && CONGESTION.test(messageOf(error))) setTimeout(send, CONGESTION_RETRY_MS);
        else settle(error ? this.#failure(error, what) : null, result);
      };
      const send = (): void => {
        if (command.settled) return;
        this.#issuing = command;
        try {
          start(reply);
        } catch (error) {
          settle(this.#failure(error, what));
        } finally {
          this.#issuing = null;
        }
      };
      const run = (): void => {
        // Its time ran out as the slot was handed to it: the caller was told it failed, so it must not run.
        if (command.settled) {
          this.#slots.release();
          return;
        }
        started = true;
        send();
      };
      const timer = setTimeout(() => {
        if (!started) {
          settle(
            new StoreTimeoutError(
              `memcachedStore: ${what} timed out after ${this.#commandTimeoutMs} ms waiting for a connection (${this.#poolSize} commands in flight)`,
            ),
          );
          return;
        }
        const reason = `a command on it got no reply within ${this.#commandTimeoutMs} ms`;
        settle(new StoreTimeoutError(`memcachedStore: ${what} timed out after ${this.#commandTimeoutMs} ms`));
        const socket = command.socket;
        if (socket !== undefined) {
          this.#closeReasons.set(socket, reason);
          socket.destroy?.();
        }
      }, this.#commandTimeoutMs);
      this.#slots.take(run);
    });
  }

  /** The error a command failed with, saying why a server the store skips is down. */
  #failure(error: unknown, what: string): Error {
    const message = messageOf(error);
    const server = SERVER_MARKED_DOWN.exec(message)?.[1];
    const down = server === undefined ? undefined : this.#downServers.get(server);
    if (down !== undefined) {
      return new Error(`memcachedStore: ${what} failed: ${server} is down (${down.cause}); the store tries it again ${this.#retryMs} ms after that failure`, {
        cause: error,
      });
    }
    if (message.startsWith('memcachedStore: ')) return error instanceof Error ? error : new Error(message);
    return new Error(`memcachedStore: ${what} failed: ${message}`, { cause: error });
  }

  /** Stops the retry timers, and ends the client's connections if the store created it. */
  close(): void {
    for (const { timer } of this.#downServers.values()) clearTimeout(timer);
    this.#downServers.clear();
    if (this.#owned) this.#client.end();
  }

  #takeOverFailureHandling(internals: ClientInternals): void {
    internals.connectionIssue = (error, socket) => {
      const cause = messageOf(error);
      // A full pool or a connection still opening is load, not an outage (the command is tried again).
      if (CONGESTION.test(cause) || cause.includes(EXPIRED_BEFORE_SENT)) return;
      socket?.end?.();
      if (socket?.serverAddress !== undefined) this.#serverFailed(internals, socket.serverAddress, cause);
    };
    const connect = internals.connect;
    internals.connect = (server, callback) => {
      const command = this.#issuing;
      connect.call(internals, server, (error, socket) => {
        if (socket) this.#watch(internals, socket);
        if (command !== null && socket && !error) {
          // The client reports this as a connection issue (ignored above) and calls the command back with it.
          if (command.settled) return callback(new Error(EXPIRED_BEFORE_SENT), socket);
          command.socket = socket;
        }
        callback(error, socket);
      });
    };
  }

  /** Fails the commands still waiting on `socket` when it closes: the client would leave them unanswered. */
  #watch(internals: ClientInternals, socket: ClientSocket): void {
    if (this.#watchedSockets.has(socket) || typeof socket.once !== 'function') return;
    this.#watchedSockets.add(socket);
    let socketError: string | undefined;
    socket.once('error', (error) => {
      socketError = messageOf(error);
    });
    socket.once('close', () => {
      const orphans = socket.metaData?.splice(0) ?? [];
      const cause = this.#closeReasons.get(socket) ?? socketError;
      for (const query of orphans) {
        if (typeof query.callback !== 'function') continue;
        const error = new Error(
          `memcachedStore: ${query.type ?? 'command'} failed: the connection to ${socket.serverAddress} closed before the reply${cause ? ` (${cause})` : ''}`,
        );
        internals.makeCallback(query.callback, error);
      }
    });
  }

  #serverFailed(internals: ClientInternals, server: string, cause: string): void {
    if (this.#downServers.has(server)) return;
    internals.issues[server] = { failed: true };
    const timer = setTimeout(() => {
      this.#downServers.delete(server);
      delete internals.issues[server];
    }, this.#retryMs);
    timer.unref();
    this.#downServers.set(server, { cause, timer });
  }
}
