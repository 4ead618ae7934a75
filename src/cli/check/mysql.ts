/**
 * `sessionkit check` on MySQL or MariaDB: the server answers to the URL's user, `django_session` is there
 * with Django's columns, and the user may insert, update, read and delete rows in it (a probe inside a
 * rolled-back transaction, which also catches a read-only server).
 */
import type * as mysql from 'mysql2/promise';
import { mysqlLocation, mysqlProduct } from '../../config/sql-databases.js';
import { mysqlSettingsFromUrl } from '../../stores/internal/mysql-url.js';
import { loadOptionalDriver } from '../../stores/internal/optional-driver.js';
import { reasonOf } from '../failures.js';
import { CHECK_IDS, type Problem, type StoreCheck } from './problem.js';
import { CREATE_TABLE_FIX, columnProblems, probeAccess, probeSteps, SESSION_TABLE, sessionColumnRules } from './session-table.js';

const TIMEOUT_MS = 5000;
const ER_NO_SUCH_TABLE = 1146;
const COLUMN_RULES = sessionColumnRules({ key: /^(varchar|char)\b/, data: /^((long|medium|tiny)?text|varchar)\b/, expiry: /^(datetime|timestamp)\b/ });

/** Checks the session table of the MySQL or MariaDB database `url` names (a URL the settings accepted). */
export async function checkMysql(url: string): Promise<StoreCheck> {
  const { connection: settings, connectTimeoutMs } = mysqlSettingsFromUrl(url);
  const where = `${mysqlProduct(url)} ${mysqlLocation(settings)}`;
  const driver = loadOptionalDriver<typeof mysql>('mysql2/promise', 'mysqlStore');
  let connection: mysql.Connection;
  try {
    connection = await driver.createConnection({ ...settings, connectTimeout: connectTimeoutMs ?? TIMEOUT_MS });
  } catch (error) {
    return {
      where,
      problems: [
        {
          id: CHECK_IDS.unreachable,
          message: `cannot connect to ${where} as ${settings.user ?? ''}: ${reasonOf(error)}. Check that the server runs and that DATABASE_URL names its host, port, user, password and database.`,
        },
      ],
    };
  }
  connection.on('error', () => {});
  try {
    return { where, problems: await tableProblems(connection, where, settings.database ?? '') };
  } finally {
    await connection.end().catch(() => connection.destroy());
  }
}

async function tableProblems(connection: mysql.Connection, where: string, database: string): Promise<Problem[]> {
  const rows = async <R>(sql: string, values: unknown[] = []): Promise<R[]> => (await connection.query({ sql, timeout: TIMEOUT_MS }, values))[0] as R[];
  const [{ account } = { account: '' }] = await rows<{ account: string }>('SELECT CURRENT_USER() AS account');
  const grant = `GRANT SELECT, INSERT, UPDATE, DELETE ON \`${database}\`.\`${SESSION_TABLE}\` TO ${quotedAccount(account)};`;
  // information_schema shows only the tables the user holds some privilege on.
  const columns = await rows<{ name: string; type: string }>(
    'SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?',
    [SESSION_TABLE],
  );
  if (columns.length === 0) {
    try {
      await rows(`SELECT 1 FROM \`${SESSION_TABLE}\` LIMIT 0`);
    } catch (error) {
      if ((error as { errno?: unknown }).errno === ER_NO_SUCH_TABLE) {
        return [{ id: CHECK_IDS.noTable, message: `the table ${SESSION_TABLE} does not exist in ${where}: ${CREATE_TABLE_FIX}.` }];
      }
      return [{ id: CHECK_IDS.noAccess, message: `the user ${account} may not use ${SESSION_TABLE} (${where}): ${reasonOf(error)}. Grant it: ${grant}` }];
    }
  }
  const wrong = columnProblems(new Map(columns.map((column) => [column.name, column.type])), COLUMN_RULES, where);
  if (wrong.length > 0) return wrong;
  const denied = await probeAccess(
    {
      begin: async () => void (await rows('START TRANSACTION')),
      run: async (step) => {
        const result = await rows<unknown>(step.sql, [...step.values]);
        return Array.isArray(result) ? result : undefined;
      },
      rollback: async () => void (await rows('ROLLBACK')),
    },
    probeSteps(`\`${SESSION_TABLE}\``, () => '?', '2000-01-01 00:00:00'),
    where,
    `Grant the user what it lacks: ${grant} (and connect to a server that is not read-only).`,
  );
  return denied === undefined ? [] : [denied];
}

/** `app@%` as `'app'@'%'`, as GRANT writes an account. */
function quotedAccount(account: string): string {
  const at = account.lastIndexOf('@');
  const quote = (part: string): string => `'${part.replaceAll("'", "''")}'`;
  return at === -1 ? quote(account) : `${quote(account.slice(0, at))}@${quote(account.slice(at + 1))}`;
}
