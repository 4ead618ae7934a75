/**
 * `SESSION_ENGINE`: Django's engine names (short, or dotted as in a settings file) mapped to stores.
 *
 * To add an engine, register a factory in {@link ENGINES} under Django's short name.
 */

import type { SessionStore } from '../core/store-contract.js';
import { SessionConfigError } from '../errors.js';
import type { SessionLogger } from '../options.js';
import { type SignedCookies, signedCookies } from '../stores/signed-cookies.js';
import { openCachedDbEngine, openCacheEngine } from './cache-engines.js';
import { type OpenedDatabaseStore, openDatabaseUrl } from './database-url.js';
import { openFileEngine } from './file-engine.js';
import { type Env, readString } from './values.js';

/** Django's default engine. */
export const DEFAULT_ENGINE = 'db';

const DJANGO_ENGINE_PREFIX = 'django.contrib.sessions.backends.';

/** What an engine factory receives. */
export interface EngineContext {
  /** The environment being read. */
  readonly env: Env;
  /** Opens the database `DATABASE_URL` names (the `db` engine's store; `cached_db` builds on it). */
  openDatabase(): OpenedDatabaseStore;
  /** Where stores report what they tolerate (e.g. `cached_db`'s cache errors). */
  readonly logger: SessionLogger;
}

/** A configured engine. */
export interface OpenedEngine {
  /** The `store` option of `createSessions`. */
  readonly store: SessionStore | SignedCookies;
  /** For start-up messages, e.g. `SQLite /srv/app/db.sqlite3`. */
  readonly description: string;
}

/** Builds one engine from the environment. */
export type EngineFactory = (context: EngineContext) => OpenedEngine;

/**
 * The engines `SESSION_ENGINE` may name, by Django's short name. `cache` and `cached_db` read `CACHE_URL`
 * (`CACHE_KEY_PREFIX`, `CACHE_VERSION`), `db` and `cached_db` read `DATABASE_URL`, `file` reads
 * `SESSION_FILE_PATH`; each has a default, so `SESSION_ENGINE` alone selects a working engine.
 */
export const ENGINES: Readonly<Record<string, EngineFactory>> = {
  db: (context) => context.openDatabase(),
  cache: openCacheEngine,
  cached_db: openCachedDbEngine,
  file: openFileEngine,
  signed_cookies: () => ({ store: signedCookies(), description: 'signed cookies (the data lives in the cookie)' }),
};

/**
 * The short engine name `SESSION_ENGINE` selects: `db` for both `db` and
 * `django.contrib.sessions.backends.db`. Throws a `SessionConfigError` listing the valid names.
 */
export function engineName(env: Env): string {
  const raw = readString(env, 'SESSION_ENGINE') ?? DEFAULT_ENGINE;
  const name = raw.startsWith(DJANGO_ENGINE_PREFIX) ? raw.slice(DJANGO_ENGINE_PREFIX.length) : raw;
  if (!Object.hasOwn(ENGINES, name)) {
    const valid = Object.keys(ENGINES).join(', ');
    throw new SessionConfigError(
      `SESSION_ENGINE=${JSON.stringify(raw)} is not an engine sessionkit knows. Use one of: ${valid} (also written ${DJANGO_ENGINE_PREFIX}<name>, as in Django).`,
    );
  }
  return name;
}

/** Builds the engine named `name` (from {@link engineName}). */
export function openEngine(name: string, env: Env, logger: SessionLogger = console): OpenedEngine {
  const factory = ENGINES[name];
  if (!factory) throw new SessionConfigError(`unknown session engine ${JSON.stringify(name)}.`);
  return factory({ env, logger, openDatabase: () => openDatabaseUrl(readString(env, 'DATABASE_URL')) });
}
