/**
 * Django's `db` engine (3.2 and 5.2) and sessionkit's SQLite store on the same file, in both directions:
 * each side reads, updates, expires, clears and deletes what the other wrote (the scenarios of
 * sql-interop.ts, on SQLite files).
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { sqliteStore } from '../../src/stores/sqlite.js';
import { describeSqlInterop, type InteropDatabase, type SessionRow } from './sql-interop.js';

const dir = mkdtempSync(join(tmpdir(), 'sessionkit-django-db-'));
let fileCount = 0;
const newFile = (): string => join(dir, `django${++fileCount}.sqlite3`);

/** Runs `work` on `file`, opened for this call only. */
function withFile<T>(file: string, work: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    return work(db);
  } finally {
    db.close();
  }
}

/** Django writes SQLite datetimes as Python's isoformat does: no fraction when it is zero. */
const withMicroseconds = (text: string): string => (text.includes('.') ? text.padEnd(26, '0') : `${text}.000000`);

function inFile(file: string): InteropDatabase {
  return {
    djangoSettings: { DATABASE_NAME: file },
    store: () => sqliteStore({ path: file }),
    async rows() {
      const rows = withFile(file, (db) => db.prepare('SELECT session_key, session_data, expire_date FROM django_session').all()) as Array<{
        session_key: string;
        session_data: string;
        expire_date: string;
      }>;
      return new Map<string, SessionRow>(rows.map((row) => [row.session_key, { data: row.session_data, expireDate: withMicroseconds(row.expire_date) }]));
    },
    async catalog() {
      return withFile(file, (db) => ({
        // SQLite's type names are case-insensitive: Django's migrate writes TEXT where sqlmigrate prints text.
        columns: (db.prepare('PRAGMA table_info(django_session)').all() as Array<{ type: string }>).map((column) => ({
          ...column,
          type: column.type.toLowerCase(),
        })),
        indexes: (db.prepare('PRAGMA index_list(django_session)').all() as Array<{ name: string }>).map((index) => ({
          ...index,
          columns: db.prepare(`PRAGMA index_info("${index.name}")`).all(),
        })),
      }));
    },
    async execute(sql) {
      withFile(file, (db) => db.exec(sql));
    },
    async copy() {
      const target = newFile();
      copyFileSync(file, target);
      for (const extra of ['-wal', '-shm']) if (existsSync(file + extra)) copyFileSync(file + extra, target + extra);
      return inFile(target);
    },
  };
}

describeSqlInterop({
  label: 'SQLite',
  unreachable: undefined,
  newDatabase: async () => inFile(newFile()),
  async cleanup() {
    rmSync(dir, { recursive: true, force: true });
  },
  checkDjangoTable(catalog, sqlmigrate) {
    // §4.1's SQLite DDL, as Django printed and ran it.
    expect(sqlmigrate).toContain(
      'CREATE TABLE "django_session" ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" datetime NOT NULL);',
    );
    expect(catalog).toMatchObject({
      columns: [
        { name: 'session_key', type: 'varchar(40)', notnull: 1, pk: 1 },
        { name: 'session_data', type: 'text', notnull: 1, pk: 0 },
        { name: 'expire_date', type: 'datetime', notnull: 1, pk: 0 },
      ],
    });
    expect((catalog as { indexes: Array<{ name: string }> }).indexes.map((index) => index.name).sort()).toEqual([
      'django_session_expire_date_a5c62663',
      'sqlite_autoindex_django_session_1',
    ]);
  },
});
