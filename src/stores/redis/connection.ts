/**
 * What the Redis store needs of a Redis client, whichever library made it, and the URL and reconnection
 * rules its own clients share.
 */
import { SessionConfigError } from '../../errors.js';
import { withDeadline } from '../internal/deadline.js';

/**
 * Where a connection stands. `down`: an attempt failed and the client retries by itself, so a command
 * would fail at once; `closed`: it will not connect again.
 */
export type RedisClientState = 'idle' | 'connecting' | 'ready' | 'down' | 'closed';

/** One server's keys (the server, or one master of a cluster), walked by the command line's `list`. */
export interface RedisKeyspace {
  /** One `SCAN <cursor> MATCH <pattern> COUNT <count>` step: the next cursor and the keys found. */
  scan(cursor: string, pattern: string, count: number): Promise<[string, string[]]>;
  /** `PTTL` and `STRLEN` of each key, in one round trip. */
  ttlsAndSizes(keys: readonly string[]): Promise<Array<{ ttlMs: number; bytes: number }>>;
}

/** A Redis client as the store drives it: a few commands, with plain replies, and its connection. */
export interface RedisConnection {
  get(key: string): Promise<string | null>;
  exists(key: string): Promise<boolean>;
  /** `SET key value PX <ttlMs> NX|XX`; resolves whether it wrote. */
  setExpiring(key: string, value: string, ttlMs: number, condition: 'NX' | 'XX'): Promise<boolean>;
  /** `DEL key`; resolves whether the key was there. */
  del(key: string): Promise<boolean>;
  /** `EVALSHA <sha> 1 key …args`; a script the server lacks rejects with an error starting `NOSCRIPT`. */
  evalSha(sha: string, key: string, args: readonly string[]): Promise<unknown>;
  /** `EVAL <script> 1 key …args`. */
  eval(script: string, key: string, args: readonly string[]): Promise<unknown>;
  /** The servers holding keys: the one server, or every master of a cluster. */
  keyspaces(): RedisKeyspace[];

  state(): RedisClientState;
  /** Starts connecting an idle client; the outcome arrives through {@link watch}. */
  start(): void;
  /**
   * Calls `ready` when the client can take commands and `failed` when a connection attempt fails or the
   * client closes, until the returned function is called.
   */
  watch(ready: () => void, failed: () => void): () => void;
  /** The last connection error seen, if any. */
  lastError(): Error | null;
  /**
   * Why a client that reports itself ready must not be used, or `null`: ioredis goes on after a failed
   * `SELECT`, on database 0.
   */
  refusal(): Error | null;
  /** What to say once the client is closed for good. */
  readonly closedReason: string;
  /** Closes the client if the store created it (`QUIT` when connected, then the socket); one passed in stays open. */
  close(quitTimeoutMs: number): Promise<void>;
}

/** How the store wants its own client to behave. */
export interface ConnectionSettings {
  readonly connectTimeoutMs: number;
}

/**
 * A `redis://` or `rediss://` URL and the database index it selects: its path (`/2`), else its `db`
 * parameter, else 0.
 * @throws SessionConfigError when it is not such a URL, or the index is not a whole number.
 */
export function parseRedisUrl(storeName: string, url: string): { url: URL; database: number } {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    // Reported below.
  }
  if (parsed === null || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || parsed.hostname === '') {
    throw new SessionConfigError(`${storeName}: ${JSON.stringify(url)} is not a Redis URL; write it as 'redis://host:6379/0' (or 'rediss://' for TLS).`);
  }
  const written = writtenDatabaseIndex(parsed);
  if (!/^\d{1,9}$/.test(written)) {
    throw new SessionConfigError(
      `${storeName}: the database index in ${JSON.stringify(redactPassword(parsed))} is not a whole number; end the URL with one, e.g. redis://${parsed.host}/0.`,
    );
  }
  return { url: parsed, database: Number(written) };
}

/** The database index as a Redis URL writes it: its path (`/2`), else its `db` parameter, else `'0'`. */
export function writtenDatabaseIndex(url: URL): string {
  const path = url.pathname === '/' ? '' : url.pathname.slice(1);
  return path !== '' ? path : (url.searchParams.get('db') ?? '0');
}

function redactPassword(url: URL): string {
  const shown = new URL(url.href);
  if (shown.password !== '') shown.password = '***';
  return shown.href;
}

/** Reconnection backs off to at most one attempt a second, and never gives up. */
export function reconnectDelay(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt, 10), 1000);
}

/** The error for a database the server refused to select: commands would go to another database. */
export function databaseRefused(database: number, cause: Error): Error {
  return new Error(
    `redisStore: the redis server has no database ${database} (SELECT ${database}: ${cause.message}); end the URL with a database it has, 0 to 15 unless its "databases" setting says otherwise`,
    { cause },
  );
}

/**
 * Closes a client the store made: `quit` (QUIT) when `connected`, bounded by `timeoutMs`, then `drop` (the
 * socket, and reconnecting) whatever happened.
 */
export async function quitThenDrop(connected: boolean, quit: () => Promise<unknown>, drop: () => void, timeoutMs: number): Promise<void> {
  try {
    if (connected) await withDeadline(quit(), timeoutMs, 'redisStore: QUIT');
  } catch {
    // Dropped below.
  } finally {
    drop();
  }
}

/** A client's event emitter, as {@link listenTo} uses it. */
export interface ClientEvents {
  on(event: string, listener: () => void): unknown;
  off(event: string, listener: () => void): unknown;
}

/** Adds each `[event, listener]` to `client`; the function returned removes them all. */
export function listenTo(client: ClientEvents, listeners: ReadonlyArray<readonly [string, () => void]>): () => void {
  for (const [event, listener] of listeners) client.on(event, listener);
  return () => {
    for (const [event, listener] of listeners) client.off(event, listener);
  };
}

/** What the two client wrappers share: the last error their client reported, for the store's messages. */
export abstract class ClientWrapper {
  /** The client's last connection error since it was last ready; `null` when there is none. */
  protected lastFailure: Error | null = null;

  /** See {@link RedisConnection.lastError}. */
  lastError(): Error | null {
    return this.lastFailure;
  }
}
