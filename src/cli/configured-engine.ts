/**
 * The engine the environment configures, opened exactly as the demo app opens it (`optionsFromEnv`),
 * with what the commands need besides: the store (or `null` for signed cookies) and where it came from.
 * For the commands that only read, the database is opened without creating its file or table.
 */
import { ENGINES, engineName, type OpenedEngine } from '../config/engines.js';
import { type EnvSettings, optionsFromEnv } from '../config/env.js';
import { type Env, readString } from '../config/values.js';
import { serverStore } from '../core/engine.js';
import type { SessionStore } from '../core/store-contract.js';
import type { SessionLogger, SessionOptions } from '../options.js';
import type { StoreOrigin } from './failures.js';
import { openDatabaseToRead } from './read-only-database.js';

/** The configured engine. */
export interface ConfiguredEngine {
  /** Django's short engine name: `db`, `cached_db`, `cache`, `file`, `signed_cookies`. */
  readonly engine: string;
  /** The options `createSessions` would get. */
  readonly options: SessionOptions;
  /** The server-side store; `null` for signed cookies, which have none. */
  readonly store: SessionStore | null;
  /** The store and the variable that chose it, for messages. */
  readonly origin: StoreOrigin;
  /** Closes the store. */
  close(): Promise<void>;
}

/** Options of {@link openConfiguredEngine}. */
export interface OpenEngineOptions {
  /** Where warnings go. */
  readonly logger: SessionLogger;
  /**
   * Whether the command signs or verifies anything. A command that does not (list, delete, …) runs
   * without `SECRET_KEY`, even with `NODE_ENV=production`, and without the warning about it.
   */
  readonly usesSecret: boolean;
  /**
   * Whether the command only reads (list, show): then nothing is created, neither the SQLite file nor
   * the session table, which the app's stores create when they are missing.
   * @default false
   */
  readonly readOnly?: boolean | undefined;
}

// Stands in for SECRET_KEY for commands that never sign or verify: nothing is signed with it.
const UNUSED_SECRET = 'sessionkit-command-without-signing-placeholder-secret-0123456789';

/** Opens the engine `env` configures. Throws `SessionConfigError` for a bad setting. */
export function openConfiguredEngine(env: Env, { logger, usesSecret, readOnly = false }: OpenEngineOptions): ConfiguredEngine {
  const effective = usesSecret || readString(env, 'SECRET_KEY') !== undefined ? env : { ...env, SECRET_KEY: UNUSED_SECRET };
  const settings = readOnly ? openToRead(effective, logger) : optionsFromEnv(effective, { logger });
  const store = serverStore(settings.options.store);
  return {
    engine: settings.engine,
    options: settings.options,
    store,
    origin: { description: settings.description, variable: originVariable(settings.engine) },
    close: async () => {
      await store?.close?.();
    },
  };
}

/**
 * What `optionsFromEnv` gives, with the engine's database (db, cached_db) opened by
 * {@link openDatabaseToRead}, which creates nothing.
 */
function openToRead(env: Env, logger: SessionLogger): EnvSettings {
  const engine = engineName(env);
  // The settings are read and checked first, as optionsFromEnv does.
  const options = secretSettings(env, logger);
  const opened: OpenedEngine = ENGINES[engine]!({
    env,
    logger,
    openDatabase: () => openDatabaseToRead(readString(env, 'DATABASE_URL')),
  });
  return { options: { ...options, store: opened.store }, engine, description: `${engine} — ${opened.description}` };
}

/**
 * The session settings alone (secrets, salts, cookie name), for decoding a value: no store is opened, so
 * nothing is connected to or created.
 */
export function secretSettings(env: Env, logger: SessionLogger): SessionOptions {
  return optionsFromEnv({ ...env, SESSION_ENGINE: 'signed_cookies', SESSION_LOCKING: '' }, { logger }).options;
}

/** The variable that chose the engine's store (its value shows in the store's description). */
function originVariable(engine: string): string {
  switch (engine) {
    case 'db':
    case 'cached_db':
      // cached_db tolerates cache failures; only its database can make a command fail.
      return 'DATABASE_URL';
    case 'cache':
      return 'CACHE_URL';
    case 'file':
      return 'SESSION_FILE_PATH';
    default:
      return 'SESSION_ENGINE';
  }
}
