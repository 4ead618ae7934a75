/**
 * The PostgreSQL dialect of the SQL store, with `pg`: `expire_date` is a `timestamp with time zone`, so
 * instants go to the driver as they are; the table and indexes are Django's migration `sessions.0001` for
 * PostgreSQL; per-session locks are advisory locks, each held on a connection of the lock pool.
 */
import { createHash } from 'node:crypto';
import type * as pg from 'pg';
import type { MigrateOutcome } from '../../core/store-contract.js';
import type { SessionTable } from '../internal/sql-table-name.js';
import type { SqlDialect, SqlStatements } from './dialect.js';
import { djangoIndexName } from './django-index-name.js';
import { ServerDialect, type ServerPools } from './server.js';

/** PostgreSQL's identifier limit (NAMEDATALEN - 1), as Django's backend uses for index names. */
export const POSTGRES_MAX_IDENTIFIER_LENGTH = 63;
// SQLSTATEs: unique_violation (the insert says ON CONFLICT DO NOTHING, so it does not come) and undefined_table.
const UNIQUE_VIOLATION = '23505';
const UNDEFINED_TABLE = '42P01';
// First key of the two-key advisory lock that serialises table creation ('sk' in ASCII). Session locks
// use the one-key (bigint) form, a separate key space.
const SETUP_LOCK_NAMESPACE = 0x736b;

function postgresStatements(t: string): SqlStatements {
  return {
    load: `SELECT session_data FROM ${t} WHERE session_key = $1 AND expire_date > $2`,
    exists: `SELECT 1 FROM ${t} WHERE session_key = $1`,
    insert: `INSERT INTO ${t} (session_key, session_data, expire_date) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
    update: `UPDATE ${t} SET session_data = $1, expire_date = $2 WHERE session_key = $3`,
    updateIfUnchanged: `UPDATE ${t} SET session_data = $1, expire_date = $2 WHERE session_key = $3 AND session_data = $4`,
    delete: `DELETE FROM ${t} WHERE session_key = $1`,
    countExpired: `SELECT count(*) AS expired FROM ${t} WHERE expire_date < $1`,
    listPage:
      `SELECT session_key, expire_date, octet_length(session_data) AS size FROM ${t} ` +
      `WHERE expire_date > $1 AND session_key > $2 ORDER BY session_key LIMIT $3`,
    // By row address (a TID scan) rather than `session_key IN (...)`, which PostgreSQL plans as a scan of
    // the whole table per batch. The rows are locked, so their addresses cannot change meanwhile, and rows
    // a concurrent request has locked are skipped rather than waited for (the next run clears them).
    clearExpired: {
      deleteUpTo: `DELETE FROM ${t} WHERE ctid = ANY (ARRAY (SELECT ctid FROM ${t} WHERE expire_date < $1 LIMIT $2 FOR UPDATE SKIP LOCKED))`,
    },
  };
}

/** PostgreSQL, on a pool. */
export class PostgresDialect extends ServerDialect<pg.Pool, pg.PoolClient> implements SqlDialect {
  readonly name = 'postgres';
  readonly factory = 'postgresStore';
  readonly errorCodes = { duplicateKey: UNIQUE_VIOLATION, missingTable: UNDEFINED_TABLE };

  constructor(table: SessionTable, pools: ServerPools<pg.Pool>) {
    super(table, postgresStatements(table.quoted), pools);
  }

  async rows<R>(sql: string, values: readonly unknown[]): Promise<readonly R[]> {
    return (await this.pools.pool.query(sql, [...values])).rows as R[];
  }

  async row<R>(sql: string, values: readonly unknown[]): Promise<R | undefined> {
    return (await this.rows<R>(sql, values))[0];
  }

  async changes(sql: string, values: readonly unknown[]): Promise<number> {
    return (await this.pools.pool.query(sql, [...values])).rowCount ?? 0;
  }

  writeDate(date: Date): Date {
    return date;
  }

  readDate(value: unknown): Date | null {
    return value instanceof Date ? value : null;
  }

  errorCode(error: unknown): unknown {
    return (error as { code?: unknown } | null)?.code;
  }

  async createTableIfMissing(): Promise<MigrateOutcome> {
    const client = await this.pools.pool.connect();
    let broken = false;
    const tableExists = async (): Promise<boolean> =>
      (await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [this.quotedTable])).rows[0]!.found !== null;
    try {
      if (await tableExists()) return 'exists';
      // Two processes starting at once would both see no table; CREATE ... IF NOT EXISTS alone can then
      // still fail on a catalog unique index, so creation is serialised with an advisory lock. It is taken
      // outside any transaction: the one begun afterwards sees the table a previous holder made (a
      // transaction already open would keep its stale view of the catalog).
      const lockKey = [SETUP_LOCK_NAMESPACE, createHash('sha256').update(this.quotedTable).digest().readInt32BE(0)];
      await client.query('SELECT pg_advisory_lock($1, $2)', lockKey);
      try {
        if (await tableExists()) return 'exists';
        await client.query('BEGIN');
        try {
          for (const statement of this.#djangoDdl()) await client.query(statement);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        }
        return 'created';
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, $2)', lockKey);
      }
    } catch (error) {
      // Destroying the connection also frees the advisory lock, should unlocking have failed.
      broken = true;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  protected connect(pool: pg.Pool): Promise<pg.PoolClient> {
    return pool.connect();
  }

  protected async tryLock(client: pg.PoolClient, key: string): Promise<boolean> {
    return (await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [this.#lockId(key)])).rows[0]!.locked;
  }

  protected async unlock(client: pg.PoolClient, key: string): Promise<void> {
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [this.#lockId(key)]);
  }

  protected release(client: pg.PoolClient, broken: boolean): void {
    client.release(broken);
  }

  /** A 64-bit advisory lock id for `key`, scoped to this table. */
  #lockId(key: string): string {
    const digest = createHash('sha256').update(`${this.quotedTable}\0${key}`).digest();
    return digest.readBigInt64BE(0).toString();
  }

  /** Django's migration `sessions.0001` for PostgreSQL, made idempotent. */
  #djangoDdl(): string[] {
    const table = this.table.name.table;
    const t = this.quotedTable;
    const expireIndex = djangoIndexName(table, ['expire_date'], '', POSTGRES_MAX_IDENTIFIER_LENGTH);
    const likeIndex = djangoIndexName(table, ['session_key'], '_like', POSTGRES_MAX_IDENTIFIER_LENGTH);
    return [
      `CREATE TABLE IF NOT EXISTS ${t} ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" timestamp with time zone NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS "${expireIndex}" ON ${t} ("expire_date")`,
      `CREATE INDEX IF NOT EXISTS "${likeIndex}" ON ${t} ("session_key" varchar_pattern_ops)`,
    ];
  }
}
