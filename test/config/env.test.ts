/**
 * Settings from environment variables with Django's names: every variable, the defaults, the engine and
 * DATABASE_URL forms, and the errors that must name what to fix.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openCacheUrl, redisDatabaseIndex } from '../../src/config/cache-url.js';
import { DEFAULT_DATABASE_URL, openDatabaseUrl, sqlitePathFromUrl } from '../../src/config/database-url.js';
import { ENGINES } from '../../src/config/engines.js';
import { DEVELOPMENT_SECRET_KEY, type Env, type EnvSettings, NEW_SECRET_KEY_COMMAND, optionsFromEnv } from '../../src/config/env.js';
import { serverStore } from '../../src/core/engine.js';
import { SessionConfigError } from '../../src/errors.js';
import { createSessions, type SessionManager } from '../../src/manager.js';
import { DEFAULTS, MAX_COOKIE_AGE } from '../../src/options.js';
import { postgresSettingsFromUrl } from '../../src/stores/internal/postgres-url.js';
import { cookieOf } from '../helpers/cookies.js';
import { OLD_SECRET, recordingLogger, TEST_SECRET } from '../helpers/secrets.js';

let scratch: string;
const opened: EnvSettings[] = [];
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'sessionkit-env-test-'));
});
afterEach(async () => {
  for (const settings of opened.splice(0)) {
    await serverStore(settings.options.store)?.close?.();
  }
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

let fileCounter = 0;
const sqliteUrl = (): string => `sqlite:///${join(scratch, `env-${++fileCounter}.sqlite3`)}`;

/** optionsFromEnv with a secret and a private SQLite file unless the test says otherwise. */
function read(env: Env, logger = recordingLogger()): EnvSettings {
  const settings = optionsFromEnv({ SECRET_KEY: TEST_SECRET, DATABASE_URL: sqliteUrl(), ...env }, { logger });
  opened.push(settings);
  return settings;
}

function manager(env: Env): SessionManager {
  return createSessions(read(env).options);
}

function configError(run: () => unknown): SessionConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SessionConfigError);
    return error as SessionConfigError;
  }
  throw new Error('expected a SessionConfigError, but nothing was thrown');
}

describe('optionsFromEnv: defaults', () => {
  it("applies Django's defaults when only SECRET_KEY is set", () => {
    const settings = read({});
    expect(settings.engine).toBe('db');
    expect(settings.options.store).toMatchObject({ name: 'sqlite' });
    const options = createSessions(settings.options).options;
    // The library's defaults, which test/core/options.test.ts checks against Django's, and nothing else.
    const library = createSessions({ secret: TEST_SECRET, store: settings.options.store }).options;
    // Values only: the store, the logger and the serializer's functions are objects of each configuration.
    const valuesOf = (resolved: typeof options) =>
      Object.fromEntries(
        Object.entries(resolved).filter(([, value]) => typeof value !== 'function' && (typeof value !== 'object' || value === null || Array.isArray(value))),
      );
    expect(valuesOf(options)).toEqual(valuesOf(library));
    expect(Object.keys(valuesOf(options)).length).toBeGreaterThan(15);
    expect(options).toMatchObject({ secret: TEST_SECRET, secretFallbacks: [], cookieName: 'sessionid', cookieAge: 1209600, locking: null });
  });

  it('treats blank variables as unset', () => {
    const options = manager({ SESSION_COOKIE_NAME: '', SESSION_COOKIE_AGE: '  ', SESSION_COOKIE_SECURE: '', SESSION_ENGINE: '' }).options;
    expect(options.cookieName).toBe('sessionid');
    expect(options.cookieAge).toBe(1209600);
    expect(options.cookieSecure).toBe(false);
  });

  it('opens sqlite:///db.sqlite3 in the working directory when DATABASE_URL is unset', () => {
    const directory = mkdtempSync(join(scratch, 'cwd-'));
    const previous = process.cwd();
    process.chdir(directory);
    try {
      const settings = optionsFromEnv({ SECRET_KEY: TEST_SECRET }, { logger: recordingLogger() });
      opened.push(settings);
      expect(settings.description).toBe(`db — SQLite ${join(directory, 'db.sqlite3')}`);
      expect(existsSync(join(directory, 'db.sqlite3'))).toBe(true);
    } finally {
      process.chdir(previous);
    }
    expect(DEFAULT_DATABASE_URL).toBe('sqlite:///db.sqlite3');
  });
});

describe('optionsFromEnv: every variable', () => {
  it('reads every SESSION_* variable and the secrets', () => {
    const options = manager({
      SECRET_KEY_FALLBACKS: ` ${OLD_SECRET} ,, another-old-secret-with-enough-length-0123456789abcdef `,
      SESSION_COOKIE_NAME: 'mysess',
      SESSION_COOKIE_AGE: '300',
      SESSION_COOKIE_DOMAIN: '.example.com',
      SESSION_COOKIE_PATH: '/app',
      SESSION_COOKIE_SECURE: 'True',
      SESSION_COOKIE_HTTPONLY: 'False',
      SESSION_COOKIE_SAMESITE: 'Strict',
      SESSION_EXPIRE_AT_BROWSER_CLOSE: '1',
      SESSION_SAVE_EVERY_REQUEST: 'true',
      SESSION_LOCKING: 'True',
    }).options;
    expect(options).toMatchObject({
      secretFallbacks: [OLD_SECRET, 'another-old-secret-with-enough-length-0123456789abcdef'],
      cookieName: 'mysess',
      cookieAge: 300,
      cookieDomain: '.example.com',
      cookiePath: '/app',
      cookieSecure: true,
      cookieHttpOnly: false,
      cookieSameSite: 'Strict',
      expireAtBrowserClose: true,
      saveEveryRequest: true,
      locking: { waitMs: DEFAULTS.lockWaitMs, ttlMs: DEFAULTS.lockTtlMs },
    });
  });

  it('writes the cookie the settings describe', async () => {
    const sessions = manager({
      SESSION_COOKIE_NAME: 'mysess',
      SESSION_COOKIE_AGE: '300',
      SESSION_COOKIE_DOMAIN: '.example.com',
      SESSION_COOKIE_PATH: '/app',
      SESSION_COOKIE_SECURE: '1',
      SESSION_COOKIE_SAMESITE: 'None',
    });
    const session = sessions.load(undefined);
    await session.set('a', 1);
    const { setCookie } = await sessions.commit(session);
    expect(setCookie[0]).toMatch(
      /^mysess=[a-z0-9]{32}; Domain=\.example\.com; expires=[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT; HttpOnly; Max-Age=300; Path=\/app; SameSite=None; Secure$/,
    );
  });

  it.each([
    ['True', true],
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['False', false],
    ['false', false],
    ['0', false],
  ])('reads the boolean %s as %s', (text, value) => {
    expect(manager({ SESSION_COOKIE_SECURE: text, SESSION_SAVE_EVERY_REQUEST: text }).options).toMatchObject({
      cookieSecure: value,
      saveEveryRequest: value,
    });
  });

  it.each(['yes', 'on', '2', 'Truee', 'None'])('refuses the boolean %j, naming the variable', (text) => {
    const error = configError(() => read({ SESSION_EXPIRE_AT_BROWSER_CLOSE: text }));
    expect(error.message).toContain('SESSION_EXPIRE_AT_BROWSER_CLOSE');
    expect(error.message).toContain('True or False');
  });

  it.each(['abc', '-5', '0', '1.5', '12abc', '1e3', '99999999999999999999'])('refuses SESSION_COOKIE_AGE=%j', (text) => {
    expect(configError(() => read({ SESSION_COOKIE_AGE: text })).message).toContain('SESSION_COOKIE_AGE');
  });

  it.each(['10000000001', '9999999999999'])('refuses SESSION_COOKIE_AGE=%s, beyond the dates JavaScript and Django can hold, at start', (text) => {
    const url = sqliteUrl();
    const message = configError(() => read({ DATABASE_URL: url, SESSION_COOKIE_AGE: text })).message;
    expect(message).toContain(`SESSION_COOKIE_AGE=${text} is too large: at most ${MAX_COOKIE_AGE} seconds`);
    expect(existsSync(sqlitePathFromUrl(url))).toBe(false);
    for (const engine of ['signed_cookies', 'file']) {
      expect(configError(() => read({ SESSION_ENGINE: engine, SESSION_COOKIE_AGE: text })).message).toContain('SESSION_COOKIE_AGE');
    }
  });

  it('accepts the longest SESSION_COOKIE_AGE and writes a real expiry date with it', async () => {
    for (const engine of ['signed_cookies', 'db']) {
      const sessions = manager({ SESSION_ENGINE: engine, SESSION_COOKIE_AGE: String(MAX_COOKIE_AGE) });
      const session = sessions.load(undefined);
      await session.set('a', 1);
      const { setCookie } = await sessions.commit(session);
      const expires = /expires=([^;]+)/.exec(setCookie[0]!)![1]!;
      expect(expires).not.toContain('Invalid');
      expect(new Date(expires).getUTCFullYear()).toBeLessThan(9999);
      expect(setCookie[0]).toContain(`Max-Age=${MAX_COOKIE_AGE};`);
    }
  });

  it.each([
    ['Lax', 'Lax'],
    ['Strict', 'Strict'],
    ['None', 'None'],
    ['lax', 'Lax'],
    ['False', false],
  ] as const)('reads SESSION_COOKIE_SAMESITE=%s', (text, value) => {
    expect(manager({ SESSION_COOKIE_SAMESITE: text, SESSION_COOKIE_SECURE: 'True' }).options.cookieSameSite).toBe(value);
  });

  it.each(['Sometimes', 'constructor', 'true'])('refuses SESSION_COOKIE_SAMESITE=%j', (text) => {
    expect(configError(() => read({ SESSION_COOKIE_SAMESITE: text })).message).toContain('SESSION_COOKIE_SAMESITE');
  });

  it('reads SESSION_COOKIE_DOMAIN=None as a host-only cookie', () => {
    expect(manager({ SESSION_COOKIE_DOMAIN: 'None' }).options.cookieDomain).toBeNull();
  });

  it('reads SESSION_LOCKING=False as no locking, and refuses locking on signed cookies', () => {
    expect(manager({ SESSION_LOCKING: 'False' }).options.locking).toBeNull();
    const error = configError(() => read({ SESSION_LOCKING: 'True', SESSION_ENGINE: 'signed_cookies' }));
    expect(error.message).toContain('SESSION_LOCKING');
  });

  it('reads SESSION_LOCK_WAIT_MS as the lock wait, and refuses one that is not a whole number', () => {
    expect(manager({ SESSION_LOCKING: 'True' }).options.locking).toEqual({ waitMs: 5000, ttlMs: 30000 });
    expect(manager({ SESSION_LOCKING: 'True', SESSION_LOCK_WAIT_MS: '60000' }).options.locking).toEqual({ waitMs: 60000, ttlMs: 30000 });
    expect(manager({ SESSION_LOCK_WAIT_MS: '60000' }).options.locking).toBeNull();
    expect(configError(() => read({ SESSION_LOCKING: 'True', SESSION_LOCK_WAIT_MS: 'soon' })).message).toContain('SESSION_LOCK_WAIT_MS');
  });

  it('checks every value before opening the database', () => {
    const url = sqliteUrl();
    configError(() => read({ DATABASE_URL: url, SESSION_COOKIE_AGE: 'soon' }));
    expect(existsSync(sqlitePathFromUrl(url))).toBe(false);
  });
});

describe('optionsFromEnv: SECRET_KEY', () => {
  it('uses a loudly announced development secret when SECRET_KEY is missing', () => {
    for (const secret of [undefined, '', '   ']) {
      const logger = recordingLogger();
      const settings = optionsFromEnv({ SECRET_KEY: secret, DATABASE_URL: sqliteUrl() }, { logger });
      opened.push(settings);
      expect(settings.options.secret).toBe(DEVELOPMENT_SECRET_KEY);
      expect(logger.warnings.join('\n')).toMatch(/SECRET_KEY is not set.*forge/);
    }
  });

  it('refuses to start without SECRET_KEY when NODE_ENV=production', () => {
    const url = sqliteUrl();
    const error = configError(() => optionsFromEnv({ NODE_ENV: 'production', DATABASE_URL: url }, { logger: recordingLogger() }));
    expect(error.message).toContain('SECRET_KEY');
    expect(error.message).toContain('NODE_ENV=production');
    expect(existsSync(sqlitePathFromUrl(url))).toBe(false);
  });

  it('refuses the public development secret given as SECRET_KEY when NODE_ENV=production, before opening the store', () => {
    const url = sqliteUrl();
    const error = configError(() =>
      optionsFromEnv({ NODE_ENV: 'production', SECRET_KEY: DEVELOPMENT_SECRET_KEY, DATABASE_URL: url }, { logger: recordingLogger() }),
    );
    expect(error.message).toContain("SECRET_KEY is sessionkit's public development secret");
    expect(error.message).toContain('NODE_ENV=production');
    expect(error.message).toContain(NEW_SECRET_KEY_COMMAND);
    expect(existsSync(sqlitePathFromUrl(url))).toBe(false);
  });

  it('refuses the development secret among SECRET_KEY_FALLBACKS when NODE_ENV=production', () => {
    const error = configError(() =>
      optionsFromEnv(
        { NODE_ENV: 'production', SECRET_KEY: TEST_SECRET, SECRET_KEY_FALLBACKS: `${OLD_SECRET},${DEVELOPMENT_SECRET_KEY}`, DATABASE_URL: sqliteUrl() },
        { logger: recordingLogger() },
      ),
    );
    expect(error.message).toContain('SECRET_KEY_FALLBACKS');
    expect(error.message).toContain('NODE_ENV=production');
  });

  it('accepts the development secret given outside production, where createSessions warns that it is weak', () => {
    const logger = recordingLogger();
    const settings = optionsFromEnv({ SECRET_KEY: DEVELOPMENT_SECRET_KEY, DATABASE_URL: sqliteUrl() }, { logger });
    opened.push(settings);
    expect(settings.options.secret).toBe(DEVELOPMENT_SECRET_KEY);
    createSessions(settings.options);
    expect(logger.warnings.join('\n')).toMatch(/WARNING.*weak/);
  });

  it('prints a secret of 64 characters with the suggested command', async () => {
    const { execFileSync } = await import('node:child_process');
    const command = /^node -e "(.*)"$/.exec(NEW_SECRET_KEY_COMMAND)![1]!;
    const secret = execFileSync(process.execPath, ['-e', command], { encoding: 'utf8' }).trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{64}$/);
  });

  it('accepts SECRET_KEY in production, without a warning about it', () => {
    const logger = recordingLogger();
    const settings = optionsFromEnv({ NODE_ENV: 'production', SECRET_KEY: TEST_SECRET, DATABASE_URL: sqliteUrl() }, { logger });
    opened.push(settings);
    expect(settings.options.secret).toBe(TEST_SECRET);
    expect(logger.warnings).toEqual([]);
  });
});

describe('optionsFromEnv: SESSION_ENGINE', () => {
  it.each([
    ['db', 'db', 'sqlite'],
    ['django.contrib.sessions.backends.db', 'db', 'sqlite'],
    ['cache', 'cache', 'memory'],
    ['django.contrib.sessions.backends.cache', 'cache', 'memory'],
  ] as const)('%s selects the %s engine', (name, engine, storeName) => {
    const settings = read({ SESSION_ENGINE: name });
    expect(settings.engine).toBe(engine);
    expect(settings.options.store).toMatchObject({ name: storeName });
    expect(settings.description.startsWith(`${engine} — `)).toBe(true);
  });

  it.each(['signed_cookies', 'django.contrib.sessions.backends.signed_cookies'])('%s selects signed cookies', (name) => {
    const settings = read({ SESSION_ENGINE: name });
    expect(settings.engine).toBe('signed_cookies');
    expect(settings.options.store).toMatchObject({ name: 'signed_cookies', salt: 'django.contrib.sessions.backends.signed_cookies' });
  });

  it.each(['redis', 'django.contrib.sessions.backends.nope', 'myapp.sessions.Custom', 'constructor', '__proto__'])(
    'refuses the unknown engine %j and lists the valid ones',
    (name) => {
      const error = configError(() => read({ SESSION_ENGINE: name }));
      expect(error.message).toContain('SESSION_ENGINE');
      expect(error.message).toContain(Object.keys(ENGINES).join(', '));
      expect(Object.keys(ENGINES)).toEqual(expect.arrayContaining(['db', 'cache', 'signed_cookies']));
    },
  );

  it('stores sessions in the SQLite file of the db engine', async () => {
    const url = sqliteUrl();
    const sessions = manager({ DATABASE_URL: url });
    const session = sessions.load(undefined);
    await session.set('colour', 'blue');
    const { setCookie } = await sessions.commit(session);
    const again = sessions.load(cookieOf(setCookie));
    expect(await again.get('colour')).toBe('blue');
    expect(existsSync(sqlitePathFromUrl(url))).toBe(true);
  });
});

describe('DATABASE_URL', () => {
  const pathOfUrl = {
    'sqlite:///relative.sqlite3': 'relative.sqlite3',
    'sqlite:///dir/relative.sqlite3': 'dir/relative.sqlite3',
    'sqlite:////absolute/path.sqlite3': '/absolute/path.sqlite3',
    'sqlite:///with%20space.sqlite3': 'with space.sqlite3',
    'sqlite:///db.sqlite3?timeout=20': 'db.sqlite3',
    'SQLITE:///upper.sqlite3': 'upper.sqlite3',
    'sqlite://:memory:': ':memory:',
    'sqlite://': ':memory:',
  };
  it.each(Object.entries(pathOfUrl))('reads %s as the path %j', (url, path) => {
    expect(sqlitePathFromUrl(url)).toBe(path);
  });

  it('refuses a host in a sqlite URL and shows the three-slash form', () => {
    const error = configError(() => sqlitePathFromUrl('sqlite://db.sqlite3'));
    expect(error.message).toContain('sqlite:///db.sqlite3');
  });

  it('opens an absolute SQLite path and an in-memory database', () => {
    const absolute = join(scratch, 'absolute.sqlite3');
    expect(read({ DATABASE_URL: `sqlite:///${absolute}` }).description).toBe(`db — SQLite ${absolute}`);
    expect(existsSync(absolute)).toBe(true);
    expect(read({ DATABASE_URL: 'sqlite://:memory:' }).description).toBe('db — SQLite :memory:');
  });

  it.each([
    ['oracle://app:s3cret-pass@db.internal:1521/app', 'oracle'],
    ['mssql://app:s3cret-pass@localhost/app', 'mssql'],
  ])('names the unsupported scheme of %s without printing its password', (url, scheme) => {
    const error = configError(() => read({ DATABASE_URL: url }));
    expect(error.message).toContain(`"${scheme}://"`);
    expect(error.message).toContain('sqlite://');
    expect(error.message).not.toContain('s3cret-pass');
  });

  it.each([
    ['postgres://127.0.0.1:5433/app', 'postgres://USER@127.0.0.1:5433/app'],
    ['postgresql://:pw-s3cret@db.internal/app', 'postgresql://USER@db.internal:5432/app'],
    ['postgres://%2Fvar%2Frun%2Fpostgresql/app', 'postgres://USER@%2Fvar%2Frun%2Fpostgresql:5432/app'],
    ['mysql://127.0.0.1/app', 'mysql://USER@127.0.0.1:3306/app'],
    ['mariadb://[::1]/my%20db', 'mariadb://USER@[::1]:3306/my%20db'],
  ])('refuses %s, which names no user, at start, saying what to add', (url, example) => {
    const error = configError(() => read({ DATABASE_URL: url }));
    expect(error.message).toContain('DATABASE_URL=');
    expect(error.message).toContain(`the URL names no user; add one, e.g. ${example} (USER:PASSWORD@ when the server asks for a password).`);
    expect(error.message).not.toContain('pw-s3cret');
  });

  it.each(['postgres://', 'postgres://app@127.0.0.1:5432', 'postgresql://app:pw-s3cret@db.internal/', 'mariadb://app@127.0.0.1'])(
    'refuses %s, which names no database, at start, saying what to add',
    (url) => {
      const error = configError(() => read({ DATABASE_URL: url }));
      expect(error.message).toMatch(/^sessionkit: DATABASE_URL=.* cannot be used: (postgres|mysql)Store: the URL names no database; add it as the path/);
      expect(error.message).not.toContain('pw-s3cret');
    },
  );

  it('refuses a PostgreSQL URL without a database in the store too, instead of connecting to the default one', () => {
    expect(configError(() => postgresSettingsFromUrl('postgres://app@127.0.0.1:5432')).message).toContain('names no database');
    expect(configError(() => postgresSettingsFromUrl('postgres://app@127.0.0.1:5432/')).message).toContain('names no database');
    expect(postgresSettingsFromUrl('postgres://app@127.0.0.1:5432/app').connection.database).toBe('app');
  });

  it('refuses a URL without a scheme', () => {
    expect(configError(() => openDatabaseUrl('db.sqlite3')).message).toContain('has no scheme');
  });

  it('refuses a SQLite file in a directory that does not exist', () => {
    const error = configError(() => read({ DATABASE_URL: `sqlite:///${join(scratch, 'missing-dir', 'db.sqlite3')}` }));
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).toContain('does not exist');
  });

  it('refuses a SQLite path below a regular file', () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'not a directory');
    const error = configError(() => read({ DATABASE_URL: `sqlite:///${join(file, 'db.sqlite3')}` }));
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).toContain('not a directory');
  });

  it('refuses a file that is not a SQLite database', () => {
    const file = join(scratch, 'garbage.sqlite3');
    writeFileSync(file, 'this is not a database'.repeat(100));
    expect(configError(() => read({ DATABASE_URL: `sqlite:///${file}` })).message).toContain('DATABASE_URL');
  });

  // root may write anywhere, so a read-only directory only stops other users.
  it.skipIf(process.getuid?.() === 0)('refuses a SQLite file in a read-only directory', () => {
    const directory = join(scratch, 'read-only');
    mkdirSync(directory);
    chmodSync(directory, 0o500);
    try {
      const error = configError(() => read({ DATABASE_URL: `sqlite:///${join(directory, 'db.sqlite3')}` }));
      expect(error.message).toContain('not writable');
    } finally {
      chmodSync(directory, 0o700);
    }
  });
});

describe('CACHE_URL: the Redis database index', () => {
  it.each([
    ['redis://127.0.0.1:6379', 0],
    ['redis://127.0.0.1:6379/', 0],
    ['redis://127.0.0.1:6379/3', 3],
    ['redis://127.0.0.1:6379/99', 99],
    ['redis://127.0.0.1:6379?db=4', 4],
    ['rediss://:pw@cache.internal:6380/2?db=5', 2],
  ])('reads %s as database %i', (url, index) => {
    expect(redisDatabaseIndex(url)).toBe(index);
  });

  it.each([
    'redis://127.0.0.1:6379/abc',
    'redis://127.0.0.1:6379/-1',
    'redis://127.0.0.1:6379/1.5',
    'redis://127.0.0.1:6379/0/extra',
    'redis://:pw-s3cret@127.0.0.1:6379?db=x',
  ])('refuses %s at start, naming CACHE_URL', (url) => {
    const message = configError(() => read({ SESSION_ENGINE: 'cache', CACHE_URL: url })).message;
    expect(message).toContain('CACHE_URL=');
    expect(message).toContain('is not a whole number ≥ 0');
    expect(message).toContain('redis://127.0.0.1:6379/0');
    expect(message).not.toContain('pw-s3cret');
  });

  it('leaves an index the server may not have to the server (sessionkit check asks it)', async () => {
    const opened = openCacheUrl('redis://127.0.0.1:6379/99');
    expect(opened.description).toBe('Redis redis://127.0.0.1:6379/99');
    await opened.store.close?.();
  });
});
