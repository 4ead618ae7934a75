/**
 * How a SQL dialect is plugged into the shared SQL store scenarios (`sql-store.ts`, `sql-server.ts`),
 * and the helpers they share with the dialects' own test files.
 */
import { afterAll, expect } from 'vitest';
import { SessionConfigError } from '../../src/index.js';
import type { SqlStore } from '../../src/stores/sql/store.js';
import { describeIfAvailable } from '../helpers/gate.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

/** How one dialect is plugged into the suite. */
export interface SqlStoreTarget {
  /** The store's name: `sqlite`, `postgres` or `mysql`. */
  readonly name: string;
  /** Why the database cannot be reached, when it cannot: the suite is then skipped, or failed under CI. */
  readonly unreachable?: string | undefined;
  /** A table name of the test's own, dropped (or its file removed) after the test file. */
  newTable(): string;
  /** A store on `table`, which it creates as it opens or on first use. */
  store(table: string): SqlStore;
  /** Inserts one row per key, behind the store's back, as Django writes them: expiring `seconds` from now. */
  insert(table: string, keys: readonly string[], data: string, seconds: number): Promise<void>;
  /** How many rows of `table` hold `data`. */
  count(table: string, data: string): Promise<number>;
  /** For a database server: what its own scenarios need. */
  readonly server?: SqlServerTarget;
}

/** Options every server store takes, under the names the suite uses. */
export interface ServerStoreSettings {
  /** Connect within this many milliseconds (`connectionTimeoutMs` on PostgreSQL, `connectTimeoutMs` on MySQL). */
  readonly connectTimeoutMs?: number;
  readonly statementTimeoutMs?: number;
  /** Create the table on first use. @default true */
  readonly createTable?: boolean;
  /** Most connections of the store's pool (`max`, `connectionLimit`). */
  readonly poolSize?: number;
}

/** What the server scenarios need of a database server. */
export interface SqlServerTarget {
  /** The URL of the test database. */
  readonly url: string;
  /** A store on the database at `url` (the test database, or a proxy in front of it), on `table`. */
  storeAt(url: string, table: string, settings?: ServerStoreSettings): SqlStore;
  /** The names of the indexes on `table`, its primary key's included. */
  indexes(table: string): Promise<string[]>;
  /** How many indexes Django's migration gives the table, its primary key's included. */
  readonly djangoIndexCount: number;
  /** A store on `table` whose connections the server can tell from all others, and how many it has open. */
  countedStore(table: string): Promise<{ store: SqlStore; connections(): Promise<number>; dispose(): Promise<void> }>;
  /** A store on `table` given a pool of the test's own, and that pool's reading of a key's data. */
  storeOnOwnPool(table: string): { store: SqlStore; read(key: string): Promise<unknown>; end(): Promise<void> };
}

/** `describe` for tests that need the target's database: skipped loudly when it is down, failed instead under CI. */
export function describeWith(target: Pick<SqlStoreTarget, 'name' | 'unreachable'>, name: string, body: () => void): void {
  describeIfAvailable(target.name, target.unreachable, name, body);
}

/** Runs `operation` and resolves how long it took to reject, and with what. */
export async function rejection(operation: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  try {
    await operation();
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
  throw new Error('expected the operation to fail');
}

/** `options` without its `undefined` entries, so they can be spread into a store's options. */
export function definedOnly<T extends object>(options: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/** An error's message. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The message of the `SessionConfigError` that `make` throws; the test fails when it throws none, or another error. */
export function configErrorOf(make: () => unknown): string {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(SessionConfigError);
    return messageOf(error);
  }
  throw new Error('no SessionConfigError was thrown');
}

/** A dialect's database as a test file has it: its name, whether it is reachable, and tables of the file's own. */
export interface ScratchTables extends Pick<SqlStoreTarget, 'name' | 'unreachable'> {
  /** A new table name (`<prefix>_<n>`), dropped after the file. */
  newTable(): string;
  /** Drops `table`, made under another name, after the file too. */
  dropLater(table: string): void;
}

/** How a test file reaches its database, for {@link scratchTables}. */
export interface DatabaseAccess {
  /** The dialect's name. */
  readonly name: string;
  /** The database as messages show it, e.g. `PostgreSQL at postgres://…`. */
  readonly shown: string;
  /** Table names are `<prefix>_<n>`. */
  readonly prefix: string;
  /** A statement that succeeds when the database is reachable. */
  probe(): Promise<unknown>;
  /** Drops a table. */
  drop(table: string): Promise<unknown>;
  /** Closes the file's own connection to the database, after the tables are dropped. */
  close(): Promise<unknown>;
}

/**
 * Asks whether the database is reachable, names the file's tables `<prefix>_<n>` and, after the file's
 * tests, drops them (when it was reachable) and closes the connection.
 */
export async function scratchTables(access: DatabaseAccess): Promise<ScratchTables> {
  const { name, prefix } = access;
  const unreachable = await access.probe().then(
    () => undefined,
    (error: unknown) => `${access.shown} is not reachable (${error instanceof Error ? error.message : String(error)})`,
  );
  const created = new Set<string>();
  let count = 0;
  afterAll(async () => {
    if (!unreachable) for (const table of created) await access.drop(table);
    await access.close();
  });
  return {
    name,
    unreachable,
    newTable: () => {
      const table = `${prefix}_${++count}`;
      created.add(table);
      return table;
    },
    dropLater: (table) => void created.add(table),
  };
}

/** A store behind a TCP proxy in front of the database, and the proxy that hangs or drops it on demand. */
export interface ProxiedStore {
  readonly proxy: TcpProxy;
  readonly store: SqlStore;
}

/**
 * Makes stores on new tables of `server`'s database, each reached through a proxy of its own; call it
 * inside a `describe`, whose end closes the proxies.
 */
export function proxiedStores(
  server: Pick<SqlServerTarget, 'url' | 'storeAt'>,
  newTable: () => string,
): (settings?: ServerStoreSettings) => Promise<ProxiedStore> {
  const proxies: TcpProxy[] = [];
  afterAll(async () => {
    await Promise.all(proxies.map((proxy) => proxy.close()));
  });
  return async (settings = {}) => {
    const url = new URL(server.url);
    const proxy = await startTcpProxy(Number(url.port));
    proxies.push(proxy);
    url.port = String(proxy.port);
    return { proxy, store: server.storeAt(url.toString(), newTable(), settings) };
  };
}
