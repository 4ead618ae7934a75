/**
 * `sessionkit check` on SQLite: the database file exists (it is never created here), is a SQLite
 * database holding `django_session` with Django's columns, and this process may insert, update, read
 * and delete rows in it (a probe inside a rolled-back transaction, which needs the file and its
 * directory writable, as the app does for its journal).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { loadOptionalDriver } from '../../stores/internal/optional-driver.js';
import { quoteIdentifier } from '../../stores/sqlite/schema.js';
import { reasonOf } from '../failures.js';
import { CHECK_IDS, type StoreCheck } from './problem.js';
import { CREATE_TABLE_FIX, columnProblems, probeAccess, probeSteps, SESSION_TABLE, sessionColumnRules } from './session-table.js';

const BUSY_TIMEOUT_MS = 5000;
// SQLite keeps any value in any column; only the names matter.
const ANY_TYPE = /(?:)/;
const COLUMN_RULES = sessionColumnRules({ key: ANY_TYPE, data: ANY_TYPE, expiry: ANY_TYPE });

type DatabaseConstructor = new (path: string, options?: BetterSqlite3.Options) => BetterSqlite3.Database;

/** Checks the SQLite database file `path` (from `DATABASE_URL`, relative to the working directory). */
export async function checkSqlite(path: string): Promise<StoreCheck> {
  const file = isAbsolute(path) ? path : resolve(path);
  const where = `SQLite ${file}`;
  if (!existsSync(file)) {
    const directory = dirname(file);
    const also = existsSync(directory) ? '' : ` (its directory ${directory} does not exist either: create it first)`;
    return {
      where,
      problems: [
        {
          id: CHECK_IDS.noDatabaseFile,
          message: `the SQLite database ${file} does not exist${also}. Create it with its table: ${CREATE_TABLE_FIX}; or point DATABASE_URL to the app's database.`,
        },
      ],
    };
  }
  if (statSync(file).isDirectory()) {
    return { where, problems: [{ id: CHECK_IDS.unreachable, message: `DATABASE_URL names ${file}, which is a directory; point it to the database file.` }] };
  }
  const Database = loadOptionalDriver<DatabaseConstructor>('better-sqlite3', 'sqliteStore');
  let db: BetterSqlite3.Database;
  try {
    db = new Database(file, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    // Opening reads nothing; this fails when the file is not a database.
    db.prepare('SELECT count(*) FROM sqlite_master').pluck().get();
  } catch (error) {
    return {
      where,
      problems: [
        { id: CHECK_IDS.unreachable, message: `cannot use ${file} as a SQLite database: ${reasonOf(error)}. Point DATABASE_URL to the app's database file.` },
      ],
    };
  }
  try {
    const columns = db.prepare('SELECT name, type FROM pragma_table_info(?)').all(SESSION_TABLE) as Array<{ name: string; type: string }>;
    if (columns.length === 0)
      return { where, problems: [{ id: CHECK_IDS.noTable, message: `the table ${SESSION_TABLE} does not exist in ${where}: ${CREATE_TABLE_FIX}.` }] };
    const wrong = columnProblems(new Map(columns.map((column) => [column.name, column.type])), COLUMN_RULES, where);
    if (wrong.length > 0) return { where, problems: wrong };
    const denied = await probeAccess(
      {
        begin: async () => void db.exec('BEGIN IMMEDIATE'),
        run: async (step) => {
          const statement = db.prepare(step.sql);
          return statement.reader ? statement.all(...step.values) : void statement.run(...step.values);
        },
        rollback: async () => void db.exec('ROLLBACK'),
      },
      probeSteps(quoteIdentifier(SESSION_TABLE), () => '?', '2000-01-01 00:00:00'),
      where,
      `Make ${file} and its directory ${dirname(file)} writable by the app's user (SQLite writes its journal next to the file).`,
    );
    return { where, problems: denied === undefined ? [] : [denied] };
  } finally {
    db.close();
  }
}
