/**
 * Every `sessionkit` subcommand against the real servers: PostgreSQL, MySQL/MariaDB (through a
 * `mariadb://` URL), Redis, memcached (a throwaway server), and cached_db on Redis and PostgreSQL. Each
 * database is created for this file and dropped afterwards; Redis keys live under a prefix of their own.
 */
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { describeIfAvailable } from '../helpers/gate.js';
import { createScratchPostgres, openScratchServers, REDIS_URL, type ScratchDatabase } from '../helpers/scratch-databases.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { MEMCACHED_BIN, missingExecutables, startMemcached, useServer } from '../helpers/servers.js';
import { removeCompiledCli, runCli } from './run-cli.js';
import { listedKeys, seedSessions } from './seed-sessions.js';
import { noTerminal, runOnTerminal } from './terminal.js';

const sorted = (keys: readonly string[]): string[] => [...keys].sort();

const servers = await openScratchServers('cli');
const { postgres, mysql: mysqlDb, redis, redisPrefix, postgresUnavailable, mysqlUnavailable, redisUnavailable } = servers;
let cachedDbPostgres: ScratchDatabase | undefined;
if (postgres) cachedDbPostgres = await createScratchPostgres('clicdb');
afterAll(async () => {
  removeCompiledCli();
  await Promise.all([servers.cleanup(), cachedDbPostgres?.drop()]);
});

/**
 * `list` (both forms) and `show` on a database without the session table: each fails with the fix, and
 * the table is still missing afterwards (`tableExists` asks the server).
 */
async function expectNoTableCreated(env: Record<string, string>, tableExists: () => Promise<boolean>, store: RegExp): Promise<void> {
  expect(await tableExists()).toBe(false);
  const runs = await Promise.all([runCli(['list'], env), runCli(['list', '--json'], env), runCli(['show', 'a'.repeat(32)], env)]);
  for (const run of runs) {
    expect(run).toMatchObject({ status: 1, stdout: '' });
    expect(run.stderr).toMatch(
      /^sessionkit: the session store \(db — .*, set by DATABASE_URL\) has no session table: run "sessionkit migrate" \(or Django's "manage\.py migrate sessions"\)\.\n$/,
    );
    expect(run.stderr).toMatch(store);
  }
  expect(await tableExists()).toBe(false);
}

describeIfAvailable('PostgreSQL', postgresUnavailable, 'on PostgreSQL', () => {
  const env = (): Record<string, string> => ({ SECRET_KEY: TEST_SECRET, DATABASE_URL: postgres!.url });
  const keysInTable = async (): Promise<string[]> =>
    (await postgres!.query<{ session_key: string }>('SELECT session_key FROM django_session ORDER BY 1')).map((row) => row.session_key);

  it('list and show create no table in the empty database, and say how to create it', async () => {
    await expectNoTableCreated(
      env(),
      async () => (await postgres!.query("SELECT to_regclass('django_session') AS found"))[0]!['found'] !== null,
      /PostgreSQL 127\.0\.0\.1:5432\/sk_cli_\w+,/,
    );
  });

  it('refuses a URL without a database name instead of using the `postgres` database', async () => {
    const adminUrl = new URL(postgres!.url);
    adminUrl.pathname = '';
    const inPostgresDb = async (): Promise<unknown> => {
      const client = new pg.Client({ connectionString: `${adminUrl.href.replace(/\/$/, '')}/postgres` });
      await client.connect();
      try {
        return (await client.query("SELECT to_regclass('django_session') AS found")).rows[0].found;
      } finally {
        await client.end();
      }
    };
    const before = await inPostgresDb();
    for (const url of [adminUrl.href.replace(/\/$/, ''), adminUrl.href]) {
      const run = await runCli(['migrate'], { ...env(), DATABASE_URL: url });
      expect(run).toMatchObject({ status: 1, stdout: '' });
      expect(run.stderr).toMatch(/^sessionkit: DATABASE_URL=.* cannot be used: postgresStore: the URL names no database; add it as the path/);
    }
    expect(await inPostgresDb()).toBe(before);
  });

  it("migrate creates Django's table and indexes", async () => {
    const run = await runCli(['migrate'], env());
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(run.stdout).toMatch(/^Created the django_session table \(db — PostgreSQL 127\.0\.0\.1:5432\/sk_cli_\w+\)\.\n$/);
    expect((await runCli(['migrate'], env())).stdout).toMatch(/^The django_session table is already there; nothing was changed \(db — PostgreSQL /);
    const indexes = await postgres!.query<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE tablename = 'django_session' ORDER BY 1");
    expect(indexes.map((row) => row.indexname)).toEqual([
      'django_session_expire_date_a5c62663',
      'django_session_pkey',
      'django_session_session_key_c0390e0f_like',
    ]);
  });

  it('lists, shows, deletes, and clears exactly the expired rows in batches', async () => {
    const seeded = await seedSessions(env(), [{ user: 'alice' }, { user: 'bob' }, { user: 'carol' }], 30);
    const [list, table, show] = await Promise.all([runCli(['list', '--json'], env()), runCli(['list'], env()), runCli(['show', seeded.live[0]!], env())]);
    const listed = listedKeys(list.stdout);
    const sizes = new Map(
      (await postgres!.query<{ session_key: string; size: number }>('SELECT session_key, octet_length(session_data) AS size FROM django_session')).map(
        (row) => [row.session_key, row.size],
      ),
    );
    expect(sorted([...listed.keys()])).toEqual(sorted(seeded.live));
    for (const key of seeded.live) expect(listed.get(key)).toMatchObject({ size: sizes.get(key) });
    expect(table.stdout.trimEnd().split('\n')).toHaveLength(1 + seeded.live.length);
    expect(table.stderr).toMatch(/^3 sessions; 30 expired sessions wait for clearsessions \(db — PostgreSQL /);
    expect(JSON.parse(show.stdout)).toEqual({ user: 'alice' });

    expect((await runCli(['delete', seeded.live[2]!], env())).stdout).toBe(`Deleted session ${seeded.live[2]}.\n`);
    const live = seeded.live.slice(0, 2);
    expect(await keysInTable()).toEqual(sorted([...live, ...seeded.expired]));
    const clear = await runCli(['clearsessions', '--batch-size', '7'], env());
    expect(clear).toMatchObject({ status: 0, stdout: 'Deleted 30 expired sessions.\n', stderr: '' });
    expect(await keysInTable()).toEqual(sorted(live));
  });

  describeIfAvailable('a terminal (script, from util-linux)', noTerminal, 'on a terminal', () => {
    it('shows its progress on a terminal', async () => {
      await seedSessions(env(), [], 20);
      const { status, output } = await runOnTerminal(['clearsessions', '--batch-size', '3'], env());
      expect(status).toBe(0);
      expect(output).toMatch(/\r\x1b\[2KDeleting expired sessions \[#{3}-{17}\] 15% 3\/20/);
      expect(output).toMatch(/\r\x1b\[2KDeleting expired sessions \[#*-*\] \d+% \d+\/20/);
      // The progress line is erased before the count is printed.
      expect(output).toMatch(/\r\x1b\[2KDeleted 20 expired sessions\.\r?\n$/);
    });
  });
});

describeIfAvailable('MySQL/MariaDB', mysqlUnavailable, 'on MySQL/MariaDB', () => {
  // mariadb:// as dj-database-url users write it for MariaDB.
  const env = (): Record<string, string> => ({ SECRET_KEY: TEST_SECRET, DATABASE_URL: mysqlDb!.url.replace(/^mysql:/, 'mariadb:') });
  const keysInTable = async (): Promise<string[]> =>
    (await mysqlDb!.query<{ session_key: string }>('SELECT session_key FROM django_session ORDER BY 1')).map((row) => row.session_key);

  it('list and show create no table in the empty database, and say how to create it', async () => {
    const found = async (): Promise<boolean> =>
      (await mysqlDb!.query("SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'django_session'")).length > 0;
    await expectNoTableCreated(env(), found, /MariaDB 127\.0\.0\.1:3306\/sk_cli_\w+,/);
  });

  it('migrates, lists, shows, deletes and clears exactly the expired rows', async () => {
    const migrate = await runCli(['migrate'], env());
    expect(migrate.stdout).toMatch(/^Created the django_session table \(db — MariaDB 127\.0\.0\.1:3306\/sk_cli_\w+\)\.\n$/);
    const columns = await mysqlDb!.query<{ COLUMN_NAME: string; COLUMN_TYPE: string }>(
      "SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'django_session' ORDER BY ORDINAL_POSITION",
    );
    expect(columns.map((column) => [column.COLUMN_NAME, column.COLUMN_TYPE])).toEqual([
      ['session_key', 'varchar(40)'],
      ['session_data', 'longtext'],
      ['expire_date', 'datetime(6)'],
    ]);

    const seeded = await seedSessions(env(), [{ user: 'dave' }, { user: 'erin' }], 9);
    const [list, show] = await Promise.all([runCli(['list', '--json'], env()), runCli(['show', seeded.live[1]!], env())]);
    expect(sorted([...listedKeys(list.stdout).keys()])).toEqual(sorted(seeded.live));
    expect(list.stderr).toMatch(/^2 sessions; 9 expired sessions wait for clearsessions \(db — MariaDB /);
    expect(JSON.parse(show.stdout)).toEqual({ user: 'erin' });
    expect((await runCli(['delete', seeded.live[0]!], env())).status).toBe(0);
    const clear = await runCli(['clearsessions', '--batch-size', '4'], env());
    expect(clear).toMatchObject({ status: 0, stdout: 'Deleted 9 expired sessions.\n' });
    expect(await keysInTable()).toEqual([seeded.live[1]]);
  });
});

describeIfAvailable('Redis', redisUnavailable, 'on Redis (cache engine)', () => {
  const env = { SECRET_KEY: TEST_SECRET, SESSION_ENGINE: 'cache', CACHE_URL: REDIS_URL, CACHE_KEY_PREFIX: redisPrefix, CACHE_VERSION: '3' };
  const cacheKey = (key: string): string => `${redisPrefix}:3:django.contrib.sessions.cache${key}`;

  it('lists, shows and deletes the sessions under CACHE_KEY_PREFIX and CACHE_VERSION; nothing to clear or migrate', async () => {
    const seeded = await seedSessions(env, [{ user: 'frank' }, { user: 'grace' }, { user: 'heidi' }]);
    const [list, show, clear, migrate] = await Promise.all([
      runCli(['list', '--json'], env),
      runCli(['show', seeded.live[2]!], env),
      runCli(['clearsessions'], env),
      runCli(['migrate'], env),
    ]);
    const listed = listedKeys(list.stdout);
    expect(sorted([...listed.keys()])).toEqual(sorted(seeded.live));
    for (const key of seeded.live) expect(listed.get(key)!.size).toBe(await redis!.strlen(cacheKey(key)));
    expect(JSON.parse(show.stdout)).toEqual({ user: 'heidi' });
    expect(clear).toMatchObject({ status: 0 });
    expect(clear.stdout).toMatch(/^Nothing to clear: the cache expires sessions by itself \(cache — Redis /);
    expect(migrate.stdout).toMatch(/^Nothing to migrate: SESSION_ENGINE=cache keeps no table/);
    expect(await redis!.exists(cacheKey(seeded.live[0]!))).toBe(1);
    expect((await runCli(['delete', seeded.live[0]!], env)).status).toBe(0);
    expect(await redis!.exists(cacheKey(seeded.live[0]!))).toBe(0);
  });
});

describeIfAvailable('PostgreSQL and Redis', postgresUnavailable ?? redisUnavailable, 'on cached_db (Redis in front of PostgreSQL)', () => {
  const env = (): Record<string, string> => ({
    SECRET_KEY: TEST_SECRET,
    SESSION_ENGINE: 'cached_db',
    DATABASE_URL: cachedDbPostgres!.url,
    CACHE_URL: REDIS_URL,
    CACHE_KEY_PREFIX: redisPrefix,
  });
  const cacheKey = (key: string): string => `${redisPrefix}:1:sessionkit.cached_db${key}`;

  it('works on the database and drops deleted sessions from the cache too', async () => {
    const migrate = await runCli(['migrate'], env());
    expect(migrate.stdout).toMatch(/^Created the django_session table \(cached_db — PostgreSQL .*, cached in Redis /);
    const seeded = await seedSessions(env(), [{ user: 'ivan' }, { user: 'judy' }], 5);
    expect(await redis!.exists(cacheKey(seeded.live[0]!))).toBe(1);
    const show = await runCli(['show', seeded.live[0]!], env());
    expect(JSON.parse(show.stdout)).toEqual({ user: 'ivan' });
    expect((await runCli(['delete', seeded.live[0]!], env())).status).toBe(0);
    expect(await redis!.exists(cacheKey(seeded.live[0]!))).toBe(0);
    const clear = await runCli(['clearsessions'], env());
    expect(clear.stdout).toBe('Deleted 5 expired sessions.\n');
    const rows = await cachedDbPostgres!.query<{ session_key: string }>('SELECT session_key FROM django_session');
    expect(rows.map((row) => row.session_key)).toEqual([seeded.live[1]]);
  });
});

describeIfAvailable('memcached', missingExecutables(MEMCACHED_BIN), 'on memcached (cache engine)', () => {
  const memcached = useServer(() => startMemcached());

  it('shows and deletes, cannot list, has nothing to clear', async () => {
    const env = { SECRET_KEY: TEST_SECRET, SESSION_ENGINE: 'cache', CACHE_URL: `memcached://127.0.0.1:${memcached().port}` };
    const seeded = await seedSessions(env, [{ user: 'mallory' }]);
    const [show, list, clear] = await Promise.all([runCli(['show', seeded.live[0]!], env), runCli(['list'], env), runCli(['clearsessions'], env)]);
    expect(JSON.parse(show.stdout)).toEqual({ user: 'mallory' });
    expect(list.status).toBe(1);
    expect(list.stderr).toMatch(/^sessionkit: the memcached store cannot list its sessions: it has no way to enumerate its keys/);
    expect(clear).toMatchObject({ status: 0 });
    expect((await runCli(['delete', seeded.live[0]!], env)).status).toBe(0);
    const gone = await runCli(['show', seeded.live[0]!], env);
    expect(gone.status).toBe(1);
    expect(gone.stderr).toMatch(/no live session has the key/);
  });
});
