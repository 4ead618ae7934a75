/** The SQL store's database as other code uses it: statements on its other tables (Django's users). */
import type { SqlDialect } from './dialect.js';

/**
 * The store's database, for statements on its other tables (`SqlStore.database`): how to run them
 * and how its dates are written and read.
 */
export type SqlDatabase = Pick<SqlDialect, 'name' | 'rows' | 'changes' | 'writeDate' | 'readDate' | 'errorCode'>;

/** The part of `dialect` that {@link SqlDatabase} exposes, bound to it. */
export function databaseOf(dialect: SqlDialect): SqlDatabase {
  return {
    name: dialect.name,
    rows: <R>(sql: string, values: readonly unknown[]) => dialect.rows<R>(sql, values),
    changes: (sql, values) => dialect.changes(sql, values),
    writeDate: (date) => dialect.writeDate(date),
    readDate: (value) => dialect.readDate(value),
    errorCode: (error) => dialect.errorCode(error),
  };
}
