/**
 * Starting the demo app for tests, on the engines that need no server: the memory cache, SQLite (a
 * temporary file) and signed cookies; and on each framework (`FRAMEWORK`). `demoHarness()` registers the
 * hooks that stop every demo after its test and remove the temporary files after the file's tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect } from 'vitest';
import {
  adminTokenFromEnv,
  createDemoServer,
  type DemoData,
  type DemoUserDatabase,
  type DemoUserOptions,
  demoUserDatabase,
  FRAMEWORKS,
  type Framework,
  type SessionView,
} from '../../examples/demo/app.js';
import { type Env, optionsFromEnv } from '../../src/config/env.js';
import { serverStore } from '../../src/core/engine.js';
import { generateSessionKey } from '../../src/core/session-key.js';
import type { SessionStore } from '../../src/core/store-contract.js';
import { createSessions } from '../../src/manager.js';
import { listen } from '../adapters/http-helpers.js';
import { type CountingStore, countingStore } from '../helpers/counting-store.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import { Browser } from './browser.js';

/** An engine the demo runs on, selected by environment variables as `npm start` selects it. */
export interface EngineCase {
  readonly label: string;
  readonly env: () => Env;
  readonly serverSide: boolean;
  /** The framework the demo runs on; `node` when absent. */
  readonly framework?: Framework;
}

/** A running demo. */
export interface Demo {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The store, counting its calls; `null` for signed cookies. */
  readonly counting: CountingStore | null;
  /** The store without the counting; `null` for signed cookies. */
  readonly inner: SessionStore | null;
  readonly logger: ReturnType<typeof recordingLogger>;
  /** A new browser with an empty cookie jar. */
  browser(): Browser;
  /** `GET /session` by `browser`, expecting a 200. */
  view(browser: Browser): Promise<SessionView>;
  /** Django's users, when the demo was started with them. */
  readonly users: DemoUserDatabase | undefined;
}

/** Options of {@link DemoHarness.start}. */
export interface StartOptions {
  /**
   * Give the demo Django's users, from the database its `DATABASE_URL` names, as `npm start` does (through
   * the session store's connection on the `db` engine); with options such as the PBKDF2 count.
   * @default undefined (no users)
   */
  readonly users?: DemoUserOptions;
  /**
   * The sessions' clock, in milliseconds since the epoch.
   * @default Date.now
   */
  readonly now?: () => number;
}

/** What {@link demoHarness} gives a test file. */
export interface DemoHarness {
  /** The engines, on node:http. */
  readonly engines: readonly EngineCase[];
  /** The engines on node:http, and the memory cache and SQLite on every other framework. */
  readonly cases: readonly EngineCase[];
  /** The memory cache on each framework. */
  readonly frameworkCases: readonly EngineCase[];
  /** `engine` on `framework`, labelled so. */
  on(engine: EngineCase, framework: Framework): EngineCase;
  /**
   * The demo on `engine` (and its framework), with `env` added to its variables; told the engine's name and
   * the session admin's token (`SESSION_ADMIN_TOKEN`) as `npm start` tells it; Django's users with `users`.
   */
  start(engine: EngineCase, env?: Env, options?: StartOptions): Promise<Demo>;
}

/**
 * `counted` with `inner`'s data format, as `npm start` has it (the cache engine stores plain data), and its
 * administration methods, uncounted, for the session admin to use.
 */
function withAdministration(counted: SessionStore, inner: SessionStore): SessionStore {
  return {
    ...counted,
    ...(inner.dataFormat && { dataFormat: inner.dataFormat }),
    ...(inner.list && { list: () => inner.list!() }),
    ...(inner.countExpired && { countExpired: () => inner.countExpired!() }),
    ...(inner.clearExpiredInBatches && { clearExpiredInBatches: (options) => inner.clearExpiredInBatches!(options) }),
  };
}

/** The engines and frameworks, and `start`; see {@link DemoHarness}. */
export function demoHarness(): DemoHarness {
  const scratch = mkdtempSync(join(tmpdir(), 'sessionkit-demo-test-'));
  const running: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((close) => close()));
  });
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  const engines: readonly EngineCase[] = [
    { label: 'memory cache', env: () => ({ SESSION_ENGINE: 'cache' }), serverSide: true },
    {
      label: 'SQLite',
      env: () => ({
        SESSION_ENGINE: 'django.contrib.sessions.backends.db',
        DATABASE_URL: `sqlite:///${join(scratch, `demo-${generateSessionKey()}.sqlite3`)}`,
      }),
      serverSide: true,
    },
    { label: 'signed cookies', env: () => ({ SESSION_ENGINE: 'signed_cookies' }), serverSide: false },
  ];
  const [memory, sqlite] = engines as [EngineCase, EngineCase];
  const on = (engine: EngineCase, framework: Framework): EngineCase => ({ ...engine, label: `${engine.label} on ${framework}`, framework });
  const others = FRAMEWORKS.filter((framework) => framework !== 'node');
  const cases: readonly EngineCase[] = [...engines, ...others.flatMap((framework) => [on(memory, framework), on(sqlite, framework)])];
  const frameworkCases = FRAMEWORKS.map((framework) => on(memory, framework));

  async function start(engine: EngineCase, env: Env = {}, startOptions: StartOptions = {}): Promise<Demo> {
    const logger = recordingLogger();
    const variables = { SECRET_KEY: TEST_SECRET, ...engine.env(), ...env };
    const { options, engine: engineName } = optionsFromEnv(variables, { logger });
    const inner = serverStore(options.store);
    const counting = inner ? countingStore(inner) : null;
    const sessions = createSessions<DemoData>({
      ...options,
      ...(startOptions.now && { now: startOptions.now }),
      store: counting ? withAdministration(counting.store, inner!) : options.store,
    });
    // On the store itself, not the counting wrapper: the db engine's users share its connection.
    const users = startOptions.users && demoUserDatabase(variables, options.store, startOptions.users);
    const server = await listen(await createDemoServer(sessions, engine.framework, { engine: engineName, adminToken: adminTokenFromEnv(variables), users }));
    running.push(async () => {
      await server.close();
      await users?.close();
      await sessions.close();
    });
    const browser = (): Browser => new Browser(server.url);
    const view = async (b: Browser): Promise<SessionView> => {
      const response = await b.fetch('/session');
      expect(response.status).toBe(200);
      return (await response.json()) as SessionView;
    };
    return { url: server.url, counting, inner, logger, browser, view, users };
  }

  return { engines, cases, frameworkCases, on, start };
}
