/**
 * Django 3.2's `db` engine (mysqlclient) and sessionkit's MySQL/MariaDB store on the same server
 * (127.0.0.1:3306, user root; set SESSIONKIT_MYSQL_URL to use another). Each scenario works in fresh
 * databases of its own (`sk_interop_<run>_<n>`), dropped afterwards; Django and the store both use the
 * default table name there.
 */
import mysql from 'mysql2/promise';
import { expect } from 'vitest';
import { mysqlStore } from '../../src/stores/mysql.js';
import { djangoDatabaseSettings, djangoDriverFor } from './bridge.js';
import { describeSqlInterop, type InteropDatabase, reachability, type SessionRow, scratchNames, withoutPassword } from './sql-interop.js';

const MYSQL_URL = process.env['SESSIONKIT_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/test';

// Connections for creating, inspecting and dropping databases, independent of the stores under test.
const admin = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 3, connectTimeout: 3000 });
const unreachable = await reachability(admin.query('SELECT 1'));

/** New, empty databases, dropped at the end of the file. */
const databases = scratchNames((database) => admin.query(`CREATE DATABASE \`${database}\``));
const createDatabase = (): Promise<string> => databases.create();

const newDatabase = async (): Promise<InteropDatabase> => inDatabase(await createDatabase());

/** `MYSQL_URL` with `database` as its database. */
function urlOf(database: string): string {
  const url = new URL(MYSQL_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function query<R>(sql: string, values: unknown[] = []): Promise<R[]> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>(sql, values);
  return rows as R[];
}

function inDatabase(database: string): InteropDatabase {
  const table = `\`${database}\`.django_session`;
  const where = 'TABLE_SCHEMA = ? AND TABLE_NAME = ?';
  const names = [database, 'django_session'];
  return {
    djangoSettings: djangoDatabaseSettings(MYSQL_URL, { name: database }),
    store: () => mysqlStore({ url: urlOf(database) }),
    async rows() {
      const rows = await query<{ session_key: string; session_data: string; expire_date: string }>(
        `SELECT session_key, session_data, DATE_FORMAT(expire_date, '%Y-%m-%d %H:%i:%s.%f') AS expire_date FROM ${table}`,
      );
      return new Map<string, SessionRow>(rows.map((row) => [row.session_key, { data: row.session_data, expireDate: row.expire_date }]));
    },
    async catalog() {
      return {
        table: await query(`SELECT ENGINE, TABLE_COLLATION, ROW_FORMAT FROM information_schema.TABLES WHERE ${where}`, names),
        columns: await query(
          `SELECT COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY, COLUMN_DEFAULT, EXTRA, CHARACTER_SET_NAME, COLLATION_NAME
           FROM information_schema.COLUMNS WHERE ${where} ORDER BY ORDINAL_POSITION`,
          names,
        ),
        indexes: await query(
          `SELECT INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE, INDEX_TYPE, SUB_PART FROM information_schema.STATISTICS
           WHERE ${where} ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
          names,
        ),
      };
    },
    async execute(sql) {
      const connection = await mysql.createConnection({ uri: urlOf(database), connectTimeout: 3000 });
      try {
        const statements = sql
          .split('\n')
          .filter((line) => !line.startsWith('--'))
          .join('\n')
          .split(/;\s*(?:\n|$)/)
          .map((statement) => statement.trim())
          .filter((statement) => statement !== '');
        for (const statement of statements) await connection.query(statement);
      } finally {
        await connection.end();
      }
    },
    async copy() {
      const target = await createDatabase();
      await admin.query(`CREATE TABLE \`${target}\`.django_session LIKE ${table}`);
      await admin.query(`INSERT INTO \`${target}\`.django_session SELECT * FROM ${table}`);
      return inDatabase(target);
    },
  };
}

describeSqlInterop({
  label: `MySQL at ${withoutPassword(MYSQL_URL)}`,
  unreachable,
  driver: djangoDriverFor(MYSQL_URL),
  newDatabase,
  async cleanup() {
    if (!unreachable) for (const database of databases.names) await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
  },
  checkDjangoTable(catalog, sqlmigrate) {
    // §4.1's MySQL DDL, as Django printed and ran it.
    expect(sqlmigrate).toContain(
      'CREATE TABLE `django_session` (`session_key` varchar(40) NOT NULL PRIMARY KEY, `session_data` longtext NOT NULL, `expire_date` datetime(6) NOT NULL);',
    );
    expect(sqlmigrate).toContain('CREATE INDEX `django_session_expire_date_a5c62663` ON `django_session` (`expire_date`);');
    expect(catalog).toMatchObject({
      columns: [
        { COLUMN_NAME: 'session_key', COLUMN_TYPE: 'varchar(40)', IS_NULLABLE: 'NO', COLUMN_KEY: 'PRI' },
        { COLUMN_NAME: 'session_data', COLUMN_TYPE: 'longtext', IS_NULLABLE: 'NO' },
        { COLUMN_NAME: 'expire_date', COLUMN_TYPE: 'datetime(6)', IS_NULLABLE: 'NO', COLUMN_KEY: 'MUL' },
      ],
      // information_schema's collation ignores case, so PRIMARY sorts after django_…
      indexes: [
        { INDEX_NAME: 'django_session_expire_date_a5c62663', COLUMN_NAME: 'expire_date', NON_UNIQUE: 1 },
        { INDEX_NAME: 'PRIMARY', COLUMN_NAME: 'session_key', NON_UNIQUE: 0 },
      ],
    });
  },
});
