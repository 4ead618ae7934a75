import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import { createSessions, SessionConfigError, SessionStoreUnavailable } from '../../src/index.js';
import { type SqliteStore, sqliteStore } from '../../src/stores/sqlite.js';
import { describeWithDjango, django } from '../django/bridge.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { scratchDatabaseFiles } from './scratch-files.js';
import { describeSqlStore } from './sql-store.js';
import type { SqlStoreTarget } from './sql-target.js';

const newFile = scratchDatabaseFiles('sessionkit-sqlite-');
const future = (seconds = 3600): Date => new Date(Date.now() + seconds * 1000);

/** The schema rows SQLite keeps for a table (its CREATE statement and its indexes). */
function schemaOf(file: string, table = 'django_session'): Array<{ type: string; name: string; sql: string | null }> {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? ORDER BY type DESC, name').all(table) as Array<{
      type: string;
      name: string;
      sql: string | null;
    }>;
  } finally {
    db.close();
  }
}

function rawRow(file: string, key: string, table = 'django_session'): { session_data: string; expire_date: string } | undefined {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(`SELECT session_data, expire_date FROM "${table}" WHERE session_key = ?`).get(key) as
      | { session_data: string; expire_date: string }
      | undefined;
  } finally {
    db.close();
  }
}

// The shared SQL scenarios put their tables in one file, next to a connection of the test's own.
const sharedFile = newFile();
let tableCount = 0;
let sharedDb: Database.Database | undefined;
const shared = (): Database.Database => (sharedDb ??= new Database(sharedFile));
afterAll(() => sharedDb?.close());

const sqlite: SqlStoreTarget = {
  name: 'sqlite',
  newTable: () => `sk_sqlite_${++tableCount}`,
  store: (table) => sqliteStore({ path: sharedFile, table }),
  async insert(table, keys, data, seconds) {
    // Naive UTC with microseconds, as Django writes it.
    const expires = `${new Date(Date.now() + seconds * 1000).toISOString().slice(0, 23).replace('T', ' ')}000`;
    const insert = shared().prepare(`INSERT INTO "${table}" ("session_key", "session_data", "expire_date") VALUES (?, ?, ?)`);
    shared().transaction(() => {
      for (const key of keys) insert.run(key, data, expires);
    })();
  },
  async count(table, data) {
    return shared().prepare(`SELECT count(*) FROM "${table}" WHERE "session_data" = ?`).pluck().get(data) as number;
  },
};

describeSqlStore(sqlite);

describeWithDjango('sqlite store: schema and expire_date exactly as Django 3.2 writes them', () => {
  const djangoFile = newFile();
  // Whole second and a quarter past it: Django writes microseconds only when they are non-zero.
  const at = Math.floor(Date.now() / 1000);
  let sqlmigrate = '';
  let wholeKey = '';
  let fractionKey = '';

  beforeAll(async () => {
    const [, migrateSql, whole, fraction] = (await django({ DATABASE_NAME: djangoFile }, [
      { op: 'migrate' },
      { op: 'sqlmigrate', app: 'sessions', migration: '0001' },
      { op: 'session_create', engine: 'db', data: { n: 1 }, time: at },
      { op: 'session_create', engine: 'db', data: { n: 2 }, time: at + 0.25 },
    ])) as [null, string, { key: string }, { key: string }];
    sqlmigrate = migrateSql;
    wholeKey = whole.key;
    fractionKey = fraction.key;
  });

  it("creates the table and index with the statements of Django's sqlmigrate sessions 0001", async () => {
    const file = newFile();
    await sqliteStore({ path: file }).close();
    const creates = sqlmigrate
      .split('\n')
      .filter((line) => line.startsWith('CREATE '))
      .map((line) => line.replace(/;$/, ''));
    expect(creates).toHaveLength(2);
    const stored = schemaOf(file)
      .map((row) => row.sql)
      .filter((sql): sql is string => sql !== null);
    expect(stored.sort()).toEqual([...creates].sort());
  });

  it("leaves the same schema in the file as Django's migrate", async () => {
    const file = newFile();
    await sqliteStore({ path: file }).close();
    expect(schemaOf(file)).toEqual(schemaOf(djangoFile));
    expect(schemaOf(file).map((row) => row.name)).toContain('django_session_expire_date_a5c62663');
  });

  it('opens a Django-migrated file without changing its schema, with or without createTable', async () => {
    const before = schemaOf(djangoFile);
    await sqliteStore({ path: djangoFile }).close();
    await sqliteStore({ path: djangoFile, createTable: false }).close();
    expect(schemaOf(djangoFile)).toEqual(before);
  });

  it('writes expire_date byte for byte as Django does, with and without microseconds', async () => {
    const cookieAge = 1209600;
    const file = newFile();
    const store = sqliteStore({ path: file });
    const mine = [generateSessionKey(), generateSessionKey()];
    await store.create(mine[0]!, 'x', new Date((at + cookieAge) * 1000));
    await store.create(mine[1]!, 'x', new Date((at + 0.25 + cookieAge) * 1000));
    await store.close();
    const djangoWhole = rawRow(djangoFile, wholeKey)!.expire_date;
    const djangoFraction = rawRow(djangoFile, fractionKey)!.expire_date;
    expect(djangoWhole).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(djangoFraction).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.250000$/);
    expect(rawRow(file, mine[0]!)!.expire_date).toBe(djangoWhole);
    expect(rawRow(file, mine[1]!)!.expire_date).toBe(djangoFraction);
  });
});

describe('sqlite store: files and configuration', () => {
  it('turns WAL on for a file database and leaves a passed-in connection alone', async () => {
    const file = newFile();
    const store = sqliteStore({ path: file });
    const probe = new Database(file);
    expect(probe.pragma('journal_mode', { simple: true })).toBe('wal');
    probe.close();
    await store.close();

    const ownFile = newFile();
    const own = new Database(ownFile);
    const adopted = sqliteStore({ database: own });
    const key = generateSessionKey();
    expect(await adopted.create(key, 'mine', future())).toBe(true);
    await adopted.close();
    expect(own.open).toBe(true);
    expect(own.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(own.prepare('SELECT session_data FROM django_session WHERE session_key = ?').pluck().get(key)).toBe('mine');
    own.close();
  });

  it('stores an expiry anywhere in years 1 to 9999, year 1 to 99 included (not read as 1900–1999)', async () => {
    const store = sqliteStore({ path: ':memory:' });
    try {
      const key = generateSessionKey();
      expect(await store.create(key, 'data', new Date('0050-06-01T00:00:00Z'))).toBe(true);
      expect(await store.load(key)).toBeNull(); // long expired
      const later = generateSessionKey();
      expect(await store.create(later, 'data', new Date('9999-12-31T23:59:59Z'))).toBe(true);
      expect((await store.load(later))?.data).toBe('data');
    } finally {
      await store.close();
    }
  });

  it('works in memory', async () => {
    const store = sqliteStore({ path: ':memory:' });
    const key = generateSessionKey();
    await store.create(key, 'in memory', future());
    expect((await store.load(key))?.data).toBe('in memory');
    await store.close();
  });

  it('throws SessionConfigError at construction for a path in a missing directory, saying what to do', () => {
    expect(() => sqliteStore({ path: '/nonexistent/dir/db.sqlite3' })).toThrow(SessionConfigError);
    expect(() => sqliteStore({ path: '/nonexistent/dir/db.sqlite3' })).toThrow(/"\/nonexistent\/dir".*does not exist.*mkdir -p/);
  });

  it('throws SessionConfigError for a path that is a directory or not a database', () => {
    const notADatabase = newFile().replace(/\.sqlite3$/, '.txt');
    expect(() => sqliteStore({ path: dirname(notADatabase) })).toThrow(/is a directory/);
    writeFileSync(notADatabase, 'these are not the pages you are looking for\n'.repeat(20));
    expect(() => sqliteStore({ path: notADatabase })).toThrow(SessionConfigError);
    expect(() => sqliteStore({ path: notADatabase })).toThrow(/not a database/);
  });

  it.skipIf(process.getuid?.() === 0)('throws SessionConfigError for a directory it cannot write (not testable as root)', () => {
    expect(() => sqliteStore({ path: '/proc/db.sqlite3' })).toThrow(/not writable/);
  });

  it('throws SessionConfigError for a missing table when createTable is off, and for bad options', () => {
    expect(() => sqliteStore({ path: ':memory:', createTable: false })).toThrow(/no such table.*migrate/);
    expect(() => sqliteStore({ path: ':memory:', table: 'sessions"; DROP TABLE x; --' })).toThrow(/not a plain table name/);
    expect(() => sqliteStore({ path: ':memory:', busyTimeoutMs: -1 })).toThrow(/busyTimeoutMs/);
    expect(() => sqliteStore({})).toThrow(/`path` option is missing/);
    const db = new Database(':memory:');
    expect(() => sqliteStore({ path: ':memory:', database: db })).toThrow(/either `path` or `database`/);
    db.close();
    expect(() => sqliteStore({ database: db })).toThrow(/closed/);
  });

  it('migrate says "created" for the table it made on opening the file, once, and "exists" for a table it found', async () => {
    const file = newFile();
    const first = sqliteStore({ path: file });
    const second = sqliteStore({ path: file });
    try {
      expect(await second.migrate()).toBe('exists');
      expect(await first.migrate()).toBe('created');
      expect(await first.migrate()).toBe('exists');
      expect(
        schemaOf(file)
          .map((row) => row.name)
          .sort(),
      ).toEqual(['django_session', 'django_session_expire_date_a5c62663', 'sqlite_autoindex_django_session_1']);
    } finally {
      await first.close();
      await second.close();
    }
    const adopted = new Database(file);
    adopted.exec('DROP TABLE django_session');
    adopted.exec('CREATE TABLE django_session ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" datetime NOT NULL)');
    const existing = sqliteStore({ database: adopted, createTable: false });
    expect(await existing.migrate()).toBe('exists');
    // The index of an existing table is added when missing.
    expect(schemaOf(file).map((row) => row.name)).toContain('django_session_expire_date_a5c62663');
    await existing.close();
    adopted.close();
  });

  it("names a custom table's index the way Django would and keeps tables apart", async () => {
    const file = newFile();
    const custom = sqliteStore({ path: file, table: 'shop_session' });
    const standard = sqliteStore({ path: file });
    const key = generateSessionKey();
    await custom.create(key, 'shop', future());
    expect(await standard.exists(key)).toBe(false);
    const names = schemaOf(file, 'shop_session').map((row) => row.name);
    expect(names.some((name) => /^shop_session_expire_date_[0-9a-f]{8}$/.test(name))).toBe(true);
    await custom.close();
    await standard.close();
  });
});

describe('sqlite store: semantics', () => {
  let store: SqliteStore;
  let file: string;
  let clock = Date.now();
  beforeAll(() => {
    file = newFile();
    store = sqliteStore({ path: file, now: () => clock });
  });
  afterAll(() => store.close());

  it('treats expire_date equal to now as expired for load, but keeps it in clearExpired (strict comparisons)', async () => {
    clock = Date.UTC(2030, 0, 1, 12, 0, 0, 500);
    await store.clearExpired();
    const atNow = generateSessionKey();
    const justBefore = generateSessionKey();
    const justAfter = generateSessionKey();
    await store.create(atNow, 'at now', new Date(clock));
    await store.create(justBefore, 'before', new Date(clock - 1));
    await store.create(justAfter, 'after', new Date(clock + 1));
    expect(await store.load(atNow)).toBeNull();
    expect(await store.exists(atNow)).toBe(true);
    expect(await store.load(justBefore)).toBeNull();
    expect((await store.load(justAfter))?.data).toBe('after');
    expect(await store.clearExpired()).toBe(1);
    expect(await store.exists(justBefore)).toBe(false);
    expect(await store.exists(atNow)).toBe(true);
    // Updating a row that has expired but is still there is not a resurrection: Django's UPDATE finds it too.
    expect(await store.update(atNow, 'renewed', new Date(clock + 60_000))).toBe('updated');
    expect((await store.load(atNow))?.data).toBe('renewed');
  });

  it('lets SQLite errors through: a closed database fails its statements, and a request on it gets a 503', async () => {
    const closed = sqliteStore({ path: newFile() });
    await closed.close();
    await closed.close();
    await expect(closed.load(generateSessionKey())).rejects.toThrow(/not open/);

    const sessions = createSessions({ secret: TEST_SECRET, store: closed });
    const session = sessions.load(`sessionid=${generateSessionKey()}`);
    const failure = await session.get('anything').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SessionStoreUnavailable);
    expect((failure as SessionStoreUnavailable).status).toBe(503);
  });

  it('refuses to store an expiry SQLite text cannot order (beyond year 9999)', async () => {
    await expect(store.create(generateSessionKey(), 'x', new Date(Date.UTC(10000, 0, 1)))).rejects.toBeInstanceOf(RangeError);
  });
});
