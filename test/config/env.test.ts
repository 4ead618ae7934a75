/**
 * Settings from environment variables with Django's names: every variable, the defaults, the engine and
 * DATABASE_URL forms, and the errors that must name what to fix.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DATABASE_URL, openDatabaseUrl, sqlitePathFromUrl } from '../../src/config/database-url.js';
import { ENGINES } from '../../src/config/engines.js';
import { DEVELOPMENT_SECRET_KEY, optionsFromEnv, type Env, type EnvSettings } from '../../src/config/env.js';
import { SessionConfigError } from '../../src/errors.js';
import { createSessions, type SessionManager } from '../../src/manager.js';
import { DEFAULTS } from '../../src/options.js';
import { MemoryStore } from '../../src/stores/memory.js';
import { SqliteStore } from '../../src/stores/sqlite.js';
import { OLD_SECRET, recordingLogger, TEST_SECRET } from '../helpers/secrets.js';

let scratch: string;
const opened: EnvSettings[] = [];
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'sessionkit-env-test-'));
});
afterEach(async () => {
  for (const settings of opened.splice(0)) {
    if (!('kind' in settings.options.store)) await settings.options.store.close?.();
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
    expect(settings.options.store).toBeInstanceOf(SqliteStore);
    const options = createSessions(settings.options).options;
    expect(options).toMatchObject({
      secret: TEST_SECRET,
      secretFallbacks: [],
      cookieName: DEFAULTS.cookieName,
      cookieAge: 1209600,
      cookieDomain: null,
      cookiePath: '/',
      cookieSecure: false,
      cookieHttpOnly: true,
      cookieSameSite: 'Lax',
      expireAtBrowserClose: false,
      saveEveryRequest: false,
      locking: null,
    });
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
    ['db', 'db', SqliteStore],
    ['django.contrib.sessions.backends.db', 'db', SqliteStore],
    ['cache', 'cache', MemoryStore],
    ['django.contrib.sessions.backends.cache', 'cache', MemoryStore],
  ] as const)('%s selects the %s engine', (name, engine, storeClass) => {
    const settings = read({ SESSION_ENGINE: name });
    expect(settings.engine).toBe(engine);
    expect(settings.options.store).toBeInstanceOf(storeClass);
    expect(settings.description.startsWith(`${engine} — `)).toBe(true);
  });

  it.each(['signed_cookies', 'django.contrib.sessions.backends.signed_cookies'])('%s selects signed cookies', (name) => {
    const settings = read({ SESSION_ENGINE: name });
    expect(settings.engine).toBe('signed_cookies');
    expect(settings.options.store).toMatchObject({ kind: 'signed_cookies', salt: 'django.contrib.sessions.backends.signed_cookies' });
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
    const again = sessions.load(setCookie[0]!.split(';')[0]);
    expect(await again.get('colour')).toBe('blue');
    expect(existsSync(sqlitePathFromUrl(url))).toBe(true);
  });
});

describe('DATABASE_URL', () => {
  it.each([
    ['sqlite:///relative.sqlite3', 'relative.sqlite3'],
    ['sqlite:///dir/relative.sqlite3', 'dir/relative.sqlite3'],
    ['sqlite:////absolute/path.sqlite3', '/absolute/path.sqlite3'],
    ['sqlite:///with%20space.sqlite3', 'with space.sqlite3'],
    ['sqlite:///db.sqlite3?timeout=20', 'db.sqlite3'],
    ['SQLITE:///upper.sqlite3', 'upper.sqlite3'],
    ['sqlite://:memory:', ':memory:'],
    ['sqlite://', ':memory:'],
  ])('reads %s as the path %j', (url, path) => {
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
