/**
 * Statements on one better-sqlite3 connection, each prepared once, with Django's SQLite dates: what the
 * SQL store's SQLite dialect and the SQLite user source (`sessionkit/auth`) both run their SQL through.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { formatDjangoDatetime, parseDjangoDatetime } from './datetime.js';

/** Runs SQL on `db`, preparing each statement on first use. */
export class SqliteStatementRunner {
  readonly #db: BetterSqlite3.Database;
  readonly #prepared = new Map<string, BetterSqlite3.Statement>();

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
  }

  /** Prepares `sql` now: throws when it names a table or column that is missing. */
  protected prepare(sql: string): BetterSqlite3.Statement {
    let statement = this.#prepared.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#prepared.set(sql, statement);
    }
    return statement;
  }

  /** Every row `sql` selects. */
  rows<R>(sql: string, values: readonly unknown[]): readonly R[] {
    return this.prepare(sql).all(...values) as R[];
  }

  /** The first row `sql` selects (SQLite stops there). */
  row<R>(sql: string, values: readonly unknown[]): R | undefined {
    return this.prepare(sql).get(...values) as R | undefined;
  }

  /** How many rows `sql` changed. */
  changes(sql: string, values: readonly unknown[]): number {
    return this.prepare(sql).run(...values).changes;
  }

  /** A date as Django writes a `DateTimeField` on SQLite. */
  writeDate(date: Date): string {
    return formatDjangoDatetime(date);
  }

  /** A date Django wrote on SQLite, or `null`. */
  readDate(value: unknown): Date | null {
    return typeof value === 'string' ? parseDjangoDatetime(value) : null;
  }

  /** better-sqlite3's error code, e.g. `SQLITE_CONSTRAINT_PRIMARYKEY`. */
  errorCode(error: unknown): unknown {
    return (error as { code?: unknown } | null)?.code;
  }
}
