/**
 * Per-session locks for the sqlite store that hold across every process sharing the database file.
 *
 * A lock is a row of the `sessionkit_lock` table. Taking it is one UPSERT — insert the row, or take over a
 * row whose holder let it expire — and SQLite runs a write statement under the database's write lock, so
 * two processes can never both succeed. Waiters in this process queue in memory first, so only the head
 * of the queue polls the database however many requests of one session arrive at once.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { HeldLock, LockOptions } from '../../core/store-contract.js';
import { LocalLocks } from '../internal/local-locks.js';
import { acquirePollingLock, lockToken } from '../internal/polling-lock.js';
import type { SqliteDatabase } from './open.js';
import { LOCK_TABLE, LOCK_TABLE_DDL, quoteIdentifier } from './schema.js';

interface LockStatements {
  readonly take: BetterSqlite3.Statement<[string, string, string, number, number]>;
  readonly release: BetterSqlite3.Statement<[string, string, string]>;
}

/** The lock table of one session table. */
export class SqliteLocks {
  readonly #db: SqliteDatabase;
  readonly #sessionTable: string;
  readonly #local = new LocalLocks();
  #statements: LockStatements | undefined;

  constructor(db: SqliteDatabase, sessionTable: string) {
    this.#db = db;
    this.#sessionTable = sessionTable;
  }

  /** Takes the lock on `key` within `options.waitMs`, else rejects with `SessionLockTimeout`. */
  acquire(key: string, options: LockOptions): Promise<HeldLock> {
    const owner = lockToken();
    return acquirePollingLock(this.#local, key, options, {
      tryAcquire: () => {
        const now = Date.now();
        return this.#prepared().take.run(this.#sessionTable, key, owner, now + options.ttlMs, now).changes === 1;
      },
      release: async () => {
        // Only our own row: after our TTL ran out another holder may have taken the lock over.
        this.#prepared().release.run(this.#sessionTable, key, owner);
      },
    });
  }

  /** Removes locks whose holders died without releasing them (nothing to do when no lock was ever taken). */
  purgeExpired(): void {
    const exists = this.#db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(LOCK_TABLE);
    if (exists === undefined) return;
    this.#db.prepare(`DELETE FROM ${quoteIdentifier(LOCK_TABLE)} WHERE "expires_at" <= ?`).run(Date.now());
  }

  #prepared(): LockStatements {
    if (this.#statements) return this.#statements;
    this.#db.exec(LOCK_TABLE_DDL);
    const table = quoteIdentifier(LOCK_TABLE);
    this.#statements = {
      take: this.#db.prepare(
        `INSERT INTO ${table} ("session_table", "session_key", "owner", "expires_at") VALUES (?, ?, ?, ?) ` +
          `ON CONFLICT ("session_table", "session_key") DO UPDATE SET "owner" = excluded."owner", "expires_at" = excluded."expires_at" ` +
          `WHERE ${table}."expires_at" <= ?`,
      ),
      release: this.#db.prepare(`DELETE FROM ${table} WHERE "session_table" = ? AND "session_key" = ? AND "owner" = ?`),
    };
    return this.#statements;
  }
}
