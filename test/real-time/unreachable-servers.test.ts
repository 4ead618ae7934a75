/**
 * A server nothing listens on fails a request, or a `sessionkit` command, within seconds: no driver
 * retries or waits out a long default timeout, and no message shows the URL's password. Real time: the
 * bound is on the clock.
 */
import { describe, expect, it } from 'vitest';
import { optionsFromEnv } from '../../src/config/env.js';
import { SessionStoreUnavailable } from '../../src/errors.js';
import { createSessions } from '../../src/manager.js';
import { type CliRun, cliScratch, runCliProcess } from '../cli/run-cli.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import { freePort } from '../helpers/servers.js';

const PASSWORD = 'Sup3r-secret-pw';
const emptyDirectory = cliScratch('unreachable');

describe('an unreachable server fails the request quickly, without the password', () => {
  it.each([
    ['PostgreSQL', (port: number) => ({ DATABASE_URL: `postgres://app:${PASSWORD}@127.0.0.1:${port}/app` })],
    ['MySQL', (port: number) => ({ DATABASE_URL: `mysql://app:${PASSWORD}@127.0.0.1:${port}/app` })],
    ['Redis', (port: number) => ({ SESSION_ENGINE: 'cache', CACHE_URL: `redis://:${PASSWORD}@127.0.0.1:${port}/0` })],
    ['memcached', (port: number) => ({ SESSION_ENGINE: 'cache', CACHE_URL: `memcached://127.0.0.1:${port}` })],
    ['cached_db on PostgreSQL', (port: number) => ({ SESSION_ENGINE: 'cached_db', DATABASE_URL: `postgres://app:${PASSWORD}@127.0.0.1:${port}/app` })],
  ])('%s', async (_label, envFor) => {
    const settings = optionsFromEnv({ SECRET_KEY: TEST_SECRET, ...envFor(await freePort()) }, { logger: recordingLogger() });
    const sessions = createSessions(settings.options);
    const started = Date.now();
    try {
      const session = sessions.load(null);
      await session.set('user', 'alice');
      const failure = await Promise.resolve(sessions.commit(session)).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(SessionStoreUnavailable);
      expect((failure as Error).message).not.toContain(PASSWORD);
      expect(Date.now() - started).toBeLessThan(8000);
    } finally {
      await sessions.close();
    }
  });
});

describe('sessionkit on servers that cannot be reached', () => {
  /**
   * Runs the command, which must fail with one sentence matching `pattern` and without the password. As a
   * process: the bound is on the command's exit, which no timer a driver leaves behind may hold up.
   */
  async function expectFailure(args: string[], env: Record<string, string>, pattern: RegExp): Promise<CliRun> {
    const run = await runCliProcess(args, { SECRET_KEY: TEST_SECRET, ...env }, { cwd: emptyDirectory() });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')[0]).toMatch(/^sessionkit: \S/);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr).toMatch(pattern);
    expect(run.stderr).not.toContain(PASSWORD);
    return run;
  }

  it('fails within seconds, naming the store and the variable that set it', async () => {
    const [pgPort, mysqlPort, redisPort, memcachedPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const started = Date.now();
    await Promise.all([
      expectFailure(
        ['list'],
        { DATABASE_URL: `postgres://app:${PASSWORD}@127.0.0.1:${pgPort}/test` },
        new RegExp(
          `^sessionkit: cannot reach the session store \\(db — PostgreSQL 127\\.0\\.0\\.1:${pgPort}/test, set by DATABASE_URL\\): .*ECONNREFUSED.*Check that the server is running and that DATABASE_URL points to it\\.\\n$`,
        ),
      ),
      expectFailure(
        ['clearsessions'],
        { DATABASE_URL: `mysql://app:${PASSWORD}@127.0.0.1:${mysqlPort}/test` },
        /cannot reach the session store \(db — MySQL .*set by DATABASE_URL\).*ECONNREFUSED/,
      ),
      expectFailure(
        ['show', 'a'.repeat(32)],
        { SESSION_ENGINE: 'cache', CACHE_URL: `redis://:${PASSWORD}@127.0.0.1:${redisPort}/0` },
        /cannot reach the session store \(cache — Redis redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0, set by CACHE_URL\).*ECONNREFUSED/,
      ),
      expectFailure(
        ['delete', 'a'.repeat(32)],
        { SESSION_ENGINE: 'cache', CACHE_URL: `memcached://127.0.0.1:${memcachedPort}` },
        /cannot reach the session store \(cache — memcached .*set by CACHE_URL\)/,
      ),
      expectFailure(
        ['migrate'],
        { SESSION_ENGINE: 'cached_db', DATABASE_URL: `postgres://app:${PASSWORD}@127.0.0.1:${pgPort}/test` },
        /cannot reach the session store \(cached_db — PostgreSQL .*set by DATABASE_URL\)/,
      ),
    ]);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
