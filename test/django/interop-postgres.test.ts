/**
 * Django 3.2's `db` engine (psycopg2) and sessionkit's PostgreSQL store on the same server
 * (127.0.0.1:5432, database `test`; set SESSIONKIT_PG_URL to use another). Each scenario works in fresh
 * schemas of its own: Django reaches one through `search_path`, the store as `<schema>.django_session`.
 */
import pg from 'pg';
import { expect } from 'vitest';
import { postgresStore } from '../../src/stores/postgres.js';
import { djangoDatabaseSettings, djangoDriverFor } from './bridge.js';
import { describeSqlInterop, type InteropDatabase, reachability, type SessionRow, scratchNames, withoutPassword } from './sql-interop.js';

const PG_URL = process.env['SESSIONKIT_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

// Connections for creating, inspecting and dropping schemas, independent of the stores under test.
const admin = new pg.Pool({ connectionString: PG_URL, max: 3, connectionTimeoutMillis: 3000 });
admin.on('error', () => {});
const unreachable = await reachability(admin.query('SELECT 1'));

/** New, empty schemas, dropped at the end of the file. */
const schemas = scratchNames((schema) => admin.query(`CREATE SCHEMA "${schema}"`));
const createSchema = (): Promise<string> => schemas.create();

const newSchema = async (): Promise<InteropDatabase> => inSchema(await createSchema());

/** Runs `work` on a connection whose search_path is `schema` alone. */
async function withSearchPath<T>(schema: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await admin.connect();
  try {
    await client.query(`SET search_path TO "${schema}"`);
    return await work(client);
  } finally {
    client.release(true);
  }
}

function inSchema(schema: string): InteropDatabase {
  const table = `"${schema}".django_session`;
  return {
    djangoSettings: djangoDatabaseSettings(PG_URL, { options: { options: `-c search_path=${schema}` } }),
    store: () => postgresStore({ url: PG_URL, table: `${schema}.django_session` }),
    async rows() {
      const { rows } = await admin.query<{ session_key: string; session_data: string; expire_date: string }>(
        `SELECT session_key, session_data, to_char(expire_date AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS expire_date FROM ${table}`,
      );
      return new Map<string, SessionRow>(rows.map((row) => [row.session_key, { data: row.session_data, expireDate: row.expire_date }]));
    },
    async catalog() {
      const columns = await admin.query(
        `SELECT attname, format_type(atttypid, atttypmod) AS type, attnotnull, atthasdef, attidentity, collname
         FROM pg_attribute LEFT JOIN pg_collation ON pg_collation.oid = attcollation
         WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
        [table],
      );
      const constraints = await admin.query(
        `SELECT conname, contype, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass ORDER BY conname`,
        [table],
      );
      const indexes = await admin.query<{ def: string }>(`SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = $1::regclass ORDER BY 1`, [
        table,
      ]);
      const kind = await admin.query(`SELECT relkind, relpersistence FROM pg_class WHERE oid = $1::regclass`, [table]);
      return {
        table: kind.rows,
        columns: columns.rows,
        constraints: constraints.rows,
        indexes: indexes.rows.map((row) => row.def.replace(` ON ${schema}.`, ' ON ')),
      };
    },
    async execute(sql) {
      await withSearchPath(schema, (client) => client.query(sql));
    },
    async copy() {
      const target = await createSchema();
      await admin.query(`CREATE TABLE "${target}".django_session (LIKE ${table} INCLUDING ALL)`);
      await admin.query(`INSERT INTO "${target}".django_session SELECT * FROM ${table}`);
      return inSchema(target);
    },
  };
}

describeSqlInterop({
  label: `PostgreSQL at ${withoutPassword(PG_URL)}`,
  unreachable,
  driver: djangoDriverFor(PG_URL),
  newDatabase: newSchema,
  async cleanup() {
    if (!unreachable) for (const schema of schemas.names) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  },
  checkDjangoTable(catalog, sqlmigrate) {
    // §4.1's PostgreSQL DDL, as Django printed and ran it.
    expect(sqlmigrate).toContain(
      'CREATE TABLE "django_session" ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" timestamp with time zone NOT NULL);',
    );
    expect(catalog).toMatchObject({
      columns: [
        { attname: 'session_key', type: 'character varying(40)', attnotnull: true },
        { attname: 'session_data', type: 'text', attnotnull: true },
        { attname: 'expire_date', type: 'timestamp with time zone', attnotnull: true },
      ],
      constraints: [{ conname: 'django_session_pkey', contype: 'p', def: 'PRIMARY KEY (session_key)' }],
      indexes: [
        'CREATE INDEX django_session_expire_date_a5c62663 ON django_session USING btree (expire_date)',
        'CREATE INDEX django_session_session_key_c0390e0f_like ON django_session USING btree (session_key varchar_pattern_ops)',
        'CREATE UNIQUE INDEX django_session_pkey ON django_session USING btree (session_key)',
      ],
    });
  },
});
