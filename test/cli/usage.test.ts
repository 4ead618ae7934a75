/**
 * The `sessionkit` command line without a database server: help, exit statuses, usage errors, `decode`,
 * and the one-sentence errors for bad settings and unreachable servers (on ports nothing listens on).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSessions } from '../../src/manager.js';
import { dumps } from '../../src/signing/index.js';
import { memoryStore } from '../../src/stores/memory.js';
import { signedCookies } from '../../src/stores/signed-cookies.js';
import { cookieValue } from '../helpers/cookies.js';
import { OLD_SECRET, TEST_SECRET } from '../helpers/secrets.js';
import { freePort } from '../helpers/servers.js';
import { type CliRun, cliScratch, runCli, runCliProcess } from './run-cli.js';

const DATA_SALT = 'django.contrib.sessions.SessionStore';
const COMMANDS = ['migrate', 'clearsessions', 'list', 'show', 'decode', 'delete', 'createsuperuser', 'changepassword'];
const PASSWORD = 'Sup3r-secret-pw';
/** A new empty directory, to run the command in. */
const emptyDirectory = cliScratch('usage');

/** One line, no stack trace: what every failure must print. */
function expectOneSentence(run: CliRun): void {
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^sessionkit: \S/);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

async function signedCookieValue(data: Record<string, unknown>, now?: () => number): Promise<string> {
  const sessions = createSessions({ secret: TEST_SECRET, store: signedCookies(), ...(now && { now }) });
  const session = sessions.load(null);
  await session.update(data);
  const { setCookie } = await sessions.commit(session);
  return cookieValue(setCookie[0]!);
}

describe('help and version', () => {
  // The real executable, end to end: it starts, prints and exits 0.
  it('lists every command on --help, and exits 0', async () => {
    const run = await runCliProcess(['--help']);
    expect(run.status).toBe(0);
    for (const command of COMMANDS) expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(run.stdout).toContain('DATABASE_URL');
    expect(run.stderr).toBe('');
  });

  it('has --help for each command, and `help COMMAND`', async () => {
    const runs = await Promise.all([...COMMANDS.map((command) => runCli([command, '--help'])), runCli(['help', 'show']), runCli(['list', '-h'])]);
    COMMANDS.forEach((command, index) => {
      expect(runs[index]!.status).toBe(0);
      expect(runs[index]!.stdout).toMatch(new RegExp(`^Usage: sessionkit ${command}\\b`));
    });
    expect(runs[COMMANDS.length]!.stdout).toMatch(/^Usage: sessionkit show KEY/);
    expect(runs[COMMANDS.length + 1]!.stdout).toMatch(/^Usage: sessionkit list/);
  });

  // As a process: the compiled command finds package.json from where it is.
  it('prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const run = await runCliProcess(['--version']);
    expect(run).toMatchObject({ status: 0, stdout: `sessionkit ${version}\n` });
  });
});

describe('usage errors exit with 2 and say what is wrong', () => {
  const key = 'a'.repeat(32);
  const cases: Array<[string[], RegExp]> = [
    [[], /no command given/],
    [['frobnicate'], /unknown command "frobnicate"; the commands are migrate, clearsessions/],
    [['--verbose'], /unknown option "--verbose"/],
    [['list', '--bogus'], /Unknown option '--bogus'/],
    [['show'], /show needs KEY/],
    [['delete'], /delete needs KEY/],
    [['show', 'abc'], /"abc" is not a session key/],
    [['show', 'A'.repeat(32)], /is not a session key/],
    [['delete', key, 'extra'], /"extra" is one too many/],
    [['list', 'extra'], /list takes no arguments/],
    [['clearsessions', '--batch-size', '0'], /--batch-size must be a positive whole number/],
    [['clearsessions', '--batch-size', 'ten'], /--batch-size must be a positive whole number/],
    [['clearsessions', '--batch-size'], /argument missing/],
  ];
  it.each(cases)('sessionkit %j', async (args, message) => {
    const cwd = emptyDirectory();
    const run = await runCli(args, { SECRET_KEY: TEST_SECRET }, { cwd });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expectOneSentence(run);
    expect(run.stderr.split('\n')[0]).toMatch(message);
    expect(run.stderr).toMatch(/Run "sessionkit( \w+)? --help"/);
    // Nothing ran, so no database was created in the working directory.
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('decode', () => {
  const env = { SECRET_KEY: TEST_SECRET };

  it('decodes session_data with the data salt, opening no store', async () => {
    const value = dumps({ user: 'alice', visits: 3 }, { key: TEST_SECRET, salt: DATA_SALT, compress: true });
    const cwd = emptyDirectory();
    const run = await runCli(['decode', value], env, { cwd });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ user: 'alice', visits: 3 });
    expect(run.stderr).toBe(`Decoded as session data (salt ${DATA_SALT}).\n`);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('decodes a signed-cookie session with the cookie salt, whatever its age, and says so', async () => {
    const fresh = await signedCookieValue({ cart: [1, 2] });
    const monthOld = await signedCookieValue({ old: true }, () => Date.now() - 30 * 24 * 3600 * 1000);
    const [freshRun, oldRun, withName] = await Promise.all([
      runCli(['decode', fresh], env),
      runCli(['decode', monthOld], env),
      runCli(['decode', `sid=${fresh}`], { ...env, SESSION_COOKIE_NAME: 'sid' }),
    ]);
    expect(freshRun.status).toBe(0);
    expect(JSON.parse(freshRun.stdout)).toEqual({ cart: [1, 2] });
    expect(freshRun.stderr).toMatch(
      /^Decoded as a signed-cookie session \(salt django\.contrib\.sessions\.backends\.signed_cookies; its age was not checked\)\.\n$/,
    );
    // Older than SESSION_COOKIE_AGE: the app would refuse it, the command still shows it.
    expect(oldRun.status).toBe(0);
    expect(JSON.parse(oldRun.stdout)).toEqual({ old: true });
    expect(withName.status).toBe(0);
    expect(JSON.parse(withName.stdout)).toEqual({ cart: [1, 2] });
  });

  it('verifies with SECRET_KEY_FALLBACKS too', async () => {
    const value = dumps({ rotated: 1 }, { key: OLD_SECRET, salt: DATA_SALT, compress: true });
    const run = await runCli(['decode', value], {
      SECRET_KEY: TEST_SECRET,
      SECRET_KEY_FALLBACKS: `unrelated-fallback-secret-000000000000000000000000000,${OLD_SECRET}`,
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ rotated: 1 });
  });

  it('says the SECRET_KEY is wrong when no salt verifies', async () => {
    const data = dumps({ user: 'alice' }, { key: OLD_SECRET, salt: DATA_SALT, compress: true });
    const cookie = await signedCookieValue({ user: 'bob' });
    const runs = await Promise.all([runCli(['decode', data], env), runCli(['decode', cookie], { SECRET_KEY: OLD_SECRET })]);
    for (const run of runs) {
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      expectOneSentence(run);
      expect(run.stderr).toMatch(/does not verify with SECRET_KEY or SECRET_KEY_FALLBACKS.*another SECRET_KEY/);
    }
  });

  it("decodes a cache entry: the session's JSON as the cache engines store it, unsigned", async () => {
    const store = memoryStore();
    const sessions = createSessions({ secret: TEST_SECRET, store });
    const session = sessions.load(null);
    await session.update({ user: 'alice', cart: [1, 2], note: 'héllo' });
    await sessions.commit(session);
    // What the cache store received, as Redis and memcached keep it.
    const entry = (await store.load(session.sessionKey!))!.data;
    expect(entry.startsWith('{')).toBe(true);
    const cwd = emptyDirectory();
    const [run, spaced] = await Promise.all([runCli(['decode', entry], env, { cwd }), runCli(['decode', `  ${entry}\n`], env)]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ user: 'alice', cart: [1, 2], note: 'héllo' });
    expect(run.stderr).toBe('Decoded as a cache entry (plain JSON, unsigned, as the cache engines store it).\n');
    expect(readdirSync(cwd)).toEqual([]);
    expect(JSON.parse(spaced.stdout)).toEqual({ user: 'alice', cart: [1, 2], note: 'héllo' });
  });

  it('says why JSON is not a cache entry', async () => {
    const runs = await Promise.all([runCli(['decode', '{"user": '], env), runCli(['decode', `{"deep": ${'['.repeat(200)}${']'.repeat(200)}}`], env)]);
    for (const run of runs) {
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      expectOneSentence(run);
      expect(run.stderr).toMatch(/^sessionkit: the value is not a session's cache entry: \S/);
    }
  });

  it('says when a value verifies but holds no session, or is not signed at all', async () => {
    const list = dumps([1, 2, 3], { key: TEST_SECRET, salt: DATA_SALT });
    const [listRun, plainRun] = await Promise.all([runCli(['decode', list], env), runCli(['decode', 'just-some-text'], env)]);
    expect(listRun.status).toBe(1);
    expect(listRun.stderr).toMatch(/^sessionkit: as session data, its signature verifies but it holds no session data/);
    expect(plainRun.status).toBe(1);
    expect(plainRun.stderr).toMatch(/^sessionkit: the value is not signed/);
  });
});

describe('errors are one sentence naming the variable, without passwords', () => {
  async function expectFailure(args: string[], env: Record<string, string>, pattern: RegExp): Promise<CliRun> {
    const run = await runCli(args, { SECRET_KEY: TEST_SECRET, ...env }, { cwd: emptyDirectory() });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expectOneSentence(run);
    expect(run.stderr).toMatch(pattern);
    expect(run.stderr).not.toContain(PASSWORD);
    return run;
  }

  it('for malformed settings', async () => {
    await Promise.all([
      expectFailure(
        ['list'],
        { DATABASE_URL: `postgres://app:${PASSWORD}@127.0.0.1:5432/test?sslmode=bogus` },
        /DATABASE_URL="postgres:\/\/app:\*\*\*@127\.0\.0\.1:5432\/test\?sslmode=bogus" cannot be used: .*sslmode "bogus" is unknown/,
      ),
      expectFailure(
        ['list'],
        { DATABASE_URL: `oracle://app:${PASSWORD}@db/orcl` },
        /DATABASE_URL "oracle:\/\/app:\*\*\*@db\/orcl" uses "oracle:\/\/".*Supported: sqlite:\/\/, postgres:\/\//,
      ),
      expectFailure(['list'], { DATABASE_URL: `mysql://app:${PASSWORD}@127.0.0.1:3306` }, /DATABASE_URL=.*cannot be used: .*names no database/),
      // pg would otherwise connect to the database named after the user, often `postgres`.
      expectFailure(
        ['list'],
        { DATABASE_URL: `postgres://app:${PASSWORD}@127.0.0.1:5432` },
        /DATABASE_URL=.*cannot be used: postgresStore: the URL names no database; add it as the path/,
      ),
      expectFailure(
        ['migrate'],
        { DATABASE_URL: `postgresql://app:${PASSWORD}@127.0.0.1:5432/` },
        /DATABASE_URL=.*cannot be used: postgresStore: the URL names no database/,
      ),
      expectFailure(
        ['show', 'a'.repeat(32)],
        { SESSION_ENGINE: 'cached_db', DATABASE_URL: `postgres://app:${PASSWORD}@127.0.0.1:5432` },
        /DATABASE_URL=.*names no database/,
      ),
      expectFailure(['list'], { SESSION_ENGINE: 'cache', CACHE_URL: `redis://:${PASSWORD}@/0` }, /CACHE_URL="redis:\/\/:\*\*\*@\/0" cannot be used/),
      expectFailure(
        ['list'],
        { SESSION_ENGINE: 'cache', CACHE_URL: 'mongodb://127.0.0.1' },
        /CACHE_URL="mongodb:\/\/127\.0\.0\.1" uses "mongodb:\/\/".*redis:\/\/, rediss:\/\/, memcached:\/\/, locmem:\/\//,
      ),
      expectFailure(['list'], { SESSION_ENGINE: 'cache', CACHE_VERSION: 'two' }, /CACHE_VERSION="two" is not a whole number/),
      expectFailure(
        ['list'],
        { SESSION_ENGINE: 'file', SESSION_FILE_PATH: join(emptyDirectory(), 'missing') },
        /SESSION_FILE_PATH=".*missing" cannot be used: .*does not exist/,
      ),
      expectFailure(['list'], { SESSION_ENGINE: 'mongo' }, /SESSION_ENGINE="mongo" is not an engine/),
      expectFailure(['list'], { SESSION_COOKIE_AGE: '-5' }, /SESSION_COOKIE_AGE="-5" is not a positive whole number/),
    ]);
  });

  it('shows the stack trace with SESSIONKIT_DEBUG=1, still without the password', async () => {
    const port = await freePort();
    const run = await runCli(['list'], { SECRET_KEY: TEST_SECRET, SESSIONKIT_DEBUG: '1', DATABASE_URL: `postgres://app:${PASSWORD}@127.0.0.1:${port}/test` });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^sessionkit: cannot reach/);
    expect(run.stderr).toMatch(/^\s+at /m);
    expect(run.stderr).not.toContain(PASSWORD);
  });

  // The real executable, end to end: it opens a store, closes it and exits with the command's status.
  it('runs commands that sign nothing without SECRET_KEY in production, and refuses the others', async () => {
    const cwd = emptyDirectory();
    const env = { NODE_ENV: 'production', DATABASE_URL: `sqlite:///${join(cwd, 'db.sqlite3')}` };
    expect(await runCliProcess(['migrate'], env, { cwd })).toMatchObject({ status: 0 });
    const list = await runCliProcess(['list'], env, { cwd });
    expect(list).toMatchObject({ status: 0, stdout: '' });
    expect(list.stderr).toMatch(/^0 sessions \(db — SQLite .*db\.sqlite3\)\.\n$/);
    const show = await runCliProcess(['show', 'a'.repeat(32)], env, { cwd });
    expect(show.status).toBe(1);
    expectOneSentence(show);
    expect(show.stderr).toMatch(/SECRET_KEY is not set, and NODE_ENV=production refuses the development secret/);
  });
});
