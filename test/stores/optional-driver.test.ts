/**
 * Store drivers are optional peer dependencies, loaded when a store is constructed: importing the
 * settings (which import every store) touches none of them, and a missing one is named with its
 * `npm install` when its store is made.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SessionConfigError } from '../../src/errors.js';
import { loadOptionalDriver } from '../../src/stores/internal/optional-driver.js';

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const srcUrl = (path: string): string => pathToFileURL(fileURLToPath(new URL(`../../src/${path}`, import.meta.url))).href;

/**
 * Runs `body` (an ES module's code) in a fresh node with the TypeScript loader, where an `import` of any
 * driver fails at once and `require` of the drivers named in `missing` fails as an uninstalled package
 * would; resolves its stdout parsed as JSON.
 */
function inFreshNode(body: string, missing: readonly string[] = []): Promise<unknown> {
  const script = `
    import Module, { createRequire, register } from 'node:module';
    const drivers = ['pg', 'mysql2', 'mysql2/promise', 'ioredis', 'memcached', 'better-sqlite3'];
    register('data:text/javascript,' + encodeURIComponent(
      'const drivers = new Set(' + JSON.stringify(drivers) + ');' +
      'export async function resolve(specifier, context, next) {' +
      '  if (drivers.has(specifier)) throw new Error("a driver was imported statically: " + specifier);' +
      '  return next(specifier, context);' +
      '}'));
    const missing = new Set(${JSON.stringify(missing)});
    const resolveFilename = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      if (missing.has(request)) throw Object.assign(new Error("Cannot find module '" + request + "'\\nRequire stack:\\n- here"), { code: 'MODULE_NOT_FOUND' });
      return resolveFilename.call(this, request, ...rest);
    };
    const driversLoaded = () => Object.keys(createRequire(import.meta.url).cache)
      .map((path) => /node_modules\\/(pg|mysql2|ioredis|memcached|better-sqlite3)\\//.exec(path)?.[1])
      .filter((name, index, all) => name !== undefined && all.indexOf(name) === index)
      .sort();
    ${body}
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX_LOADER, '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (status) => {
      if (status !== 0) reject(new Error(`the child node exited with ${status}: ${stderr}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

describe('store drivers load on demand', () => {
  it('names a package that is not installed, with its npm install', () => {
    const load = (): unknown => loadOptionalDriver('sessionkit-test-no-such-driver', 'exampleStore');
    expect(load).toThrow(SessionConfigError);
    expect(load).toThrow('sessionkit: exampleStore needs the "sessionkit-test-no-such-driver" package: npm install sessionkit-test-no-such-driver');
    expect(() => loadOptionalDriver('@sessionkit-test/no-such-driver/promise', 'exampleStore')).toThrow(
      /needs the "@sessionkit-test\/no-such-driver" package: npm install @sessionkit-test\/no-such-driver$/,
    );
  });

  it('loads an installed driver, a path inside a package too', () => {
    expect(typeof loadOptionalDriver<{ createPool: unknown }>('mysql2/promise', 'mysqlStore').createPool).toBe('function');
    expect(typeof loadOptionalDriver<{ Pool: unknown }>('pg', 'postgresStore').Pool).toBe('function');
  });

  it('imports the settings and every store without loading a driver; opening SQLite loads better-sqlite3 alone', async () => {
    const loaded = await inFreshNode(`
      const { openEngine } = await import(${JSON.stringify(srcUrl('config/engines.ts'))});
      await import(${JSON.stringify(srcUrl('config/env.ts'))});
      const atImport = driversLoaded();
      const { store } = openEngine('db', { DATABASE_URL: 'sqlite://:memory:' });
      await store.close();
      console.log(JSON.stringify({ atImport, afterSqlite: driversLoaded() }));
    `);
    expect(loaded).toEqual({ atImport: [], afterSqlite: ['better-sqlite3'] });
  });

  it('fails to make a store whose driver is missing with a SessionConfigError naming the npm install', async () => {
    const outcomes = await inFreshNode(
      `
      const { openEngine } = await import(${JSON.stringify(srcUrl('config/engines.ts'))});
      const attempts = {
        pg: { DATABASE_URL: 'postgres://u@127.0.0.1:1/db' },
        mysql2: { DATABASE_URL: 'mysql://u@127.0.0.1:1/db' },
        ioredis: { SESSION_ENGINE: 'cache', CACHE_URL: 'redis://127.0.0.1:1/0' },
        memcached: { SESSION_ENGINE: 'cache', CACHE_URL: 'memcached://127.0.0.1:1' },
        'better-sqlite3': { DATABASE_URL: 'sqlite://:memory:' },
      };
      const outcomes = {};
      for (const [driver, env] of Object.entries(attempts)) {
        try {
          const { store } = openEngine(env.SESSION_ENGINE ?? 'db', env);
          await store.close();
          outcomes[driver] = 'opened';
        } catch (error) {
          outcomes[driver] = error.name + ': ' + error.message;
        }
      }
      console.log(JSON.stringify(outcomes));
    `,
      ['pg', 'mysql2/promise', 'ioredis', 'memcached', 'better-sqlite3'],
    );
    expect(outcomes).toEqual({
      pg: expect.stringMatching(/^SessionConfigError: .*postgresStore needs the "pg" package: npm install pg$/),
      mysql2: expect.stringMatching(/^SessionConfigError: .*mysqlStore needs the "mysql2" package: npm install mysql2$/),
      ioredis: expect.stringMatching(/^SessionConfigError: .*redisStore needs the "ioredis" package: npm install ioredis$/),
      memcached: expect.stringMatching(/^SessionConfigError: .*memcachedStore needs the "memcached" package: npm install memcached$/),
      'better-sqlite3': expect.stringMatching(/^SessionConfigError: .*sqliteStore needs the "better-sqlite3" package: npm install better-sqlite3$/),
    });
  });
});
