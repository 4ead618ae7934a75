/**
 * What `sessionkit check` verifies on a SQL database, whatever the server: Django's `django_session`
 * table has its three columns, and the connection may insert, update, read and delete a row there. The
 * row is a throwaway (a fresh random key, already expired) written inside a transaction that is rolled
 * back, so nothing stays behind; the table itself is never created.
 */
import { generateSessionKey } from '../../core/session-key.js';
import { DJANGO_SESSION_TABLE } from '../../stores/internal/sql-table-name.js';
import { CREATE_TABLE_FIX, reasonOf } from '../failures.js';
import { CHECK_IDS, type Problem } from './problem.js';

/** The table the environment's stores use. */
export const SESSION_TABLE = DJANGO_SESSION_TABLE;

/** How to create the table, for messages. */
export { CREATE_TABLE_FIX };

/** A column of Django's session table, and the declared types that can hold it on one server. */
export interface ColumnRule {
  readonly column: string;
  /** What the column holds, for messages: `text`, `a date and time`. */
  readonly holds: string;
  readonly accepts: RegExp;
}

/** The columns of Django's table with the type families each server may declare for them. */
export function sessionColumnRules(types: { key: RegExp; data: RegExp; expiry: RegExp }): ColumnRule[] {
  return [
    { column: 'session_key', holds: 'text', accepts: types.key },
    { column: 'session_data', holds: 'text', accepts: types.data },
    { column: 'expire_date', holds: 'a date and time', accepts: types.expiry },
  ];
}

/** The table's columns (name → declared type) against Django's; one problem listing every difference. */
export function columnProblems(found: ReadonlyMap<string, string>, rules: readonly ColumnRule[], where: string): Problem[] {
  const missing = rules.filter((rule) => !found.has(rule.column)).map((rule) => rule.column);
  const mistyped = rules
    .filter((rule) => found.has(rule.column) && !rule.accepts.test(found.get(rule.column)!.toLowerCase()))
    .map((rule) => `${rule.column} is ${found.get(rule.column)}, which holds no ${rule.holds.replace(/^a /, '')}`);
  if (missing.length === 0 && mistyped.length === 0) return [];
  const faults = [...(missing.length > 0 ? [`has no column ${missing.join(', ')}`] : []), ...mistyped];
  return [
    {
      id: CHECK_IDS.wrongColumns,
      message: `the table ${SESSION_TABLE} (${where}) is not Django's session table: ${faults.join('; ')}. Rename or drop it, then ${CREATE_TABLE_FIX} to create Django's.`,
    },
  ];
}

/** One statement of the access probe. */
export interface ProbeStep {
  /** The SQL command it needs the right to run. */
  readonly operation: 'INSERT' | 'UPDATE' | 'SELECT' | 'DELETE';
  readonly sql: string;
  readonly values: readonly unknown[];
}

/**
 * The probe's statements on `quotedTable`: insert a throwaway row, update it, read it back, delete it.
 * `placeholder(n)` writes the n-th parameter (`$1`, `?`); `expired` is a past `expire_date` in the
 * server's form, so that even a row a non-transactional table kept would be expired.
 */
export function probeSteps(quotedTable: string, placeholder: (n: number) => string, expired: unknown): ProbeStep[] {
  const key = generateSessionKey();
  const p = placeholder;
  return [
    {
      operation: 'INSERT',
      sql: `INSERT INTO ${quotedTable} (session_key, session_data, expire_date) VALUES (${p(1)}, ${p(2)}, ${p(3)})`,
      values: [key, '', expired],
    },
    { operation: 'UPDATE', sql: `UPDATE ${quotedTable} SET session_data = ${p(1)} WHERE session_key = ${p(2)}`, values: ['sessionkit check', key] },
    { operation: 'SELECT', sql: `SELECT session_data FROM ${quotedTable} WHERE session_key = ${p(1)}`, values: [key] },
    { operation: 'DELETE', sql: `DELETE FROM ${quotedTable} WHERE session_key = ${p(1)}`, values: [key] },
  ];
}

/** What the probe needs from a connection: run a statement (resolving its rows, if any) and end it. */
export interface ProbeConnection {
  begin(): Promise<void>;
  run(step: ProbeStep): Promise<readonly unknown[] | undefined>;
  rollback(): Promise<void>;
}

const DOES = { INSERT: 'write (INSERT) sessions in', UPDATE: 'update sessions in', SELECT: 'read sessions from', DELETE: 'delete sessions from' } as const;

/**
 * Runs the probe in a transaction that is always rolled back; resolves the problem of the first
 * statement that failed (with `fix` appended), or `undefined` when the connection may do all four.
 */
export async function probeAccess(connection: ProbeConnection, steps: readonly ProbeStep[], where: string, fix: string): Promise<Problem | undefined> {
  try {
    await connection.begin();
  } catch (error) {
    return {
      id: CHECK_IDS.noAccess,
      message: `this connection may not begin a transaction to write sessions in ${SESSION_TABLE} (${where}): ${reasonOf(error)}. ${fix}`,
    };
  }
  try {
    for (const step of steps) {
      let rows: readonly unknown[] | undefined;
      try {
        rows = await connection.run(step);
      } catch (error) {
        return { id: CHECK_IDS.noAccess, message: `this connection may not ${DOES[step.operation]} ${SESSION_TABLE} (${where}): ${reasonOf(error)}. ${fix}` };
      }
      if (step.operation === 'SELECT' && rows?.length !== 1) {
        return {
          id: CHECK_IDS.noAccess,
          message: `a session written to ${SESSION_TABLE} (${where}) could not be read back (a row-level policy or trigger hides it). Let the app's user read and write every row of ${SESSION_TABLE}.`,
        };
      }
    }
    return undefined;
  } finally {
    await connection.rollback().catch(() => undefined);
  }
}
