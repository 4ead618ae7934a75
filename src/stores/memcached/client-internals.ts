/** The parts of the `memcached` package's client that the store reaches into, and how it reads its errors. */

/** A connection of the `memcached` package: a socket with the commands waiting for its replies. */
export interface ClientSocket {
  serverAddress?: string;
  metaData?: Array<{ type?: string; callback?: (...args: unknown[]) => void }>;
  end?(): void;
  destroy?(): void;
  once?(event: string, listener: (error?: unknown) => void): unknown;
}

/**
 * The client internals the store's own client needs: the per-server failure flag the client consults
 * before every command, the hook it calls when a connection fails, how it picks a connection for a
 * command, and how it calls a command back.
 */
export interface ClientInternals {
  issues: Record<string, { failed: boolean }>;
  connectionIssue(error: unknown, socket?: ClientSocket): void;
  connect(server: string, callback: (error: unknown, socket?: ClientSocket | false) => void): void;
  makeCallback(callback: (...args: unknown[]) => void, error: unknown): void;
}

/** One command of the store, from its start to its outcome. */
export interface PendingCommand {
  /** The connection the client sent it on, once it picked one. */
  socket?: ClientSocket;
  /** Whether the caller has its outcome (a reply, an error or a timeout). */
  settled: boolean;
}

/** What a callback of the `memcached` package receives as its error. */
export interface ClientError {
  message?: string;
  notStored?: boolean;
}

/** The message of what the client reports as an error: an `Error`, a string, a list of them, or `{ message }`. */
export function messageOf(error: unknown): string {
  const first = Array.isArray(error) ? error[0] : error;
  const message = typeof first === 'object' && first !== null && 'message' in first ? String((first as ClientError).message) : String(first);
  // The client passes some errors on as `String(error)`, or wraps them so: `new Error(error)`.
  return message.replace(/^Error: /, '');
}
