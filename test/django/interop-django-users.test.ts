/**
 * Django's users shared with Django 3.2 on SQLite, PostgreSQL and MySQL: djangoUsers reads the auth_user
 * table Django's migrate made and the users Django made; the users, hashes and last_login values Node writes
 * are Django's; `sessionkit migrate --auth` creates the table Django's migrate creates; users made by
 * `sessionkit createsuperuser` log in to Django, and `sessionkit changepassword` passwords pass Django's
 * check_password. Each database gets fresh scratch databases (files, PostgreSQL and MySQL databases).
 *
 * Both sides hash at the tests' low PBKDF2 count (Django's fast hasher through the bridge's
 * FAST_PASSWORD_HASHER, Node's FAST_ITERATIONS for djangoUsers and the command's PBKDF2_ITERATIONS), as a
 * project gives both the same count; the tests of the counts themselves (Node's rehash to and from Django
 * 3.2's 260,000; the 1,000,000 of `sessionkit createsuperuser`, which Django 3.2 rehashes) have Django's
 * default hashers and Node's real counts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { emailProblem, usernameProblem } from '../../src/auth/django-users/user-fields.js';
import { createAuth, type DjangoUser, type DjangoUsers, type DjangoUsersOptions, djangoUsers } from '../../src/auth/index.js';
import { createSessions, type SessionManager } from '../../src/index.js';
import { mysqlStore } from '../../src/stores/mysql.js';
import { postgresStore } from '../../src/stores/postgres.js';
import type { SqlStore } from '../../src/stores/sql/store.js';
import { sqliteStore } from '../../src/stores/sqlite.js';
import { INVALID_EMAILS, VALID_EMAILS } from '../auth/email-samples.js';
import { removeCompiledCli, runCli } from '../cli/run-cli.js';
import { cookieValue } from '../helpers/cookies.js';
import { DJANGO_32_ITERATIONS, FAST_ITERATIONS, pbkdf2Env } from '../helpers/password-count.js';
import { createScratchMysql, createScratchPostgres, describeNeeding, type ScratchDatabase, unavailability } from '../helpers/scratch-databases.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import { describeWithDjango, djangoDatabaseSettings, djangoDriverFor, django as djangoOnce } from './bridge.js';
import { type DjangoProcess, startDjango } from './django-process.js';

const dir = mkdtempSync(join(tmpdir(), 'sessionkit-django-users-interop-'));
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
  removeCompiledCli();
});

const PASSWORDS = { alice: 'alice-pw 😀', bob: 'bob-pw', inactive: 'inactive-pw', old: 'old-pw' } as const;

/** One database of one server, fresh and empty. */
interface TestDatabase {
  /** Its DATABASE_URL. */
  readonly url: string;
  /** The bridge's settings for Django on it. */
  readonly django: Record<string, unknown>;
  /** A session store on it (closed at the end of the file). */
  store(): SqlStore;
  /** auth_user's definition as the server's catalog has it. */
  catalog(): Promise<unknown>;
}

interface Server {
  readonly label: string;
  /** Why the server cannot be used; `undefined` when it can. */
  readonly unavailable: string | undefined;
  /** The Python modules Django needs for it. */
  readonly requires: readonly string[];
  newDatabase(): Promise<TestDatabase>;
}

function closing<S extends { close(): Promise<void> }>(closable: S): S {
  cleanups.push(() => closable.close());
  return closable;
}

let sqliteFiles = 0;
const sqliteServer: Server = {
  label: 'SQLite',
  unavailable: undefined,
  requires: [],
  async newDatabase() {
    const file = join(dir, `db-${++sqliteFiles}.sqlite3`);
    new Database(file).close();
    return {
      url: `sqlite:///${file}`,
      django: { DATABASE_NAME: file },
      store: () => closing(sqliteStore({ path: file })),
      async catalog() {
        const db = new Database(file, { readonly: true });
        try {
          return {
            schema: db.prepare("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'auth_user' ORDER BY name").all(),
            columns: db.prepare("SELECT * FROM pragma_table_info('auth_user')").all(),
            indexes: db.prepare("SELECT * FROM pragma_index_list('auth_user')").all(),
          };
        } finally {
          db.close();
        }
      },
    };
  },
};

function scratchServer(
  label: string,
  create: (name: string) => Promise<ScratchDatabase>,
  catalog: (db: ScratchDatabase) => Promise<unknown>,
  store: (url: string) => SqlStore,
): Promise<Server> {
  return (async () => {
    let probe: ScratchDatabase | undefined;
    const unavailable = await unavailability(label, async () => {
      probe = await create('djusers');
    });
    let spare = probe;
    if (probe !== undefined) cleanups.push(() => probe!.drop());
    return {
      label,
      unavailable,
      requires: probe === undefined ? [] : [djangoDriverFor(probe.url)],
      async newDatabase() {
        let db = spare;
        spare = undefined;
        if (db === undefined) {
          db = await create('djusers');
          const made = db;
          cleanups.push(() => made.drop());
        }
        const made = db;
        return { url: made.url, django: djangoDatabaseSettings(made.url), store: () => closing(store(made.url)), catalog: () => catalog(made) };
      },
    };
  })();
}

const servers: Server[] = [
  sqliteServer,
  await scratchServer(
    'PostgreSQL',
    createScratchPostgres,
    async (db) => ({
      columns: await db.query(
        `SELECT attname, format_type(atttypid, atttypmod) AS type, attnotnull, atthasdef, attidentity, pg_get_expr(adbin, adrelid) AS default
         FROM pg_attribute LEFT JOIN pg_attrdef ON adrelid = attrelid AND adnum = attnum
         WHERE attrelid = 'auth_user'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
      ),
      constraints: await db.query(
        `SELECT conname, contype, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'auth_user'::regclass ORDER BY conname`,
      ),
      indexes: await db.query(`SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = 'auth_user'::regclass ORDER BY 1`),
      sequences: await db.query(
        `SELECT sequencename, data_type::text, start_value, increment_by, max_value FROM pg_sequences WHERE sequencename = 'auth_user_id_seq'`,
      ),
      owner: await db.query(`SELECT pg_get_serial_sequence('auth_user', 'id') AS sequence`),
    }),
    (url) => postgresStore({ url }),
  ),
  await scratchServer(
    'MySQL',
    createScratchMysql,
    // The next AUTO_INCREMENT value depends on the rows inserted so far, not on the table's definition.
    async (db) => (await db.query<{ 'Create Table': string }>('SHOW CREATE TABLE auth_user'))[0]!['Create Table'].replace(/ AUTO_INCREMENT=\d+/, ''),
    (url) => mysqlStore({ url }),
  ),
];

/** What the bridge's auth_user op answers. */
interface DjangoRow {
  id: number;
  username: string;
  password: string;
  is_active: boolean;
  is_staff: boolean;
  is_superuser: boolean;
  email: string;
  first_name: string;
  last_name: string;
  last_login: string | null;
  date_joined: string;
}
interface DjangoSeen {
  authenticated: boolean;
  id: number | null;
  username: string | null;
  key: string | null;
}
interface DjangoAuthenticated extends Omit<DjangoSeen, 'key'> {
  password: string | null;
}

/** sessionkit on `db`: the db engine's store, its users, and login state. */
interface NodeSide {
  readonly users: DjangoUsers;
  /** Authenticates and logs in; the new session key, or `null` when refused. */
  login(username: string, password: string, key?: string | null): Promise<string | null>;
  getUser(key: string): Promise<DjangoUser | null>;
}

/** Node's side on `db`, at the count of Django's fast hasher unless `options` give another. */
function nodeSide(db: TestDatabase, options: Omit<DjangoUsersOptions, 'store' | 'url'> = {}): NodeSide {
  const store = db.store();
  const users = djangoUsers({ store, iterations: FAST_ITERATIONS, ...options });
  const sessions: SessionManager = createSessions({ secret: TEST_SECRET, store, logger: recordingLogger() });
  const auth = createAuth({ secret: TEST_SECRET, users });
  return {
    users,
    async login(username, password, key = null) {
      const user = await users.authenticate(username, password);
      if (user === null) return null;
      const session = sessions.load(key ? `sessionid=${key}` : undefined);
      await auth.login(session, user);
      return cookieValue((await sessions.commit(session)).setCookie[0]!);
    },
    async getUser(key) {
      const session = sessions.load(`sessionid=${key}`);
      const user = await auth.getUser(session);
      await sessions.commit(session);
      return user;
    },
  };
}

for (const server of servers) {
  describeNeeding(`Django's users on ${server.label}`, server.unavailable, () => {
    describeWithDjango(
      `Django's users shared with Django 3.2 on ${server.label}`,
      () => {
        let db: TestDatabase;
        /** The bridge's settings: Django's fast hasher, or with `hashers` 'django' its default ones (260,000). */
        const settings = (hashers: 'fast' | 'django' = 'fast'): Record<string, unknown> => ({
          SECRET_KEY: TEST_SECRET,
          TIME_ZONE: 'Asia/Kolkata',
          FAST_PASSWORD_HASHER: hashers === 'fast',
          ...db.django,
        });
        // One Django process on this database answers the suite's ops (its settings never change but for the hashers).
        let bridge: DjangoProcess;
        const django = (batch: Record<string, unknown>, ops: Array<Record<string, unknown>>): Promise<unknown[]> =>
          bridge.run(ops, { FAST_PASSWORD_HASHER: batch['FAST_PASSWORD_HASHER'] });
        afterAll(() => bridge?.close());
        /** `sessionkit` on this database, hashing at the tests' count. */
        const cli = (args: string[], env: Record<string, string> = {}, input?: string) =>
          runCli(args, { DATABASE_URL: db.url, SECRET_KEY: TEST_SECRET, ...pbkdf2Env(FAST_ITERATIONS), ...env }, input === undefined ? {} : { input });

        beforeAll(async () => {
          db = await server.newDatabase();
          bridge = startDjango(settings());
          await django(settings(), [
            { op: 'auth_migrate' },
            { op: 'auth_create_user', username: 'alice', password: PASSWORDS.alice },
            { op: 'auth_create_user', username: 'bob', password: PASSWORDS.bob },
            { op: 'auth_create_user', username: 'inactive', password: PASSWORDS.inactive, is_active: false },
            { op: 'auth_create_user', username: 'nopassword', password: null },
          ]);
          // At Django 3.2's own count, for the test of Node's rehash.
          await django(settings('django'), [{ op: 'auth_create_user', username: 'old', password: PASSWORDS.old }]);
        });

        it("`sessionkit migrate --auth` creates the auth_user table Django's migrate makes, column for column and index for index", async () => {
          const ours = await server.newDatabase();
          const first = await runCli(['migrate', '--auth'], { DATABASE_URL: ours.url, SECRET_KEY: TEST_SECRET });
          expect(first.stderr).toBe('');
          expect(first.status).toBe(0);
          expect(first.stdout).toMatch(/^Created the django_session table \(.*\)\.\nCreated the auth_user table \(.*\)\.\n$/);
          expect(await ours.catalog()).toEqual(await db.catalog());
          const again = await runCli(['migrate', '--auth'], { DATABASE_URL: ours.url, SECRET_KEY: TEST_SECRET });
          expect(again).toMatchObject({ status: 0, stderr: '' });
          expect(again.stdout).toMatch(/\nThe auth_user table is already there; nothing was changed \(.*\)\.\n$/);
          // Django then works on it: its own users, its hashes and logins.
          const [created, login] = (await djangoOnce({ SECRET_KEY: TEST_SECRET, FAST_PASSWORD_HASHER: true, ...ours.django }, [
            { op: 'auth_create_user', username: 'dora', password: 'pw' },
            { op: 'auth_login', username: 'dora', password: 'pw' },
          ])) as [{ id: number }, { logged_in: boolean }];
          expect(created.id).toBe(1);
          expect(login.logged_in).toBe(true);
        });

        it("a user Django made logs in through Node; Django's get_user sees the login, and last_login is what Node wrote", async () => {
          const now = Date.UTC(2025, 5, 6, 7, 8, 9, 123);
          const node = nodeSide(db, { now: () => now });
          const key = await node.login('alice', PASSWORDS.alice);
          expect(key).toMatch(/^[a-z0-9]{32}$/);
          const [seen, row] = (await django(settings(), [
            { op: 'auth_get_user', key },
            { op: 'auth_user', username: 'alice' },
          ])) as [DjangoSeen, DjangoRow];
          expect(seen).toMatchObject({ authenticated: true, username: 'alice', key });
          expect(Date.parse(row.last_login!)).toBe(now);
          expect((await node.getUser(key!))!.lastLogin).toEqual(new Date(now));
        });

        it('Node reads a login Django made, with the last_login Django wrote', async () => {
          // A minute ago (the session must still be live), to the quarter second.
          const at = Math.floor(Date.now() / 1000) - 60 + 0.25;
          const [login] = (await django(settings(), [{ op: 'auth_login', username: 'bob', password: PASSWORDS.bob, time: at }])) as [
            { logged_in: boolean; key: string },
          ];
          expect(login.logged_in).toBe(true);
          const user = await nodeSide(db).getUser(login.key);
          expect(user).toMatchObject({ username: 'bob', isActive: true, isStaff: false, lastLogin: new Date(at * 1000) });
        });

        it('a wrong password, an inactive user and an unusable password are refused by Node as by Django', async () => {
          const node = nodeSide(db);
          const cases: Array<[string, string]> = [
            ['alice', 'alice-pw'],
            ['alice', ''],
            ['inactive', PASSWORDS.inactive],
            ['nopassword', ''],
            ['nobody', PASSWORDS.alice],
          ];
          const djangoAnswers = (await django(
            settings(),
            cases.map(([username, password]) => ({ op: 'auth_authenticate', username, password })),
          )) as DjangoAuthenticated[];
          for (const [index, [username, password]] of cases.entries()) {
            expect(djangoAnswers[index]!.authenticated).toBe(false);
            expect(await node.users.authenticate(username, password)).toBeNull();
          }
          expect(await node.login('alice', 'alice-pw')).toBeNull();
        });

        it("Node rehashes Django's hash as Django would, to a count Django accepts; with Django's count it leaves it alone", async () => {
          const [before] = (await django(settings('django'), [{ op: 'auth_user', username: 'old' }])) as [DjangoRow];
          expect(before.password).toMatch(/^pbkdf2_sha256\$260000\$/);
          expect((await nodeSide(db, { iterations: DJANGO_32_ITERATIONS }).users.authenticate('old', PASSWORDS.old))!.passwordHash).toBe(before.password);

          const rehashed = (await nodeSide(db, { iterations: 270_000 }).users.authenticate('old', PASSWORDS.old))!;
          expect(rehashed.passwordHash).toMatch(/^pbkdf2_sha256\$270000\$[A-Za-z0-9]{22}\$/);
          const [stored, accepted, after] = (await django(settings('django'), [
            { op: 'auth_user', username: 'old' },
            { op: 'auth_authenticate', username: 'old', password: PASSWORDS.old },
            { op: 'auth_user', username: 'old' },
          ])) as [DjangoRow, DjangoAuthenticated, DjangoRow];
          expect(stored.password).toBe(rehashed.passwordHash);
          expect(accepted.authenticated).toBe(true);
          // Django 3.2 in turn brings it back to its own count: give Node the Django project's count.
          expect(after.password).toMatch(/^pbkdf2_sha256\$260000\$/);
        });

        it("a user made by `sessionkit createsuperuser --noinput` logs in to Django, with the fields Django's createsuperuser gives", async () => {
          // Without PBKDF2_ITERATIONS (the command's default, 1,000,000), beside Django 3.2's default hashers.
          const made = await runCli(['createsuperuser', '--noinput', '--username', 'ｎｏｄｅ', '--email', 'Root@Example.COM'], {
            DATABASE_URL: db.url,
            SECRET_KEY: TEST_SECRET,
            DJANGO_SUPERUSER_PASSWORD: 'node-pw',
          });
          expect(made).toMatchObject({ status: 0, stdout: 'Superuser created successfully.\n', stderr: '' });
          const [output, login, nodeRow, djangoRow] = (await django(settings('django'), [
            {
              op: 'auth_createsuperuser',
              options: { username: 'ｄｊａｎｇｏ', email: 'Root@Example.COM' },
              environ: { DJANGO_SUPERUSER_PASSWORD: 'django-pw' },
            },
            { op: 'auth_login', username: 'node', password: 'node-pw' },
            { op: 'auth_user', username: 'node' },
            { op: 'auth_user', username: 'django' },
          ])) as [string, { logged_in: boolean; key: string }, DjangoRow, DjangoRow];
          expect(output).toBe('Superuser created successfully.\n');
          expect(login.logged_in).toBe(true);
          const comparable = ({ id: _id, username: _username, password: _password, date_joined: _joined, last_login: _login, ...rest }: DjangoRow) => rest;
          expect(comparable(nodeRow)).toEqual(comparable(djangoRow));
          expect(nodeRow).toMatchObject({ username: 'node', email: 'Root@example.com', is_staff: true, is_superuser: true, is_active: true });
          expect(nodeRow.password).toMatch(/^pbkdf2_sha\d+\$260000\$/); // Django rehashed Node's 1,000,000 at login
          expect(await nodeSide(db).getUser(login.key)).toMatchObject({ username: 'node', isSuperuser: true });

          // The same refusals as Django's, word for word.
          const [taken, noEmail] = (await django(settings('django'), [
            { op: 'auth_createsuperuser', options: { username: 'node', email: 'a@b.co' } },
            { op: 'auth_createsuperuser', options: { username: 'newname' } },
          ])) as Array<{ message: string }>;
          const ourTaken = await cli(['createsuperuser', '--noinput', '--username', 'node', '--email', 'a@b.co']);
          const ourNoEmail = await cli(['createsuperuser', '--noinput', '--username', 'newname']);
          expect(ourTaken).toMatchObject({ status: 1, stderr: `sessionkit: ${taken!.message}\n` });
          expect(ourNoEmail).toMatchObject({ status: 1, stderr: `sessionkit: ${noEmail!.message}\n` });
        });

        it("`sessionkit changepassword` writes a hash Django's check_password accepts, and ends the user's sessions on both sides", async () => {
          const node = nodeSide(db);
          await cli(['createsuperuser', '--noinput', '--username', 'carol', '--email', 'carol@example.com'], { DJANGO_SUPERUSER_PASSWORD: 'carol-old' });
          const nodeKey = await node.login('carol', 'carol-old');
          const [djangoLogin] = (await django(settings(), [{ op: 'auth_login', username: 'carol', password: 'carol-old' }])) as [
            { logged_in: boolean; key: string },
          ];
          expect(djangoLogin.logged_in).toBe(true);

          const changed = await cli(['changepassword', 'carol'], {}, 'carol-new 😀\n');
          expect(changed).toMatchObject({
            status: 0,
            stderr: '',
            stdout: "Changing password for user 'carol'\nPassword changed successfully for user 'carol'\n",
          });
          const [row, withNew, withOld, djangoSession] = (await django(settings(), [
            { op: 'auth_user', username: 'carol' },
            { op: 'auth_authenticate', username: 'carol', password: 'carol-new 😀' },
            { op: 'auth_authenticate', username: 'carol', password: 'carol-old' },
            { op: 'auth_get_user', key: djangoLogin.key },
          ])) as [DjangoRow, DjangoAuthenticated, DjangoAuthenticated, DjangoSeen];
          const [checked] = await django(settings(), [{ op: 'auth_check_password', password: 'carol-new 😀', encoded: row.password }]);
          expect(checked).toBe(true);
          expect(withNew.authenticated).toBe(true);
          expect(withOld.authenticated).toBe(false);
          expect(djangoSession.authenticated).toBe(false);
          expect(await node.getUser(nodeKey!)).toBeNull();
          expect(await node.login('carol', 'carol-new 😀')).not.toBeNull();
        });
      },
      server.requires,
    );
  });
}

describeWithDjango("Django's username and email checks", () => {
  it("refuse and accept what the User model's fields do, with Django's messages", async () => {
    const usernames = [
      'alice',
      'a.b@c+d-e_f',
      'Ünïcödé',
      '名前',
      'ｆｕｌｌ',
      'bad name',
      'tab\there',
      'semi;colon',
      'x'.repeat(150),
      'x'.repeat(151),
      `${'x'.repeat(150)}!`,
      '',
      'emoji😀',
    ];
    const emails = [...VALID_EMAILS, ...INVALID_EMAILS, `${'a'.repeat(250)}@b.co`, 'a@b.123'];
    const [answers] = (await djangoOnce({}, [{ op: 'auth_field_problems', usernames, emails }])) as [
      { usernames: Array<string | null>; emails: Array<string | null> },
    ];
    expect(usernames.map(usernameProblem)).toEqual(answers.usernames);
    expect(emails.map(emailProblem)).toEqual(answers.emails);
  });
});
