/**
 * The commands for Django's users on SQLite files: `migrate --auth`, `createsuperuser` (with --noinput, and
 * its questions on a terminal, given by `script`), `changepassword` (from a pipe and on a terminal), and the
 * user column of `list`. test/django/interop-django-users.test.ts checks the users they make against Django
 * on every database.
 *
 * The commands hash at the tests' low count (`PBKDF2_ITERATIONS` = FAST_ITERATIONS), but in the test of the
 * count `createsuperuser` writes by default, Django 5.2's 1,000,000.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAuth, djangoUsers, verifyPassword } from '../../src/auth/index.js';
import { createSessions } from '../../src/manager.js';
import { sqliteStore } from '../../src/stores/sqlite.js';
import { describeIfAvailable } from '../helpers/gate.js';
import { FAST_ITERATIONS, pbkdf2Env } from '../helpers/password-count.js';
import { OLD_SECRET, recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import { type CliRun, cliScratch, runCli, runCliProcess } from './run-cli.js';
import { noTerminal, passwordTwice, runOnTerminal } from './terminal.js';

const newDirectory = cliScratch('auth');

/** A new directory holding no database yet, and the DATABASE_URL of `db.sqlite3` in it. */
function newDatabase(): { url: string; path: string } {
  const path = join(newDirectory(), 'db.sqlite3');
  return { url: `sqlite:///${path}`, path };
}

/**
 * A database with Django's tables for sessions and users, made by `migrate --auth`, and the command's
 * environment for it, whose `PBKDF2_ITERATIONS` is the tests' low count.
 */
async function migratedDatabase(): Promise<{ url: string; path: string; env: Record<string, string> }> {
  const db = newDatabase();
  const env = { SECRET_KEY: TEST_SECRET, DATABASE_URL: db.url, ...pbkdf2Env(FAST_ITERATIONS) };
  expect(await runCli(['migrate', '--auth'], env)).toMatchObject({ status: 0, stderr: '' });
  return { ...db, env };
}

function userRow(path: string, username: string): Record<string, unknown> | undefined {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT * FROM auth_user WHERE username = ?').get(username) as Record<string, unknown> | undefined;
  } finally {
    db.close();
  }
}

function userCount(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM auth_user').pluck().get() as number;
  } finally {
    db.close();
  }
}

/** A failed run: exit 1, nothing on stdout unless given, one line on stderr. */
function expectFailure(run: CliRun, message: string | RegExp): void {
  expect(run.status).toBe(1);
  expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  if (typeof message === 'string') expect(run.stderr).toBe(`sessionkit: ${message}\n`);
  else expect(run.stderr).toMatch(message);
}

describe('migrate --auth', () => {
  it("creates Django's auth_user table next to django_session, and leaves both alone the second time", async () => {
    const { url, path } = newDatabase();
    const env = { SECRET_KEY: TEST_SECRET, DATABASE_URL: url };
    const first = await runCli(['migrate', '--auth'], env);
    expect(first).toMatchObject({ status: 0, stderr: '' });
    expect(first.stdout).toBe(`Created the django_session table (db — SQLite ${path}).\nCreated the auth_user table (SQLite ${path}).\n`);
    const second = await runCli(['migrate', '--auth'], env);
    expect(second.stdout).toBe(
      `The django_session table is already there; nothing was changed (db — SQLite ${path}).\nThe auth_user table is already there; nothing was changed (SQLite ${path}).\n`,
    );
    expect(userCount(path)).toBe(0);
  });

  it('creates auth_user in DATABASE_URL whatever the session engine, and migrate alone does not', async () => {
    const { url, path } = newDatabase();
    const env = { SECRET_KEY: TEST_SECRET, DATABASE_URL: url, SESSION_ENGINE: 'signed_cookies' };
    expect(await runCli(['migrate'], env)).toMatchObject({
      status: 0,
      stdout: 'Nothing to migrate: SESSION_ENGINE=signed_cookies keeps no table (signed_cookies — signed cookies (the data lives in the cookie)).\n',
    });
    expect(existsSync(path)).toBe(false);
    const run = await runCli(['migrate', '--auth'], env);
    expect(run).toMatchObject({ status: 0, stderr: '' });
    expect(run.stdout).toMatch(new RegExp(`^Nothing to migrate: .*\\nCreated the auth_user table \\(SQLite ${path}\\)\\.\\n$`));
    expect(userCount(path)).toBe(0);
  });
});

describe('createsuperuser --noinput', () => {
  let db: Awaited<ReturnType<typeof migratedDatabase>>;
  beforeAll(async () => {
    db = await migratedDatabase();
  });

  it('makes an active superuser from the options and DJANGO_SUPERUSER_PASSWORD, normalised as Django does', async () => {
    // Without PBKDF2_ITERATIONS: the command's default count.
    const { PBKDF2_ITERATIONS: _lowCount, ...defaultCount } = db.env;
    const run = await runCli(['createsuperuser', '--noinput', '--username', 'ａｄｍｉｎ', '--email', 'Admin@Example.COM'], {
      ...defaultCount,
      DJANGO_SUPERUSER_PASSWORD: 'admin pw 😀',
    });
    expect(run).toEqual({ status: 0, stdout: 'Superuser created successfully.\n', stderr: '' });
    const row = userRow(db.path, 'admin')!;
    expect(row).toMatchObject({ email: 'Admin@example.com', is_staff: 1, is_superuser: 1, is_active: 1, first_name: '', last_name: '', last_login: null });
    expect(row['password']).toMatch(/^pbkdf2_sha256\$1000000\$[A-Za-z0-9]{22}\$/);
    expect(await verifyPassword('admin pw 😀', row['password'] as string)).toBe(true);
  });

  it('reads DJANGO_SUPERUSER_USERNAME and DJANGO_SUPERUSER_EMAIL when the options are not given; --no-input works too', async () => {
    const run = await runCli(['createsuperuser', '--no-input'], {
      ...db.env,
      DJANGO_SUPERUSER_USERNAME: 'fromenv',
      DJANGO_SUPERUSER_EMAIL: 'env@example.com',
      DJANGO_SUPERUSER_PASSWORD: 'pw',
    });
    expect(run.status).toBe(0);
    expect(userRow(db.path, 'fromenv')).toMatchObject({ email: 'env@example.com', is_superuser: 1 });
  });

  it('gives an unusable password without DJANGO_SUPERUSER_PASSWORD, and says so', async () => {
    const run = await runCli(['createsuperuser', '--noinput', '--username', 'locked', '--email', 'l@example.com'], db.env);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('Superuser created successfully.\n');
    expect(run.stderr).toBe(
      'DJANGO_SUPERUSER_PASSWORD was not set, so the superuser has an unusable password: it can log in once "sessionkit changepassword locked" gives it one.\n',
    );
    expect(userRow(db.path, 'locked')!['password']).toMatch(/^!/);
  });

  it("refuses, in Django's words, what Django's createsuperuser refuses, and creates nobody", async () => {
    const before = userCount(db.path);
    const cases: Array<[string[], Record<string, string>, string]> = [
      [[], {}, 'You must use --username with --noinput.'],
      [['--username', 'newone'], {}, 'You must use --email with --noinput.'],
      [['--username', 'newone', '--email', ''], {}, 'You must use --email with --noinput.'],
      [['--username', 'admin', '--email', 'a@b.co'], {}, 'Error: That username is already taken.'],
      [['--username', '', '--email', 'a@b.co'], {}, 'Username cannot be blank.'],
      [['--username', 'bad name', '--email', 'a@b.co'], {}, 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.'],
      [['--username', 'x'.repeat(151), '--email', 'a@b.co'], {}, 'Ensure this value has at most 150 characters (it has 151).'],
      [['--username', 'newone', '--email', 'not-an-address'], {}, 'Enter a valid email address.'],
      [
        ['--username', 'newone', '--email', 'a@b.co'],
        { DJANGO_SUPERUSER_PASSWORD: '' },
        'DJANGO_SUPERUSER_PASSWORD is set but empty, and a blank password is refused. Set it to the password, or unset it for a superuser without a usable password.',
      ],
    ];
    const runs = await Promise.all(cases.map(([args, env]) => runCli(['createsuperuser', '--noinput', ...args], { ...db.env, ...env })));
    runs.forEach((run, index) => {
      expect(run.stdout).toBe('');
      expectFailure(run, cases[index]![2]);
    });
    expect(userCount(db.path)).toBe(before);
  });

  it('a user whose fullwidth name normalises to a taken one is refused as taken', async () => {
    const run = await runCli(['createsuperuser', '--noinput', '--username', 'ａｄｍｉｎ', '--email', 'a@b.co'], { ...db.env, DJANGO_SUPERUSER_PASSWORD: 'pw' });
    expectFailure(run, 'Error: That username is already taken.');
  });

  it('asks nothing without a terminal: without --noinput it fails and says what to use', async () => {
    const run = await runCli(['createsuperuser', '--username', 'x'], db.env, { input: 'x\n' });
    expectFailure(
      run,
      'createsuperuser asks its questions on a terminal, and stdin is not one: run it with --noinput (and --username, --email and DJANGO_SUPERUSER_PASSWORD).',
    );
  });

  it('fails without the table or the database, creating neither, and says how to make them', async () => {
    const missing = newDatabase();
    const noFile = await runCli(['createsuperuser', '--noinput', '--username', 'x', '--email', 'x@y.co'], { DATABASE_URL: missing.url });
    expectFailure(noFile, /^sessionkit: the SQLite database .*db\.sqlite3 does not exist, so it holds no users\..*"sessionkit migrate --auth"/);
    expect(existsSync(missing.path)).toBe(false);
    expect(await runCli(['migrate'], { SECRET_KEY: TEST_SECRET, DATABASE_URL: missing.url })).toMatchObject({ status: 0 });
    const noTable = await runCli(['createsuperuser', '--noinput', '--username', 'x', '--email', 'x@y.co'], { DATABASE_URL: missing.url });
    expectFailure(
      noTable,
      `there is no auth_user table in SQLite ${missing.path}: create it with Django's "manage.py migrate", or with "sessionkit migrate --auth" on a database no Django project migrates.`,
    );
  });
});

describeIfAvailable('a terminal (script, from util-linux)', noTerminal, 'createsuperuser on a terminal', () => {
  let db: Awaited<ReturnType<typeof migratedDatabase>>;
  beforeAll(async () => {
    db = await migratedDatabase();
  });

  it("asks Django's questions, hides the password, and asks again after a mismatch, a blank password or a taken name", async () => {
    await runCli(['createsuperuser', '--noinput', '--username', 'taken', '--email', 't@example.com'], db.env);
    const run = await runOnTerminal(['createsuperuser'], db.env, [
      ['Username', 'taken\r'],
      ['Username', 'carol\r'],
      ['Email address: ', 'not-an-address\r'],
      ['Email address: ', 'Carol@Example.COM\r'],
      ...passwordTwice('secret-one', 'secret-two'),
      ...passwordTwice('   '),
      ...passwordTwice('secret-onx\x7fe', 'secret-one'),
    ]);
    expect(run.status).toBe(0);
    expect(run.output).toContain('Error: That username is already taken.\n');
    expect(run.output).toContain('Email address: not-an-address\nError: Enter a valid email address.\n');
    expect(run.output).toContain("Error: Your passwords didn't match.\n");
    expect(run.output).toContain("Error: Blank passwords aren't allowed.\n");
    expect(run.output).toContain('Superuser created successfully.\n');
    expect(run.output).not.toContain('secret');
    const row = userRow(db.path, 'carol')!;
    expect(row).toMatchObject({ email: 'Carol@example.com', is_superuser: 1, is_staff: 1 });
    expect(await verifyPassword('secret-one', row['password'] as string)).toBe(true);
  });

  it('takes --username and --email from the options and asks only for the password; Ctrl-C cancels', async () => {
    const run = await runOnTerminal(['createsuperuser', '--username', 'dave', '--email', 'd@example.com'], db.env, passwordTwice('pw'));
    expect(run.status).toBe(0);
    expect(run.output).not.toContain('Username');
    expect(userRow(db.path, 'dave')).toMatchObject({ username: 'dave', email: 'd@example.com', is_superuser: 1 });
    const cancelled = await runOnTerminal(['createsuperuser', '--username', 'erin', '--email', 'e@example.com'], db.env, [['Password: ', 'pw\x03']]);
    expect(cancelled.status).toBe(1);
    expect(cancelled.output).toContain('sessionkit: Operation cancelled.\n');
    expect(userRow(db.path, 'erin')).toBeUndefined();
  });
});

describe('changepassword', () => {
  let db: Awaited<ReturnType<typeof migratedDatabase>>;
  beforeAll(async () => {
    db = await migratedDatabase();
    await runCli(['createsuperuser', '--noinput', '--username', 'alice', '--email', 'a@example.com'], { ...db.env, DJANGO_SUPERUSER_PASSWORD: 'first' });
  });

  const passwordOf = (): string => userRow(db.path, 'alice')!['password'] as string;

  // As a process, whose stdin is a real pipe.
  it('takes the new password from a pipe: one line, or the same line twice', async () => {
    const once = await runCliProcess(['changepassword', 'alice'], db.env, { input: 'second pw 😀\n' });
    expect(once).toEqual({ status: 0, stdout: "Changing password for user 'alice'\nPassword changed successfully for user 'alice'\n", stderr: '' });
    expect(await verifyPassword('second pw 😀', passwordOf())).toBe(true);
    const twice = await runCliProcess(['changepassword', 'alice'], db.env, { input: 'third\r\nthird\r\n' });
    expect(twice.status).toBe(0);
    expect(await verifyPassword('third', passwordOf())).toBe(true);
  });

  it('refuses an empty pipe, an empty line, two different lines and an unknown user, changing nothing', async () => {
    const before = passwordOf();
    const [empty, blank, differ, unknown] = await Promise.all([
      // As a process: a real pipe, closed at once.
      runCliProcess(['changepassword', 'alice'], db.env),
      runCli(['changepassword', 'alice'], db.env, { input: '\nfourth\n' }),
      runCli(['changepassword', 'alice'], db.env, { input: 'fourth\nfifth\n' }),
      runCli(['changepassword', 'nobody'], db.env, { input: 'x\n' }),
    ]);
    for (const run of [empty, blank]) expectFailure(run, /^sessionkit: no new password on stdin: give it as the first line/);
    expectFailure(differ, 'the two lines on stdin differ: give the new password once, or twice the same.');
    expectFailure(unknown, "user 'nobody' does not exist");
    expect(unknown.stdout).toBe('');
    expect(passwordOf()).toBe(before);
  });

  describeIfAvailable('a terminal (script, from util-linux)', noTerminal, 'on a terminal', () => {
    it('asks twice on a terminal, gives up after three mismatches as Django does, and aborts on an empty answer', async () => {
      const changed = await runOnTerminal(['changepassword', 'alice'], db.env, [...passwordTwice('one', 'two'), ...passwordTwice('typed pw')]);
      expect(changed.status).toBe(0);
      expect(changed.output).toContain('Passwords do not match. Please try again.\n');
      expect(changed.output).toContain("Password changed successfully for user 'alice'\n");
      expect(changed.output).not.toContain('typed pw');
      expect(await verifyPassword('typed pw', passwordOf())).toBe(true);
      const before = passwordOf();

      const mismatches = Array.from({ length: 3 }, () => passwordTwice('a', 'b')).flat();
      const gaveUp = await runOnTerminal(['changepassword', 'alice'], db.env, mismatches);
      expect(gaveUp.status).toBe(1);
      expect(gaveUp.output).toContain("sessionkit: Aborting password change for user 'alice' after 3 attempts\n");
      const aborted = await runOnTerminal(['changepassword', 'alice'], db.env, [['Password: ', '\r']]);
      expect(aborted.status).toBe(1);
      expect(aborted.output).toContain('sessionkit: aborted\n');
      expect(passwordOf()).toBe(before);
    });
  });

  it("ends the user's sessions: a login made before the change is anonymous after it", async () => {
    const store = sqliteStore({ path: db.path });
    // At the command's count, so that authenticate() leaves the hash alone.
    const users = djangoUsers({ store, iterations: FAST_ITERATIONS });
    const sessions = createSessions({ secret: TEST_SECRET, store, logger: recordingLogger() });
    const auth = createAuth({ secret: TEST_SECRET, users });
    try {
      await runCli(['changepassword', 'alice'], db.env, { input: 'before\n' });
      const session = sessions.load(undefined);
      await auth.login(session, (await users.authenticate('alice', 'before'))!);
      await sessions.commit(session);
      expect(await auth.getUser(sessions.load(`sessionid=${session.sessionKey}`))).not.toBeNull();
      await runCli(['changepassword', 'alice'], db.env, { input: 'after\n' });
      expect(await auth.getUser(sessions.load(`sessionid=${session.sessionKey}`))).toBeNull();
    } finally {
      await sessions.close();
    }
  });
});

describe("list's user column", () => {
  let db: Awaited<ReturnType<typeof migratedDatabase>>;
  const keys: Record<string, string> = {};
  beforeAll(async () => {
    db = await migratedDatabase();
    await runCli(['createsuperuser', '--noinput', '--username', 'alice', '--email', 'a@example.com'], { ...db.env, DJANGO_SUPERUSER_PASSWORD: 'pw' });
    const store = sqliteStore({ path: db.path });
    const users = djangoUsers({ store });
    const auth = createAuth({ secret: TEST_SECRET, users });
    const sessions = createSessions({ secret: TEST_SECRET, store, logger: recordingLogger() });
    const other = createSessions({ secret: OLD_SECRET, store: sqliteStore({ path: db.path }), logger: recordingLogger() });
    try {
      const loggedIn = sessions.load(undefined);
      await auth.login(loggedIn, (await users.getByUsername('alice'))!);
      await sessions.commit(loggedIn);
      keys['alice'] = loggedIn.sessionKey!;
      const anonymous = sessions.load(undefined);
      await anonymous.set('cart', [1]);
      await sessions.commit(anonymous);
      keys['anonymous'] = anonymous.sessionKey!;
      const foreign = other.load(undefined);
      await foreign.set('_auth_user_id', '7');
      await other.commit(foreign);
      keys['foreign'] = foreign.sessionKey!;
    } finally {
      await Promise.all([sessions.close(), other.close()]);
    }
  });

  it('shows the logged-in user id, "-" for anonymous sessions and "?" for data that does not verify', async () => {
    const run = await runCli(['list'], db.env);
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^KEY\s+EXPIRES\s+SIZE {2}USER$/);
    expect(run.stdout).toMatch(new RegExp(`^${keys['alice']}  .* UTC\\s+\\d+  1$`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^${keys['anonymous']}  .* UTC\\s+\\d+  -$`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^${keys['foreign']}  .* UTC\\s+\\d+  \\?$`, 'm'));
    expect(run.stderr).toBe(
      `3 sessions (db — SQLite ${db.path}).\nThe users of 1 session are unknown ("?"): their data does not verify with SECRET_KEY or SECRET_KEY_FALLBACKS.\n`,
    );
  });

  it("gives userId and readable in --json, and reads a fallback secret's data", async () => {
    const run = await runCli(['list', '--json'], { ...db.env, SECRET_KEY_FALLBACKS: OLD_SECRET });
    expect(run.status).toBe(0);
    const listed = new Map((JSON.parse(run.stdout) as Array<{ key: string; userId: string | null; readable: boolean }>).map((entry) => [entry.key, entry]));
    expect(listed.get(keys['alice']!)).toMatchObject({ userId: '1', readable: true });
    expect(listed.get(keys['anonymous']!)).toMatchObject({ userId: null, readable: true });
    expect(listed.get(keys['foreign']!)).toMatchObject({ userId: '7', readable: true });
    expect(run.stderr).toBe(`3 sessions (db — SQLite ${db.path}).\n`);
  });

  it('lists without the users in production without SECRET_KEY, and says why', async () => {
    const run = await runCli(['list'], { DATABASE_URL: db.url, NODE_ENV: 'production' });
    expect(run.status).toBe(0);
    expect(
      run.stdout
        .trimEnd()
        .split('\n')
        .slice(1)
        .every((line) => line.endsWith('  ?')),
    ).toBe(true);
    expect(run.stderr).toBe(
      `3 sessions (db — SQLite ${db.path}).\nThe users are unknown ("?"): SECRET_KEY is not set, so the session data cannot be verified.\n`,
    );
  });
});
