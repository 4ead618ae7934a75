/**
 * `sessionkit check` on PostgreSQL: the server answers to the URL's user, `django_session` is there with
 * Django's columns, the user holds the privileges on it, and a write inside a rolled-back transaction
 * works (which also catches a read-only server or transaction).
 */
import type * as pg from 'pg';
import { loadOptionalDriver } from '../../stores/internal/optional-driver.js';
import { postgresSettingsFromUrl } from '../../stores/internal/postgres-url.js';
import { reasonOf } from '../failures.js';
import { CHECK_IDS, type Problem, type StoreCheck } from './problem.js';
import { CREATE_TABLE_FIX, columnProblems, probeAccess, probeSteps, SESSION_TABLE, sessionColumnRules } from './session-table.js';

const TIMEOUT_MS = 5000;
const PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];
const COLUMN_RULES = sessionColumnRules({ key: /^(character varying|character|text)\b/, data: /^(text|character varying)\b/, expiry: /^timestamp\b/ });

/** Checks the session table of the PostgreSQL database `url` names (a URL the settings accepted). */
export async function checkPostgres(url: string): Promise<StoreCheck> {
  const settings = postgresSettingsFromUrl(url);
  const where = `PostgreSQL ${settings.description}`;
  const user = settings.connection.user ?? '';
  const driver = loadOptionalDriver<typeof pg>('pg', 'postgresStore');
  const client = new driver.Client({
    ...settings.connection,
    connectionTimeoutMillis: settings.connectTimeoutMs ?? TIMEOUT_MS,
    statement_timeout: TIMEOUT_MS,
    query_timeout: TIMEOUT_MS + 1000,
  });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    return problem(where, {
      id: CHECK_IDS.unreachable,
      message: `cannot connect to ${where} as ${user}: ${reasonOf(error)}. Check that the server runs and that DATABASE_URL names its host, port, user, password and database.`,
    });
  }
  try {
    return { where, problems: await tableProblems(client, where, user) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function tableProblems(client: pg.Client, where: string, user: string): Promise<Problem[]> {
  const found = (await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [SESSION_TABLE])).rows[0]?.found ?? null;
  if (found === null) {
    return [
      { id: CHECK_IDS.noTable, message: `the table ${SESSION_TABLE} does not exist in ${where} (or is not on the user's search_path): ${CREATE_TABLE_FIX}.` },
    ];
  }
  const { rows: columns } = await client.query<{ name: string; type: string }>(
    'SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped',
    [SESSION_TABLE],
  );
  const wrong = columnProblems(new Map(columns.map((column) => [column.name, column.type])), COLUMN_RULES, where);
  if (wrong.length > 0) return wrong;
  const grant = `GRANT SELECT, INSERT, UPDATE, DELETE ON ${SESSION_TABLE} TO "${user.replaceAll('"', '""')}"`;
  const { rows: lacking } = await client.query<{ privilege: string }>(
    'SELECT privilege FROM unnest($2::text[]) AS privilege WHERE NOT has_table_privilege(to_regclass($1), privilege)',
    [SESSION_TABLE, PRIVILEGES],
  );
  if (lacking.length > 0) {
    const missing = lacking.map((row) => row.privilege).join(', ');
    return [
      { id: CHECK_IDS.noAccess, message: `the user ${user} lacks ${missing} on ${SESSION_TABLE} (${where}). Grant them as the table's owner: ${grant};` },
    ];
  }
  const denied = await probeAccess(
    {
      begin: async () => void (await client.query('BEGIN')),
      run: async (step) => (await client.query(step.sql, [...step.values])).rows,
      rollback: async () => void (await client.query('ROLLBACK')),
    },
    probeSteps(SESSION_TABLE, (n) => `$${n}`, new Date(0)),
    where,
    `The user ${user} holds the privileges, so something else refuses: connect to the primary server rather than a read-only replica, and look for default_transaction_read_only, row-level policies or triggers on ${SESSION_TABLE}.`,
  );
  return denied === undefined ? [] : [denied];
}

function problem(where: string, found: Problem): StoreCheck {
  return { where, problems: [found] };
}
