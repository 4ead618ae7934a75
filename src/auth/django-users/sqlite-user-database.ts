/**
 * A SQLite connection of the user source's own, for a `sqlite:` URL: unlike the session store's, it needs
 * no `django_session` table, and leaves the file's settings (journal mode) as they are.
 * @module
 */
import type BetterSqlite3 from 'better-sqlite3';
import { SessionConfigError } from '../../errors.js';
import { loadOptionalDriver } from '../../stores/internal/optional-driver.js';
import { SqliteStatementRunner } from '../../stores/sqlite/statement-runner.js';
import type { UserDatabase } from './user-database.js';

type DatabaseConstructor = new (path: string, options?: BetterSqlite3.Options) => BetterSqlite3.Database;

// How long a write waits for another connection's write to finish (Django's processes, the session store's).
const BUSY_TIMEOUT_MS = 5000;

/** One better-sqlite3 connection, its statements prepared once. */
export class SqliteUserDatabase extends SqliteStatementRunner implements UserDatabase {
  readonly name = 'sqlite';
  readonly description: string;
  readonly #db: BetterSqlite3.Database;

  /**
   * @param file - The database file (created when missing) or `:memory:`.
   * @throws SessionConfigError when better-sqlite3 is missing or the file cannot be opened.
   */
  constructor(file: string, description: string) {
    const db = openDatabase(file);
    super(db);
    this.#db = db;
    this.description = description;
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

function openDatabase(file: string): BetterSqlite3.Database {
  const Database = loadOptionalDriver<DatabaseConstructor>('better-sqlite3', 'djangoUsers on SQLite');
  try {
    return new Database(file, { timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new SessionConfigError(
      `cannot open the SQLite database ${file}: ${error instanceof Error ? error.message : String(error)}. Check the path and its permissions.`,
    );
  }
}
