/**
 * What one SQL database supplies to the SQL session store ({@link SqlStore}): its statements, how it
 * writes and reads `expire_date`, which of its error codes mean what, its DDL and its lock primitive, and
 * how a statement is run. The store holds everything else once: compare-and-set, listing, counting,
 * clearing in batches, creating the table on first use, migrate's answer.
 *
 * Every statement names the table the dialect was made for and takes its values in the order given
 * below, as `?` or `$n` placeholders.
 */
import type { HeldLock, LockOptions, MigrateOutcome } from '../../core/store-contract.js';

/** The session statements of one table, as SQL text. */
export interface SqlStatements {
  /**
   * `[key, now]` → the live row's `session_data`, and its `expire_date` where the dialect reads it
   * back (`cached_db` fills its cache only from rows whose expiry it knows).
   */
  readonly load: string;
  /** `[key]` → a row when the key is stored, expired or not. */
  readonly exists: string;
  /** `[key, data, expireDate]`: changes one row, or refuses a taken key (with the duplicate-key error, or by changing none). */
  readonly insert: string;
  /** `[data, expireDate, key]`: replaces the row, whatever it holds. */
  readonly update: string;
  /** `[data, expireDate, key, expected]`: replaces the row only if its `session_data` is `expected`, byte for byte. */
  readonly updateIfUnchanged: string;
  /** `[key]`. */
  readonly delete: string;
  /** `[now]` → one row whose `expired` counts the rows with `expire_date < now`. */
  readonly countExpired: string;
  /**
   * `[now, after, limit]` → at most `limit` live rows with keys after `after`, in key order, as
   * `session_key`, `expire_date` and `size` (of `session_data`, in bytes).
   */
  readonly listPage: string;
  /** How expired rows are deleted a batch at a time: the fastest way on this database. */
  readonly clearExpired: ClearByLimit | ClearByKeyRange;
}

/** Each batch deletes up to `limit` expired rows, found through the `expire_date` index. */
export interface ClearByLimit {
  /** `[now, limit]`: deletes at most `limit` rows with `expire_date < now`. */
  readonly deleteUpTo: string;
}

/**
 * Each batch walks the next `limit` rows in primary-key order and deletes the expired ones among them,
 * so every batch reads its own stretch of the table once (where deleting by `expire_date` would visit
 * the rows at random and slow down batch after batch, as on InnoDB).
 */
export interface ClearByKeyRange {
  /** `[after, offset]` → the `session_key` `offset` rows after `after` in key order, when there is one. */
  readonly keyAt: string;
  /** `[now, after, last]`: deletes the expired rows with `after < session_key <= last`. */
  readonly deleteBetween: string;
  /** `[now, after]`: deletes the expired rows with keys after `after`. */
  readonly deleteAfter: string;
}

/** One SQL database, as the SQL store uses it. */
export interface SqlDialect {
  /** The store's name in messages and logs: `'sqlite'`, `'postgres'`, `'mysql'`. */
  readonly name: string;
  /** The factory named in the errors a caller's mistake gets, e.g. `'postgresStore'`. */
  readonly factory: string;
  /** The session table, quoted for SQL. */
  readonly quotedTable: string;
  readonly statements: SqlStatements;
  /** Runs a query; resolves its rows. */
  rows<R>(sql: string, values: readonly unknown[]): Promise<readonly R[]> | readonly R[];
  /** Runs a query; resolves its first row (the database may stop there), or `undefined` when there is none. */
  row<R>(sql: string, values: readonly unknown[]): Promise<R | undefined> | R | undefined;
  /** Runs a data-changing statement; resolves how many rows it changed (or matched). */
  changes(sql: string, values: readonly unknown[]): Promise<number> | number;
  /** An instant as the statements take it for `expire_date` and `now`. */
  writeDate(date: Date): unknown;
  /** An `expire_date` as the statements return it; `null` when it is no date. */
  readDate(value: unknown): Date | null;
  /** The driver's code of an error (SQLSTATE, errno, SQLite's extended code). */
  errorCode(error: unknown): unknown;
  /** The codes that mean a taken key on insert, and a missing table (none where the database has no code of its own for it). */
  readonly errorCodes: { readonly duplicateKey: unknown; readonly missingTable: unknown };
  /**
   * Creates the session table and its indexes with Django's DDL when the table is missing, safely
   * against other processes doing the same; resolves whether it did.
   */
  createTableIfMissing(): Promise<MigrateOutcome>;
  /** Takes the per-session lock shared by every process on the database (the dialect's lock primitive). */
  lock(key: string, options: LockOptions): Promise<HeldLock>;
  /** Removes locks whose holders died, where locks outlive their holders (lock rows). */
  purgeExpiredLocks?(): void;
  /** Releases the locks still held, and the connections the dialect opened. */
  close(): Promise<void>;
}
