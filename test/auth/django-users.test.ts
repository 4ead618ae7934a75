/**
 * djangoUsers on SQLite files whose auth_user table its own migrate() made (test/django/interop-django-users
 * checks that table against Django's, and every answer below against a running Django): look-ups, Django's
 * ModelBackend.authenticate with check_password's rehash, set_password, create_user, last_login on login,
 * custom user models, and the errors that say what to fix.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { emailProblem, normalizeEmail, usernameProblem } from '../../src/auth/django-users/user-fields.js';
import {
  createAuth,
  type DjangoUsers,
  type DjangoUsersOptions,
  djangoUsers,
  makePassword,
  mustUpdatePassword,
  UsernameTakenError,
  UserTableError,
  verifyPassword,
} from '../../src/auth/index.js';
import { createSessions, SessionConfigError } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory.js';
import { sqliteStore } from '../../src/stores/sqlite.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import { INVALID_EMAILS, VALID_EMAILS } from './email-samples.js';

const dir = mkdtempSync(join(tmpdir(), 'sessionkit-django-users-'));
const opened: DjangoUsers[] = [];
afterAll(async () => {
  for (const users of opened) await users.close();
  rmSync(dir, { recursive: true, force: true });
});

// Small counts keep the tests fast; the rules do not depend on the count.
const ITERATIONS = 1000;
/** Django 3.2's make_password('naïve pässwörd 😀', 'Wd5JNGhwXkRlQzBhaUtu') at 260,000: another count, and a 20-character salt. */
const DJANGO_32_HASH = 'pbkdf2_sha256$260000$Wd5JNGhwXkRlQzBhaUtu$FFQywvuLBTbsCwZ6GQ77sm8i14CgE+EqsUZTdCHPQno=';
const DJANGO_32_SHA1 = 'pbkdf2_sha1$260000$Wd5JNGhwXkRlQzBhaUtu$FKSLD15do2lzpNgBDpSZVDwqUBc=';
const DJANGO_32_PASSWORD = 'naïve pässwörd 😀';

let files = 0;
function newFile(): string {
  return join(dir, `users-${++files}.sqlite3`);
}

/** A user source on a new SQLite file holding Django's auth_user table (made by migrate()). */
async function freshUsers(options: Omit<DjangoUsersOptions, 'store' | 'url'> = {}): Promise<{ users: DjangoUsers; file: string }> {
  const file = newFile();
  new Database(file).close();
  const users = track(djangoUsers({ url: `sqlite:///${file}`, iterations: ITERATIONS, ...options }));
  expect(await users.migrate()).toBe('created');
  return { users, file };
}

function track(users: DjangoUsers): DjangoUsers {
  opened.push(users);
  return users;
}

function row(file: string, username: string): Record<string, unknown> {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT * FROM auth_user WHERE username = ?').get(username) as Record<string, unknown>;
  } finally {
    db.close();
  }
}

function setColumn(file: string, username: string, column: string, value: unknown): void {
  const db = new Database(file);
  try {
    db.prepare(`UPDATE auth_user SET "${column}" = ? WHERE username = ?`).run(value, username);
  } finally {
    db.close();
  }
}

describe('djangoUsers options', () => {
  it('needs exactly one of store and url, and says so', () => {
    expect(() => djangoUsers({})).toThrow(/djangoUsers: give exactly one of `store` .* or `url` .*; none was given/);
    const store = sqliteStore({ path: ':memory:' });
    expect(() => djangoUsers({ store, url: 'sqlite:///x' })).toThrow(/`store` and `url` were given together/);
    expect(() => djangoUsers(undefined as never)).toThrow(SessionConfigError);
    expect(() => djangoUsers({ store: memoryStore() as never })).toThrow(/`store` must be a SQL session store \(sqliteStore, postgresStore or mysqlStore\)/);
  });

  it('refuses a table or columns that cannot be spliced into SQL, unknown fields, and required fields set to null', async () => {
    const store = sqliteStore({ path: ':memory:' });
    expect(() => djangoUsers({ store, table: 'auth_user; DROP TABLE x' })).toThrow(/table name "auth_user; DROP TABLE x" is not usable/);
    expect(() => djangoUsers({ store, table: 'main.auth_user' })).toThrow(/on SQLite the table is a plain name/);
    expect(() => djangoUsers({ store, columns: { username: 'e-mail' } })).toThrow(/`columns.username` must be a column name/);
    expect(() => djangoUsers({ store, columns: { password: null } })).toThrow(/`columns.password` cannot be null/);
    expect(() => djangoUsers({ store, columns: { nickname: 'x' } as never })).toThrow(/`columns` has no field "nickname"/);
    expect(() => djangoUsers({ store, iterations: 0 })).toThrow(/`iterations` must be a whole number from 1/);
    expect(() => djangoUsers({ store, upgradePasswords: 'yes' as never })).toThrow(/`upgradePasswords` must be true or false/);
    await store.close();
  });

  it('refuses a SQLite URL whose file does not exist, creating nothing, and names the fix', () => {
    const file = join(dir, 'missing.sqlite3');
    expect(() => djangoUsers({ url: `sqlite:///${file}` })).toThrow(
      /the SQLite database .*missing\.sqlite3 does not exist, so it holds no users.*manage\.py migrate/,
    );
    expect(() => new Database(file, { fileMustExist: true })).toThrow();
  });
});

describe('djangoUsers look-ups', () => {
  it('finds a user by the id a session holds and by username; anything else is no user', async () => {
    const { users } = await freshUsers();
    const alice = await users.createUser({ username: 'alice', password: 'pw', email: 'alice@example.com' });
    expect(await users.getUser(String(alice.id))).toEqual(alice);
    expect(await users.getByUsername('alice')).toEqual(alice);
    for (const id of ['999', '', 'abc', '1.0', '-1', ' 1', '1'.repeat(30)]) expect(await users.getUser(id)).toBeNull();
    for (const username of ['Alice', 'alice ', 'nobody', 'ali\0ce', '']) expect(await users.getByUsername(username)).toBeNull();
  });

  it("reads every field of Django's User, with dates as instants", async () => {
    const joined = Date.UTC(2024, 1, 29, 12, 30, 15, 250);
    const { users, file } = await freshUsers({ now: () => joined });
    const user = await users.createUser({ username: 'bob', password: 'pw', email: 'bob@example.com', firstName: 'Bob', lastName: 'Smith', isStaff: true });
    expect(user).toEqual({
      id: 1,
      username: 'bob',
      passwordHash: expect.stringMatching(/^pbkdf2_sha256\$1000\$[A-Za-z0-9]{22}\$/),
      isActive: true,
      isStaff: true,
      isSuperuser: false,
      email: 'bob@example.com',
      firstName: 'Bob',
      lastName: 'Smith',
      lastLogin: null,
      dateJoined: new Date(joined),
    });
    // Stored as Django stores a DateTimeField on SQLite with USE_TZ: naive UTC text.
    expect(row(file, 'bob')).toMatchObject({ date_joined: '2024-02-29 12:30:15.250000', last_login: null, is_staff: 1, is_active: 1, is_superuser: 0 });
  });

  it('reads ids as strings when integerIds is off (a UUID primary key)', async () => {
    const file = newFile();
    const db = new Database(file);
    db.exec('CREATE TABLE accounts_user (uuid char(32) NOT NULL PRIMARY KEY, email varchar(254) NOT NULL UNIQUE, password varchar(128) NOT NULL)');
    db.prepare('INSERT INTO accounts_user VALUES (?, ?, ?)').run(
      '5f0c1e2d3b4a59687766554433221100',
      'carol@example.com',
      await makePassword('pw', { iterations: ITERATIONS }),
    );
    db.close();
    const users = track(
      djangoUsers({
        url: `sqlite:///${file}`,
        table: 'accounts_user',
        integerIds: false,
        iterations: ITERATIONS,
        columns: {
          id: 'uuid',
          username: 'email',
          lastLogin: null,
          isActive: null,
          isStaff: null,
          isSuperuser: null,
          firstName: null,
          lastName: null,
          dateJoined: null,
        },
      }),
    );
    const carol = await users.getUser('5f0c1e2d3b4a59687766554433221100');
    expect(carol).toMatchObject({
      id: '5f0c1e2d3b4a59687766554433221100',
      username: 'carol@example.com',
      email: 'carol@example.com',
      isActive: true,
      isStaff: false,
      lastLogin: null,
    });
    expect(await users.authenticate('carol@example.com', 'pw')).toEqual(carol);
    // No last_login column: a login records nothing, and fails on nothing.
    const auth = createAuth({ secret: TEST_SECRET, users });
    const sessions = createSessions({ secret: TEST_SECRET, store: memoryStore(), logger: recordingLogger() });
    const session = sessions.load(undefined);
    await auth.login(session, carol!);
    expect(await auth.getUser(session)).toEqual(carol);
    await expect(users.migrate()).rejects.toThrow(/migrate\(\) creates Django's own User table/);
  });
});

describe('djangoUsers.authenticate (ModelBackend)', () => {
  it('answers the user for the right password, and null for a wrong one, an unknown username or non-strings', async () => {
    const { users } = await freshUsers();
    const alice = await users.createUser({ username: 'alice', password: 'right' });
    expect(await users.authenticate('alice', 'right')).toEqual(alice);
    expect(await users.authenticate('alice', 'wrong')).toBeNull();
    expect(await users.authenticate('alice', 'right ')).toBeNull();
    expect(await users.authenticate('nobody', 'right')).toBeNull();
    expect(await users.authenticate(undefined as never, 'right')).toBeNull();
    expect(await users.authenticate('alice', null as never)).toBeNull();
  });

  it('refuses an inactive user with the right password, and a user whose password is unusable', async () => {
    const { users } = await freshUsers();
    await users.createUser({ username: 'off', password: 'right', isActive: false });
    const unusable = await users.createUser({ username: 'nopassword', password: null });
    expect(unusable.passwordHash).toMatch(/^![A-Za-z0-9]{40}$/);
    expect(await users.authenticate('off', 'right')).toBeNull();
    for (const guess of ['', unusable.passwordHash, unusable.passwordHash.slice(1)]) expect(await users.authenticate('nopassword', guess)).toBeNull();
  });

  it('rehashes a right password Django would rehash (other count, short salt, pbkdf2_sha1), and saves it', async () => {
    const { users, file } = await freshUsers();
    for (const [username, hash] of [
      ['django32', DJANGO_32_HASH],
      ['sha1', DJANGO_32_SHA1],
    ] as const) {
      await users.createUser({ username, password: 'placeholder' });
      setColumn(file, username, 'password', hash);
      expect(await users.authenticate(username, 'wrong')).toBeNull();
      expect(row(file, username)['password']).toBe(hash);
      const user = await users.authenticate(username, DJANGO_32_PASSWORD);
      expect(user!.passwordHash).toMatch(/^pbkdf2_sha256\$1000\$[A-Za-z0-9]{22}\$/);
      expect(row(file, username)['password']).toBe(user!.passwordHash);
      expect(await verifyPassword(DJANGO_32_PASSWORD, user!.passwordHash)).toBe(true);
      // At the configured count with a full salt: nothing more to do.
      expect((await users.authenticate(username, DJANGO_32_PASSWORD))!.passwordHash).toBe(user!.passwordHash);
    }
  });

  it("rehashes an inactive user's right password too (Django checks the password first), yet refuses the login", async () => {
    const { users, file } = await freshUsers();
    await users.createUser({ username: 'off', password: 'placeholder', isActive: false });
    setColumn(file, 'off', 'password', DJANGO_32_HASH);
    expect(await users.authenticate('off', DJANGO_32_PASSWORD)).toBeNull();
    expect(row(file, 'off')['password']).toMatch(/^pbkdf2_sha256\$1000\$/);
  });

  it('leaves hashes alone with upgradePasswords: false, or under the same count', async () => {
    const { users, file } = await freshUsers({ upgradePasswords: false });
    await users.createUser({ username: 'django32', password: 'placeholder' });
    setColumn(file, 'django32', 'password', DJANGO_32_HASH);
    expect((await users.authenticate('django32', DJANGO_32_PASSWORD))!.passwordHash).toBe(DJANGO_32_HASH);
    expect(row(file, 'django32')['password']).toBe(DJANGO_32_HASH);
  });

  it("mustUpdatePassword answers Django's must_update for pbkdf2_sha256 at a count", () => {
    const fresh = 'pbkdf2_sha256$1000$abcdefghijklmnopqrstuv$x';
    expect(mustUpdatePassword(fresh, 1000)).toBe(false);
    expect(mustUpdatePassword(fresh, 999)).toBe(true);
    expect(mustUpdatePassword(fresh, 1001)).toBe(true);
    expect(mustUpdatePassword('pbkdf2_sha256$1000$abcdefghijklmnopqrstu$x', 1000)).toBe(true);
    expect(mustUpdatePassword(DJANGO_32_HASH, 260_000)).toBe(true);
    expect(mustUpdatePassword(DJANGO_32_SHA1, 260_000)).toBe(true);
    expect(mustUpdatePassword('argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA', 1000)).toBe(true);
  });
});

describe('djangoUsers writes', () => {
  it("createUser normalises as Django's create_user does, and refuses a taken username", async () => {
    const { users } = await freshUsers();
    // NFKC: the fullwidth letters and the ligature become plain ones.
    const user = await users.createUser({ username: 'ｄａｖｅ\uFB01', password: 'pw', email: ' Dave.Smith@Example.COM ' });
    expect(user).toMatchObject({
      username: 'davefi',
      email: 'Dave.Smith@example.com',
      isActive: true,
      isStaff: false,
      isSuperuser: false,
      firstName: '',
      lastName: '',
    });
    await expect(users.createUser({ username: 'davefi', password: 'pw' })).rejects.toThrow(UsernameTakenError);
    await expect(users.createUser({ username: 'ｄａｖｅﬁ', password: 'pw' })).rejects.toThrow('a user named "davefi" exists already');
    await expect(users.createUser({ username: '', password: 'pw' })).rejects.toThrow(TypeError);
    await expect(users.createUser({ username: 'x', password: 1 as never })).rejects.toThrow(TypeError);
  });

  it('setPassword stores a new hash (ending the old password), or an unusable one, and fails for a deleted user', async () => {
    const { users, file } = await freshUsers();
    const alice = await users.createUser({ username: 'alice', password: 'old' });
    const changed = await users.setPassword(alice, 'new');
    expect(changed).toEqual({ ...alice, passwordHash: row(file, 'alice')['password'] });
    expect(await users.authenticate('alice', 'old')).toBeNull();
    expect(await users.authenticate('alice', 'new')).toEqual(changed);
    const locked = await users.setPassword(changed, null);
    expect(locked.passwordHash).toMatch(/^!/);
    expect(await users.authenticate('alice', 'new')).toBeNull();
    await expect(users.setPassword({ ...alice, id: 999 }, 'x')).rejects.toThrow(/no user has the id 999 in auth_user in SQLite .*, so no password was saved/);
  });

  it("login through createAuth sets last_login (Django's user_logged_in signal); authenticate alone does not", async () => {
    let now = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
    const { users, file } = await freshUsers({ now: () => now });
    const auth = createAuth({ secret: TEST_SECRET, users });
    const sessions = createSessions({ secret: TEST_SECRET, store: memoryStore(), logger: recordingLogger() });
    await users.createUser({ username: 'alice', password: 'pw' });
    const alice = (await users.authenticate('alice', 'pw'))!;
    expect(row(file, 'alice')['last_login']).toBeNull();
    now += 60_000;
    const session = sessions.load(undefined);
    await auth.login(session, alice);
    expect(row(file, 'alice')['last_login']).toBe('2025-01-02 03:05:05.678000');
    expect((await auth.getUser(session))!.lastLogin).toEqual(new Date(now));
  });
});

describe("djangoUsers on a session store's connection", () => {
  it('reads users through the store, whose sessions keep working, and leaves the store open on close()', async () => {
    const file = newFile();
    const store = sqliteStore({ path: file });
    const users = djangoUsers({ store, iterations: ITERATIONS });
    expect(users.database).toBe('the database of the sqlite session store');
    expect(await users.migrate()).toBe('created');
    expect(await users.migrate()).toBe('exists');
    const alice = await users.createUser({ username: 'alice', password: 'pw' });
    const auth = createAuth({ secret: TEST_SECRET, users });
    const sessions = createSessions({ secret: TEST_SECRET, store, logger: recordingLogger() });
    const session = sessions.load(undefined);
    await auth.login(session, (await users.authenticate('alice', 'pw'))!);
    await sessions.commit(session);
    await users.close();
    expect(await auth.getUser(sessions.load(`sessionid=${session.sessionKey}`))).toMatchObject({ id: alice.id, username: 'alice' });
    await sessions.close();
  });
});

describe('djangoUsers errors', () => {
  it('names a missing table and how to create it', async () => {
    const file = newFile();
    new Database(file).close();
    const users = track(djangoUsers({ url: `sqlite:///${file}` }));
    expect(await users.tableExists()).toBe(false);
    const failure = users.getUser('1');
    await expect(failure).rejects.toThrow(UserTableError);
    await expect(failure).rejects.toThrow(
      /the table auth_user does not exist in SQLite .*: create it with Django's "manage\.py migrate" \(or "sessionkit migrate --auth"/,
    );
    await expect(users.authenticate('a', 'b')).rejects.toThrow(UserTableError);
  });

  it('names a column the table lacks and the option that fixes it', async () => {
    const file = newFile();
    const db = new Database(file);
    db.exec('CREATE TABLE auth_user (id integer PRIMARY KEY, email varchar(254), password varchar(128))');
    db.close();
    const users = track(djangoUsers({ url: `sqlite:///${file}` }));
    await expect(users.getUser('1')).rejects.toThrow(
      /the table auth_user in SQLite .* lacks a column the user source uses \(no such column: .*\): give `columns`/,
    );
  });
});

describe("Django's username and email rules", () => {
  it('accepts what UnicodeUsernameValidator accepts, refusing the rest with its message', () => {
    for (const name of ['alice', 'a.b@c+d-e_f', 'Ünïcödé', '名前', 'x'.repeat(150)]) expect(usernameProblem(name)).toBeNull();
    expect(usernameProblem('bad name')).toBe('Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.');
    expect(usernameProblem('x'.repeat(151))).toBe('Ensure this value has at most 150 characters (it has 151).');
    expect(usernameProblem(`${'x'.repeat(150)}!`)).toBe(
      'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.; Ensure this value has at most 150 characters (it has 151).',
    );
    expect(usernameProblem('')).toBe('This field cannot be blank.');
  });

  it('accepts email addresses EmailValidator accepts, normalises as normalize_email does', () => {
    for (const email of VALID_EMAILS) {
      expect(emailProblem(email)).toBeNull();
    }
    for (const email of INVALID_EMAILS) {
      expect(emailProblem(email)).toBe('Enter a valid email address.');
    }
    expect(emailProblem(`${'a'.repeat(250)}@b.co`)).toBe('Ensure this value has at most 254 characters (it has 255).');
    expect(normalizeEmail(' A.B@EXAMPLE.Com ')).toBe('A.B@example.com');
    expect(normalizeEmail(undefined)).toBe('');
    expect(normalizeEmail('no-at-sign')).toBe('no-at-sign');
  });
});
