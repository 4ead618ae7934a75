/**
 * `sessionkit check` as an operator runs it: against real SQLite files, PostgreSQL, MariaDB, Redis and
 * memcached. A clean configuration exits 0; each problem exits 1 with its id and its fix on a line of
 * its own; nothing is created (no database file, no table) and no secret is printed.
 */
import { chmodSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { weakSecretReasons } from '../../src/cli/check/settings.js';
import { DEVELOPMENT_SECRET_KEY } from '../../src/config/env.js';
import { isWeakSecret } from '../../src/options.js';
import { describeIfAvailable } from '../helpers/gate.js';
import {
  createScratchMysql,
  createScratchPostgres,
  deleteRedisKeys,
  openScratchServers,
  REDIS_URL,
  type ScratchDatabase,
  uniqueName,
} from '../helpers/scratch-databases.js';
import { OLD_SECRET, TEST_SECRET } from '../helpers/secrets.js';
import { freePort, MEMCACHED_BIN, missingExecutables, startMemcached, useServer } from '../helpers/servers.js';
import { type CliRun, cliScratch, runCli } from './run-cli.js';

const newDirectory = cliScratch('check');
const servers = await openScratchServers('check');
const { postgres, mysql: mariadb, redis, redisPrefix, postgresUnavailable, mysqlUnavailable, redisUnavailable } = servers;
afterAll(async () => {
  await servers.cleanup();
});

const isRoot = process.getuid?.() === 0;
const WEAK_SECRET = 'hunter2-weak-secret';

/** A fresh private directory under the scratch directory. */
function directory(mode = 0o700): string {
  const path = newDirectory();
  chmodSync(path, mode);
  return path;
}

/** `sessionkit check` with a strong secret and `env`; `cwd` an empty directory unless given. */
function check(env: Record<string, string>, args: string[] = [], cwd = directory()): Promise<CliRun> {
  return runCli(['check', ...args], { SECRET_KEY: TEST_SECRET, ...env }, { cwd });
}

/** The ids of the problem lines on stdout, in order. */
function ids(run: CliRun): string[] {
  return run.stdout
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('No problems found'))
    .map((line) => /^([a-z]+\.[EW]\d{3}): \S/.exec(line)?.[1] ?? `unexpected line: ${line}`);
}

/** Asserts a failed run listing exactly `expected` (ids) and saying how many on stderr. */
function expectProblems(run: CliRun, expected: string[]): void {
  expect(ids(run)).toEqual(expected);
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(new RegExp(`^sessionkit: check found ${expected.length} problems?\\b`, 'm'));
}

/** Asserts a clean run: exit 0 and the closing line naming what was checked. */
function expectClean(run: CliRun, checked: RegExp): void {
  expect({ status: run.status, stdout: run.stdout }).toMatchObject({ status: 0, stdout: expect.stringMatching(/^No problems found/) });
  expect(run.stdout).toMatch(checked);
}

/** A SQLite file holding Django's session table, made by `sessionkit migrate`. */
async function migratedSqlite(): Promise<string> {
  const cwd = directory();
  const file = join(cwd, 'db.sqlite3');
  expect((await runCli(['migrate'], { DATABASE_URL: `sqlite:///${file}` }, { cwd })).status).toBe(0);
  return file;
}

describe('the weak-secret rules are those of createSessions (Django W009)', () => {
  it.each(['short', 'a'.repeat(60), 'ab'.repeat(40), `django-insecure-${'x1y2z3'.repeat(10)}`, TEST_SECRET, OLD_SECRET, `${'é'.repeat(49)}abcd`])(
    'agree on %j',
    (secret) => {
      expect(weakSecretReasons(secret).length > 0).toBe(isWeakSecret(secret));
    },
  );

  it('names every rule a secret breaks', () => {
    expect(weakSecretReasons('django-insecure-aaaa')).toEqual([
      'it has 20 characters, fewer than 50',
      'it starts with "django-insecure-", the mark of a key made for development',
    ]);
    expect(weakSecretReasons('abab')).toEqual(['it has 4 characters, fewer than 50', 'it has 2 distinct characters, fewer than 5']);
  });
});

describe('on SQLite', () => {
  it('passes a migrated database and leaves its table empty', async () => {
    const file = await migratedSqlite();
    const run = await check({ DATABASE_URL: `sqlite:///${file}`, SESSION_COOKIE_SECURE: 'True' }, ['--https']);
    expectClean(run, new RegExp(`^No problems found \\(SQLite ${file}\\)\\.\\n$`));
    expect(run.stderr).toBe('');
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM django_session').pluck().get()).toBe(0);
    db.close();
  });

  it('reports a missing database file, and does not create it', async () => {
    const cwd = directory();
    const run = await check({}, [], cwd);
    expectProblems(run, ['sessionkit.E014']);
    expect(run.stdout).toContain(`the SQLite database ${join(cwd, 'db.sqlite3')} does not exist. Create it with its table: run "sessionkit migrate"`);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('reports a missing table, and does not create it', async () => {
    const cwd = directory();
    const file = join(cwd, 'app.sqlite3');
    new Database(file).exec('CREATE TABLE other (id integer)').close();
    const run = await check({ DATABASE_URL: `sqlite:///${file}` });
    expectProblems(run, ['sessionkit.E011']);
    expect(run.stdout).toContain(`the table django_session does not exist in SQLite ${file}: run "sessionkit migrate"`);
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(['other']);
    db.close();
  });

  it("reports a table that lacks Django's columns", async () => {
    const file = join(directory(), 'app.sqlite3');
    new Database(file).exec('CREATE TABLE django_session (session_key varchar(40) PRIMARY KEY, data text)').close();
    const run = await check({ DATABASE_URL: `sqlite:///${file}` });
    expectProblems(run, ['sessionkit.E012']);
    expect(run.stdout).toContain("is not Django's session table: has no column session_data, expire_date. Rename or drop it");
  });

  it('reports a file that is not a database', async () => {
    const file = join(directory(), 'notes.txt');
    writeFileSync(file, 'not a database '.repeat(100));
    const run = await check({ DATABASE_URL: `sqlite:///${file}` });
    expectProblems(run, ['sessionkit.E010']);
    expect(run.stdout).toContain(`cannot use ${file} as a SQLite database`);
  });

  // root may write to any file, so a read-only database only stops other users.
  it.skipIf(isRoot)('reports a database this process may not write', async () => {
    const file = await migratedSqlite();
    chmodSync(file, 0o444);
    const run = await check({ DATABASE_URL: `sqlite:///${file}` });
    expectProblems(run, ['sessionkit.E013']);
    expect(run.stdout).toMatch(/this connection may not .*readonly.*Make .* writable by the app's user/);
  });

  it('notes that an in-memory database cannot be checked from outside', async () => {
    const run = await check({ DATABASE_URL: 'sqlite://:memory:' });
    expectClean(run, /\(SQLite :memory:\)/);
    expect(run.stderr).toContain('in-memory SQLite database');
  });
});

describe('secrets and settings', () => {
  const signedCookies = { SESSION_ENGINE: 'signed_cookies' };

  it('passes strong secrets and safe cookies on signed cookies', async () => {
    expectClean(await check({ ...signedCookies, SECRET_KEY_FALLBACKS: OLD_SECRET }), /^No problems found\.\n$/);
  });

  it('reports a weak SECRET_KEY (security.W009) without printing it', async () => {
    const run = await check({ ...signedCookies, SECRET_KEY: WEAK_SECRET });
    expectProblems(run, ['security.W009']);
    expect(run.stdout).toContain('SECRET_KEY is weak (it has 19 characters, fewer than 50): whoever guesses it can forge sessions. Generate one with `node -e');
    expect(run.stdout + run.stderr).not.toContain(WEAK_SECRET);
  });

  it('reports a missing SECRET_KEY, and the development secret given explicitly', async () => {
    const missing = await runCli(['check'], { SESSION_ENGINE: 'signed_cookies' }, { cwd: directory() });
    expectProblems(missing, ['sessionkit.E002']);
    expect(missing.stdout).toContain("SECRET_KEY is not set, so the app signs sessions with sessionkit's public development secret");
    const development = await check({ ...signedCookies, SECRET_KEY: DEVELOPMENT_SECRET_KEY, NODE_ENV: 'production' });
    expectProblems(development, ['security.W009']);
    expect(development.stdout).toContain("SECRET_KEY is sessionkit's public development secret: anyone can forge sessions signed with it");
  });

  it('reports each weak fallback by its position (security.W025)', async () => {
    const run = await check({ ...signedCookies, SECRET_KEY_FALLBACKS: `${OLD_SECRET},${WEAK_SECRET},${'x'.repeat(64)}` });
    expectProblems(run, ['security.W025', 'security.W025']);
    expect(run.stdout).toContain('SECRET_KEY_FALLBACKS[1] is weak (it has 19 characters, fewer than 50)');
    expect(run.stdout).toContain('SECRET_KEY_FALLBACKS[2] is weak (it has 1 distinct character, fewer than 5)');
    expect(run.stdout).not.toContain(WEAK_SECRET);
  });

  it.each([
    ['--https', { SESSION_COOKIE_SECURE: 'False' }, ['--https'], '(--https)'],
    ['SITE_URL=https://…', { SITE_URL: 'https://shop.example.com' }, [], '(SITE_URL=https://shop.example.com)'],
    ['SECURE_SSL_REDIRECT=True', { SECURE_SSL_REDIRECT: 'True' }, [], '(SECURE_SSL_REDIRECT=True)'],
  ])('requires a Secure cookie on an HTTPS site, told by %s (sessions.W012)', async (_, env, args, because) => {
    const run = await check({ ...signedCookies, ...env }, args);
    expectProblems(run, ['sessions.W012']);
    expect(run.stdout).toContain(`SESSION_COOKIE_SECURE is off on a site served over HTTPS ${because}`);
    expect(run.stdout).toContain('Set SESSION_COOKIE_SECURE=True.');
    expectClean(await check({ ...signedCookies, ...env, SESSION_COOKIE_SECURE: 'True' }, args), /^No problems found/);
  });

  it('does not require Secure when the site is not said to use HTTPS, and says so', async () => {
    const run = await check({ ...signedCookies, SITE_URL: 'http://localhost:8000' });
    expectClean(run, /^No problems found/);
    expect(run.stderr).toContain('was not said to be served over HTTPS');
  });

  it('reports a cookie scripts can read (sessions.W015) and SameSite=None without Secure', async () => {
    const run = await check({ ...signedCookies, SESSION_COOKIE_HTTPONLY: 'False', SESSION_COOKIE_SAMESITE: 'None' });
    expectProblems(run, ['sessions.W015', 'sessionkit.W040']);
    expect(run.stdout).toContain('SESSION_COOKIE_HTTPONLY is off: scripts in the page can read the session cookie');
    expect(run.stdout).toContain('SESSION_COOKIE_SAMESITE=None without SESSION_COOKIE_SECURE=True');
  });

  it('lists every malformed setting, not only the first', async () => {
    const run = await check({
      ...signedCookies,
      SESSION_COOKIE_AGE: '9999999999999',
      SESSION_COOKIE_SECURE: 'maybe',
      SESSION_COOKIE_NAME: 'bad name',
      SECURE_SSL_REDIRECT: 'sure',
    });
    expectProblems(run, ['sessionkit.E001', 'sessionkit.E001', 'sessionkit.E001', 'sessionkit.E001']);
    expect(run.stdout).toContain('SESSION_COOKIE_AGE=9999999999999 is too large: at most 10000000000 seconds');
    expect(run.stdout).toContain('SESSION_COOKIE_SECURE="maybe" is not a boolean');
    expect(run.stdout).toContain('`cookieName` (SESSION_COOKIE_NAME) "bad name" is not a valid cookie name');
    expect(run.stdout).toContain('SECURE_SSL_REDIRECT="sure" is not a boolean');
  });

  it('reports an unknown engine, and locking on signed cookies', async () => {
    expectProblems(await check({ SESSION_ENGINE: 'redis' }), ['sessionkit.E001']);
    const locking = await check({ ...signedCookies, SESSION_LOCKING: 'True' });
    expectProblems(locking, ['sessionkit.E001']);
    expect(locking.stdout).toContain('SESSION_LOCKING=True needs an engine that can lock, and signed_cookies cannot');
  });

  it.each([
    ['postgres://127.0.0.1:5432/app', 'the URL names no user; add one, e.g. postgres://USER@127.0.0.1:5432/app'],
    ['postgres://', 'postgresStore: the URL names no database; add it as the path'],
    ['redis', 'has no scheme'],
  ])('reports DATABASE_URL=%s without connecting', async (url, message) => {
    const run = await check({ DATABASE_URL: url });
    expectProblems(run, ['sessionkit.E001']);
    expect(run.stdout).toContain(message);
  });

  it('reports a Redis database index that is no number', async () => {
    const run = await check({ SESSION_ENGINE: 'cache', CACHE_URL: 'redis://:pw-s3cret@127.0.0.1:6379/sessions' });
    expectProblems(run, ['sessionkit.E001']);
    expect(run.stdout).toContain('the Redis database index "sessions" is not a whole number ≥ 0');
    expect(run.stdout).not.toContain('pw-s3cret');
  });
});

describe('file engine', () => {
  it('passes a private directory', async () => {
    const path = directory(0o700);
    expectClean(await check({ SESSION_ENGINE: 'file', SESSION_FILE_PATH: path }), new RegExp(`\\(files ${path}/sessionid<key>\\)`));
  });

  it('reports a directory that other users may list (its file names are session keys)', async () => {
    const path = directory(0o755);
    const run = await check({ SESSION_ENGINE: 'file', SESSION_FILE_PATH: path });
    expectProblems(run, ['sessionkit.W032']);
    expect(run.stdout).toContain(`other users may list the session directory ${path} (mode 0755)`);
    expect(run.stdout).toContain(`chmod 700 ${path}`);
  });

  it('reports a directory that other users may write to', async () => {
    const path = directory(0o777);
    chmodSync(path, 0o1777);
    const run = await check({ SESSION_ENGINE: 'file', SESSION_FILE_PATH: path });
    expect(run.status).toBe(1);
    // The store itself may refuse such a directory (E030), else check reports it (W031); either names it.
    expect(ids(run)).toEqual(expect.arrayContaining([expect.stringMatching(/^sessionkit\.(E030|W031)$/)]));
    expect(run.stdout).toMatch(/writ/);
    expect(statSync(path).mode & 0o7777).toBe(0o1777);
  });

  it('reports a missing directory, and does not create it', async () => {
    const path = join(directory(), 'missing');
    const run = await check({ SESSION_ENGINE: 'file', SESSION_FILE_PATH: path });
    expectProblems(run, ['sessionkit.E030']);
    expect(run.stdout).toContain('does not exist');
    expect(existsSync(path)).toBe(false);
  });
});

describeIfAvailable('PostgreSQL', postgresUnavailable, 'on PostgreSQL', () => {
  const url = (): string => postgres!.url;
  const tableExists = async (): Promise<boolean> =>
    (await postgres!.query<{ found: string | null }>("SELECT to_regclass('django_session')::text AS found"))[0]!.found !== null;
  /** A login role of its own (trust authentication, as the test server has), dropped after the test. */
  async function withRole(body: (roleUrl: string, role: string) => Promise<void>): Promise<void> {
    const role = uniqueName('chkrole');
    await postgres!.query(`CREATE ROLE "${role}" LOGIN`);
    const roleUrl = new URL(url());
    roleUrl.username = role;
    try {
      await body(roleUrl.href, role);
    } finally {
      await postgres!.query(`DROP OWNED BY "${role}"`);
      await postgres!.query(`DROP ROLE "${role}"`);
    }
  }

  it('reports the missing table, and does not create it', async () => {
    const run = await check({ DATABASE_URL: url() });
    expectProblems(run, ['sessionkit.E011']);
    expect(run.stdout).toMatch(/the table django_session does not exist in PostgreSQL 127\.0\.0\.1:5432\/sk_check_\w+ .*run "sessionkit migrate"/);
    expect(await tableExists()).toBe(false);
  });

  it('passes once migrated, and leaves no row behind', async () => {
    expect((await runCli(['migrate'], { DATABASE_URL: url() })).status).toBe(0);
    const run = await check({ DATABASE_URL: url(), SESSION_COOKIE_SECURE: 'True', SITE_URL: 'https://example.com' });
    expectClean(run, /^No problems found \(PostgreSQL 127\.0\.0\.1:5432\/sk_check_\w+\)\.\n$/);
    expect(run.stderr).toBe('');
    expect(await postgres!.query('SELECT * FROM django_session')).toEqual([]);
  });

  it('reports the privileges a user lacks, with the GRANT that fixes it', async () => {
    await withRole(async (roleUrl, role) => {
      const none = await check({ DATABASE_URL: roleUrl });
      expectProblems(none, ['sessionkit.E013']);
      expect(none.stdout).toContain(`the user ${role} lacks SELECT, INSERT, UPDATE, DELETE on django_session`);
      expect(none.stdout).toContain(`GRANT SELECT, INSERT, UPDATE, DELETE ON django_session TO "${role}";`);
      await postgres!.query(`GRANT SELECT ON django_session TO "${role}"`);
      expect((await check({ DATABASE_URL: roleUrl })).stdout).toContain(`lacks INSERT, UPDATE, DELETE on django_session`);
      await postgres!.query(`GRANT INSERT, UPDATE, DELETE ON django_session TO "${role}"`);
      expectClean(await check({ DATABASE_URL: roleUrl }), /^No problems found/);
    });
  });

  it('reports a connection that may not write (a read-only transaction)', async () => {
    await withRole(async (roleUrl, role) => {
      await postgres!.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON django_session TO "${role}"`);
      await postgres!.query(`ALTER ROLE "${role}" SET default_transaction_read_only = on`);
      const run = await check({ DATABASE_URL: roleUrl });
      expectProblems(run, ['sessionkit.E013']);
      expect(run.stdout).toContain('this connection may not write (INSERT) sessions in django_session');
      expect(run.stdout).toContain('read-only transaction');
    });
  });

  it("reports a table without Django's columns (in the schema the URL selects)", async () => {
    const schema = uniqueName('chkschema');
    await postgres!.query(`CREATE SCHEMA "${schema}"`);
    await postgres!.query(`CREATE TABLE "${schema}".django_session (session_key varchar(40) PRIMARY KEY, session_data text, expire_date integer)`);
    const run = await check({ DATABASE_URL: `${url()}?currentSchema=${schema}` });
    expectProblems(run, ['sessionkit.E012']);
    expect(run.stdout).toContain("is not Django's session table: expire_date is integer, which holds no date and time");
  });

  it('reports a server that does not answer, and a database that does not exist', async () => {
    const port = await freePort();
    const down = await check({ DATABASE_URL: `postgres://app:pw-s3cret@127.0.0.1:${port}/app` });
    expectProblems(down, ['sessionkit.E010']);
    expect(down.stdout).toContain(`cannot connect to PostgreSQL 127.0.0.1:${port}/app as app: `);
    expect(down.stdout + down.stderr).not.toContain('pw-s3cret');
    const missing = new URL(url());
    missing.pathname = '/no_such_database_here';
    const run = await check({ DATABASE_URL: missing.href });
    expectProblems(run, ['sessionkit.E010']);
    expect(run.stdout).toContain('database "no_such_database_here" does not exist');
  });
});

describeIfAvailable('MySQL/MariaDB', mysqlUnavailable, 'on MariaDB', () => {
  const url = (): string => mariadb!.url.replace(/^mysql:/, 'mariadb:');

  it('reports the missing table, then passes once migrated, leaving no row behind', async () => {
    const missing = await check({ DATABASE_URL: url() });
    expectProblems(missing, ['sessionkit.E011']);
    expect(missing.stdout).toMatch(/the table django_session does not exist in MariaDB 127\.0\.0\.1:3306\/sk_check_\w+: run "sessionkit migrate"/);
    expect(await mariadb!.query("SHOW TABLES LIKE 'django_session'")).toEqual([]);
    expect((await runCli(['migrate'], { DATABASE_URL: url() })).status).toBe(0);
    expectClean(await check({ DATABASE_URL: url() }), /^No problems found \(MariaDB 127\.0\.0\.1:3306\/sk_check_\w+\)\.\n$/);
    expect(await mariadb!.query('SELECT * FROM django_session')).toEqual([]);
  });

  it('reports a user that may only read, with the GRANT that fixes it', async () => {
    await mariadb!.query(
      'CREATE TABLE IF NOT EXISTS django_session (session_key varchar(40) NOT NULL PRIMARY KEY, session_data longtext NOT NULL, expire_date datetime(6) NOT NULL)',
    );
    const user = uniqueName('chk').slice(0, 30);
    const database = new URL(mariadb!.url).pathname.slice(1);
    await mariadb!.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'Pw-s3cret-1'`);
    try {
      await mariadb!.query(`GRANT SELECT ON \`${database}\`.django_session TO '${user}'@'%'`);
      const userUrl = new URL(url());
      userUrl.username = user;
      userUrl.password = 'Pw-s3cret-1';
      const run = await check({ DATABASE_URL: userUrl.href });
      expectProblems(run, ['sessionkit.E013']);
      expect(run.stdout).toContain('this connection may not write (INSERT) sessions in django_session');
      expect(run.stdout).toContain(`GRANT SELECT, INSERT, UPDATE, DELETE ON \`${database}\`.\`django_session\` TO '${user}'@'%';`);
      expect(run.stdout + run.stderr).not.toContain('Pw-s3cret-1');
    } finally {
      await mariadb!.query(`DROP USER '${user}'@'%'`);
    }
  });

  it("reports a table without Django's columns", async () => {
    const other: ScratchDatabase = await createScratchMysql('chkcol');
    try {
      await other.query('CREATE TABLE django_session (session_key varchar(40) PRIMARY KEY, payload longtext)');
      const run = await check({ DATABASE_URL: other.url });
      expectProblems(run, ['sessionkit.E012']);
      expect(run.stdout).toContain('has no column session_data, expire_date');
    } finally {
      await other.drop();
    }
  });
});

describeIfAvailable('Redis', redisUnavailable, 'on Redis', () => {
  const env = (path = '/0'): Record<string, string> => ({
    SESSION_ENGINE: 'cache',
    CACHE_URL: `${REDIS_URL.replace(/\/\d*$/, '')}${path}`,
    CACHE_KEY_PREFIX: redisPrefix,
  });

  it('passes, even with the longest SESSION_COOKIE_AGE, and leaves no key behind', async () => {
    expectClean(await check(env()), /^No problems found \(Redis redis:\/\/127\.0\.0\.1:6379\/0\)\.\n$/);
    expectClean(await check({ ...env(), SESSION_COOKIE_AGE: '10000000000' }), /^No problems found/);
    expect(await redis!.keys(`${redisPrefix}*`)).toEqual([]);
  });

  it('reports a database index the server does not have', async () => {
    const run = await check(env('/99'));
    expectProblems(run, ['sessionkit.E020']);
    expect(run.stdout).toMatch(
      /the Redis server redis:\/\/127\.0\.0\.1:6379\/99 has no database 99 \(ERR .*\): the sessions would go elsewhere\. End CACHE_URL with a database the server has, 0 to \d+/,
    );
  });

  it('reports a server that does not answer', async () => {
    const port = await freePort();
    const run = await check({ SESSION_ENGINE: 'cache', CACHE_URL: `redis://:pw-s3cret@127.0.0.1:${port}/0` });
    expectProblems(run, ['sessionkit.E010']);
    expect(run.stdout).toContain(`cannot reach the Redis server redis://:***@127.0.0.1:${port}/0: `);
    expect(run.stdout).toMatch(/ECONNREFUSED/);
    expect(run.stdout + run.stderr).not.toContain('pw-s3cret');
  });

  it('checks both the database and the cache of cached_db', async () => {
    if (postgres === undefined) return;
    const database = await createScratchPostgres('chkcdb');
    try {
      const both = { ...env(), SESSION_ENGINE: 'cached_db', DATABASE_URL: database.url };
      expectProblems(await check(both), ['sessionkit.E011']);
      expect((await runCli(['migrate'], both)).status).toBe(0);
      expectClean(await check(both), /^No problems found \(PostgreSQL .*; Redis redis:\/\/127\.0\.0\.1:6379\/0\)\.\n$/);
      expectProblems(await check({ ...both, CACHE_URL: 'redis://127.0.0.1:6379/99' }), ['sessionkit.E020']);
      await deleteRedisKeys(redis!, redisPrefix);
    } finally {
      await database.drop();
    }
  });
});

describeIfAvailable('memcached', missingExecutables(MEMCACHED_BIN), 'on memcached', () => {
  const memcached = useServer(() => startMemcached());

  it('passes a server that answers, and names each one that does not', async () => {
    const url = `memcached://127.0.0.1:${memcached().port}`;
    expectClean(await check({ SESSION_ENGINE: 'cache', CACHE_URL: url }), new RegExp(`\\(memcached ${url}\\)`));
    const port = await freePort();
    const run = await check({ SESSION_ENGINE: 'cache', CACHE_URL: `${url},127.0.0.1:${port}` });
    expectProblems(run, ['sessionkit.E010']);
    expect(run.stdout).toContain(`cannot reach the memcached server 127.0.0.1:${port}: `);
  });

  it('a SESSION_COOKIE_AGE past 2038 on memcached: the store keeps sessions (capped at 2038), so no problem', async () => {
    const run = await check({ SESSION_ENGINE: 'cache', CACHE_URL: `memcached://127.0.0.1:${memcached().port}`, SESSION_COOKIE_AGE: '500000000' });
    expectClean(run, /memcached/);
  });
});
