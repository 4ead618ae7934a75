/**
 * Every `sessionkit` subcommand on the engines that need no server: db on a SQLite file (also shared with
 * real Django), file, cached_db on SQLite with the in-process cache, and the engines whose sessions the
 * command cannot reach (signed cookies, the in-process cache).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeWithDjango, django } from '../django/bridge.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { cliScratch, runCli } from './run-cli.js';
import { listedKeys, type SeededSessions, seedSessions } from './seed-sessions.js';

const newDirectory = cliScratch('local');

/** `sqlite:////absolute/path` for a file in a new directory. */
function newSqliteUrl(): { url: string; path: string } {
  const path = join(newDirectory(), 'db.sqlite3');
  return { url: `sqlite:///${path}`, path };
}

function sqliteKeys(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT session_key FROM django_session ORDER BY session_key').pluck().all() as string[];
  } finally {
    db.close();
  }
}

const sorted = (keys: readonly string[]): string[] => [...keys].sort();

describe('db engine on a SQLite file', () => {
  const { url, path } = newSqliteUrl();
  const env = { SECRET_KEY: TEST_SECRET, DATABASE_URL: url };
  let seeded: SeededSessions;

  it("migrate creates Django's django_session table, and leaves it alone the second time, saying which", async () => {
    const fresh = newSqliteUrl();
    const first = await runCli(['migrate'], { ...env, DATABASE_URL: fresh.url });
    expect(first).toMatchObject({ status: 0, stderr: '' });
    expect(first.stdout).toBe(`Created the django_session table (db — SQLite ${fresh.path}).\n`);
    const db = new Database(fresh.path, { readonly: true });
    const columns = db.prepare('SELECT name, lower(type) AS type, "notnull", pk FROM pragma_table_info(\'django_session\') ORDER BY cid').all();
    const index = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'django_session' AND sql IS NOT NULL").pluck().all();
    db.close();
    expect(columns).toEqual([
      { name: 'session_key', type: 'varchar(40)', notnull: 1, pk: 1 },
      { name: 'session_data', type: 'text', notnull: 1, pk: 0 },
      { name: 'expire_date', type: 'datetime', notnull: 1, pk: 0 },
    ]);
    expect(index).toEqual(['django_session_expire_date_a5c62663']);
    const second = await runCli(['migrate'], { ...env, DATABASE_URL: fresh.url });
    expect(second).toMatchObject({
      status: 0,
      stdout: `The django_session table is already there; nothing was changed (db — SQLite ${fresh.path}).\n`,
      stderr: '',
    });
  });

  beforeAll(async () => {
    seeded = await seedSessions(env, [{ user: 'alice' }, { user: 'bob', cart: [1, 2, 3] }, { n: 'x'.repeat(500) }], 7);
  });

  it('lists the live sessions with their expiry, size and user, and counts the expired ones', async () => {
    const [table, json] = await Promise.all([runCli(['list'], env), runCli(['list', '--json'], env)]);
    expect(table.status).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^KEY\s+EXPIRES\s+SIZE {2}USER$/);
    // Nobody is logged in to the seeded sessions: "-".
    for (const key of seeded.live) expect(table.stdout).toMatch(new RegExp(`^${key}  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\s+\\d+  -$`, 'm'));
    expect(table.stderr).toBe(`3 sessions; 7 expired sessions wait for clearsessions (db — SQLite ${path}).\n`);
    expect(json.status).toBe(0);
    const listed = listedKeys(json.stdout);
    const db = new Database(path, { readonly: true });
    const sizes = new Map(
      db
        .prepare('SELECT session_key, length(session_data) AS size FROM django_session')
        .all()
        .map((row) => [(row as { session_key: string }).session_key, (row as { size: number }).size]),
    );
    db.close();
    expect(sorted([...listed.keys()])).toEqual(sorted(seeded.live));
    for (const key of seeded.live) {
      expect(listed.get(key)).toEqual({ size: sizes.get(key), expireDate: expect.any(String), userId: null, readable: true });
      expect(Date.parse(listed.get(key)!.expireDate!)).toBeGreaterThan(Date.now());
    }
  });

  it('shows the decoded data of a live session, and refuses an expired one', async () => {
    const [shown, expired] = await Promise.all([runCli(['show', seeded.live[1]!], env), runCli(['show', seeded.expired[0]!], env)]);
    expect(shown).toMatchObject({ status: 0, stderr: '' });
    expect(JSON.parse(shown.stdout)).toEqual({ user: 'bob', cart: [1, 2, 3] });
    expect(expired.status).toBe(1);
    expect(expired.stderr).toMatch(/^sessionkit: no live session has the key \w+: it does not exist or has expired/);
  });

  it('says the SECRET_KEY is wrong when the stored data does not verify', async () => {
    const run = await runCli(['show', seeded.live[0]!], { ...env, SECRET_KEY: 'another-secret-that-signed-nothing-here-0123456789abcdef' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^sessionkit: session \w+ is stored, but its signature does not verify with SECRET_KEY or SECRET_KEY_FALLBACKS: it was signed with another SECRET_KEY/,
    );
  });

  it('deletes a session, and fails on a key that is not stored', async () => {
    const key = seeded.live[2]!;
    const deleted = await runCli(['delete', key], env);
    expect(deleted).toMatchObject({ status: 0, stdout: `Deleted session ${key}.\n`, stderr: '' });
    expect(sqliteKeys(path)).not.toContain(key);
    const again = await runCli(['delete', key], env);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/no session has the key \w+, so nothing was deleted/);
  });

  it('clearsessions deletes exactly the expired rows and keeps the live ones', async () => {
    const live = seeded.live.slice(0, 2);
    expect(sorted(sqliteKeys(path))).toEqual(sorted([...live, ...seeded.expired]));
    const run = await runCli(['clearsessions'], env);
    expect(run).toMatchObject({ status: 0, stdout: 'Deleted 7 expired sessions.\n', stderr: '' });
    expect(sorted(sqliteKeys(path))).toEqual(sorted(live));
    const again = await runCli(['clearsessions', '--batch-size', '2'], env);
    expect(again).toMatchObject({ status: 0, stdout: 'Deleted 0 expired sessions.\n', stderr: '' });
  });

  it('uses sqlite:///db.sqlite3 in the working directory when DATABASE_URL is unset', async () => {
    const cwd = newDirectory();
    await runCli(['migrate'], { SECRET_KEY: TEST_SECRET }, { cwd });
    const run = await runCli(['list'], { SECRET_KEY: TEST_SECRET }, { cwd });
    expect(run).toMatchObject({ status: 0, stdout: '', stderr: `0 sessions (db — SQLite ${join(cwd, 'db.sqlite3')}).\n` });
  });

  it('list --json prints one JSON array, also when there are no sessions', async () => {
    const empty = newSqliteUrl();
    await runCli(['migrate'], { SECRET_KEY: TEST_SECRET, DATABASE_URL: empty.url });
    const [none, some] = await Promise.all([runCli(['list', '--json'], { ...env, DATABASE_URL: empty.url }), runCli(['list', '--json'], env)]);
    expect(none).toMatchObject({ status: 0, stdout: '[]\n' });
    expect(some.status).toBe(0);
    const parsed: unknown = JSON.parse(some.stdout);
    expect(Array.isArray(parsed)).toBe(true);
    expect((parsed as unknown[]).length).toBeGreaterThan(0);
    expect(parsed).toEqual(
      expect.arrayContaining([{ key: expect.any(String), expireDate: expect.any(String), size: expect.any(Number), userId: null, readable: true }]),
    );
  });

  it('list and show create no database file where there is none, and say so', async () => {
    const cwd = newDirectory();
    const missing = join(newDirectory(), 'nested', 'app.sqlite3');
    const runs = await Promise.all([
      runCli(['list'], { SECRET_KEY: TEST_SECRET }, { cwd }),
      runCli(['show', 'a'.repeat(32)], { SECRET_KEY: TEST_SECRET }, { cwd }),
      runCli(['list', '--json'], { SECRET_KEY: TEST_SECRET, DATABASE_URL: `sqlite:///${missing}` }),
      runCli(['show', 'a'.repeat(32)], { SECRET_KEY: TEST_SECRET, SESSION_ENGINE: 'cached_db', DATABASE_URL: `sqlite:///${missing}` }),
    ]);
    for (const run of runs) {
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(
        /^sessionkit: the SQLite database \/\S+ does not exist, so it holds no sessions \(nothing was created\)\. Point DATABASE_URL to the app's database .*sessionkit migrate/,
      );
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    expect(readdirSync(cwd)).toEqual([]);
    expect(existsSync(missing)).toBe(false);
  });

  it('list and show create no table in a database without one, and say how to create it', async () => {
    const { url: emptyUrl, path: emptyPath } = newSqliteUrl();
    new Database(emptyPath).close();
    const runs = await Promise.all([
      runCli(['list'], { ...env, DATABASE_URL: emptyUrl }),
      runCli(['show', 'a'.repeat(32)], { ...env, DATABASE_URL: emptyUrl }),
    ]);
    for (const run of runs) {
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      // Said when the database is opened, or else on its first query: either way one sentence with the fix.
      expect(run.stderr).toMatch(
        /^sessionkit: the (SQLite database \/\S+|session store \(db — SQLite \/\S+, set by DATABASE_URL\)) has no session table\b.*: run "sessionkit migrate" \(or Django's "manage\.py migrate sessions"\)\.\n$/,
      );
    }
    const db = new Database(emptyPath, { readonly: true });
    try {
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual([]);
    } finally {
      db.close();
    }
  });
});

describe('file engine', () => {
  const directory = newDirectory();
  const env = { SECRET_KEY: TEST_SECRET, SESSION_ENGINE: 'file', SESSION_FILE_PATH: directory, SESSION_COOKIE_NAME: 'sid' };
  const sessionFiles = (): string[] =>
    readdirSync(directory)
      .filter((name) => /^sid[a-z0-9]+$/.test(name))
      .sort();
  let seeded: SeededSessions;
  beforeAll(async () => {
    seeded = await seedSessions(env, [{ user: 'carol' }, { user: 'dave' }], 4);
  });

  it('has nothing to migrate', async () => {
    const run = await runCli(['migrate'], env);
    expect(run).toMatchObject({ status: 0, stdout: `Nothing to migrate: SESSION_ENGINE=file keeps no table (file — files ${directory}/sid<key>).\n` });
  });

  it('lists, shows and deletes session files', async () => {
    const [list, show] = await Promise.all([runCli(['list', '--json'], env), runCli(['show', seeded.live[0]!], env)]);
    expect(list.status).toBe(0);
    expect(sorted([...listedKeys(list.stdout).keys()])).toEqual(sorted(seeded.live));
    expect(list.stderr).toMatch(/^2 sessions; 4 expired sessions wait for clearsessions \(file — /);
    expect(JSON.parse(show.stdout)).toEqual({ user: 'carol' });
    const deleted = await runCli(['delete', seeded.live[1]!], env);
    expect(deleted.status).toBe(0);
    expect(sessionFiles()).not.toContain(`sid${seeded.live[1]}`);
  });

  it('clearsessions deletes exactly the expired files', async () => {
    expect(sessionFiles()).toEqual(sorted([seeded.live[0]!, ...seeded.expired].map((key) => `sid${key}`)));
    const run = await runCli(['clearsessions'], env);
    expect(run).toMatchObject({ status: 0, stdout: 'Deleted 4 expired sessions.\n', stderr: '' });
    expect(sessionFiles()).toEqual([`sid${seeded.live[0]}`]);
  });
});

describe('cached_db engine on SQLite with the in-process cache', () => {
  const { url, path } = newSqliteUrl();
  const env = { SECRET_KEY: TEST_SECRET, SESSION_ENGINE: 'django.contrib.sessions.backends.cached_db', DATABASE_URL: url };

  it('works on the database: migrate, list, show, delete, clearsessions', async () => {
    const migrate = await runCli(['migrate'], env);
    expect(migrate.stdout).toMatch(/^Created the django_session table \(cached_db — SQLite .*, cached in in-process memory cache/);
    const seeded = await seedSessions(env, [{ user: 'erin' }, { user: 'frank' }], 3);
    const [list, show] = await Promise.all([runCli(['list', '--json'], env), runCli(['show', seeded.live[0]!], env)]);
    expect(sorted([...listedKeys(list.stdout).keys()])).toEqual(sorted(seeded.live));
    expect(JSON.parse(show.stdout)).toEqual({ user: 'erin' });
    expect((await runCli(['delete', seeded.live[1]!], env)).status).toBe(0);
    const clear = await runCli(['clearsessions'], env);
    expect(clear.stdout).toBe('Deleted 3 expired sessions.\n');
    expect(sqliteKeys(path)).toEqual([seeded.live[0]]);
  });
});

describe('engines whose sessions the command cannot reach', () => {
  const signed = { SECRET_KEY: TEST_SECRET, SESSION_ENGINE: 'signed_cookies' };
  const locmem = { SECRET_KEY: TEST_SECRET, SESSION_ENGINE: 'cache' };
  const key = 'k'.repeat(32);

  it('clearsessions and migrate have nothing to do (exit 0, as Django)', async () => {
    const runs = await Promise.all([
      runCli(['clearsessions'], signed),
      runCli(['clearsessions'], locmem),
      runCli(['migrate'], signed),
      runCli(['migrate'], locmem),
    ]);
    expect(runs.map((run) => run.status)).toEqual([0, 0, 0, 0]);
    expect(runs[0]!.stdout).toMatch(/^Nothing to clear: with signed_cookies the sessions live in the browsers/);
    expect(runs[1]!.stdout).toMatch(/^Nothing to clear: the cache expires sessions by itself \(cache — in-process memory cache/);
    expect(runs[2]!.stdout).toMatch(/^Nothing to migrate: SESSION_ENGINE=signed_cookies keeps no table/);
    expect(runs[3]!.stdout).toMatch(/^Nothing to migrate: SESSION_ENGINE=cache keeps no table/);
  });

  it('list, show and delete say why they cannot work (exit 1)', async () => {
    const runs = await Promise.all([
      runCli(['list'], signed),
      runCli(['show', key], signed),
      runCli(['delete', key], signed),
      runCli(['list'], locmem),
      runCli(['show', key], locmem),
    ]);
    for (const run of runs) {
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    expect(runs[0]!.stderr).toMatch(
      /^sessionkit: with SESSION_ENGINE=signed_cookies the sessions live in the browsers' cookies, so there are none on the server to list; "sessionkit decode VALUE" reads a cookie\.$/m,
    );
    expect(runs[3]!.stderr).toMatch(
      /^sessionkit: the in-process cache \(CACHE_URL unset or locmem:\/\/\) lives inside each app process, so this command cannot list its sessions/,
    );
  });
});

describeWithDjango('next to Django on a shared SQLite file', () => {
  const { url, path } = newSqliteUrl();
  const env = { SECRET_KEY: TEST_SECRET, DATABASE_URL: url };
  const settings = { SECRET_KEY: TEST_SECRET, DATABASE_NAME: path };

  it('reads, deletes and clears the sessions Django wrote', async () => {
    const [, live, expired] = (await django(settings, [
      { op: 'migrate' },
      { op: 'session_create', engine: 'db', data: { _auth_user_id: '42', note: 'from Django' } },
      // A negative age: expire_date an hour ago (Django 3.2 cannot serialize a datetime expiry).
      { op: 'session_create', engine: 'db', data: { old: true }, expiry: -3600 },
    ])) as [unknown, { key: string }, { key: string }];
    // Django's migration made the table: sessionkit's migrate accepts it as it is.
    const migrate = await runCli(['migrate'], env);
    expect(migrate).toMatchObject({ status: 0, stdout: `The django_session table is already there; nothing was changed (db — SQLite ${path}).\n` });
    const show = await runCli(['show', live.key], env);
    expect(show.status).toBe(0);
    expect(JSON.parse(show.stdout)).toEqual({ _auth_user_id: '42', note: 'from Django' });
    const clear = await runCli(['clearsessions'], env);
    expect(clear.stdout).toBe('Deleted 1 expired session.\n');
    expect(sqliteKeys(path)).toEqual([live.key]);
    expect(expired.key).not.toBe(live.key);
    expect((await runCli(['delete', live.key], env)).status).toBe(0);
    const [exists] = (await django(settings, [{ op: 'session_exists', engine: 'db', key: live.key }])) as [boolean];
    expect(exists).toBe(false);
  });
});
