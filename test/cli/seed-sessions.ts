/**
 * Sessions for the command to work on, written by sessionkit itself with the settings the command will
 * read: live ones through `createSessions` (as an app would), expired ones straight into the store.
 */
import { optionsFromEnv } from '../../src/config/env.js';
import { generateSessionKey } from '../../src/core/session-key.js';
import type { SessionStore } from '../../src/core/store-contract.js';
import { createSessions } from '../../src/manager.js';
import { dumps } from '../../src/signing/index.js';
import { recordingLogger } from '../helpers/secrets.js';

/** The keys written by {@link seedSessions}. */
export interface SeededSessions {
  /** Keys of the live sessions, in the order of their data. */
  readonly live: string[];
  /** Keys of the sessions that expired an hour ago. */
  readonly expired: string[];
}

/**
 * Writes one live session per entry of `liveData` and `expiredCount` sessions that expired an hour ago,
 * in the store `env` configures.
 */
export async function seedSessions(
  env: Readonly<Record<string, string>>,
  liveData: ReadonlyArray<Record<string, unknown>>,
  expiredCount = 0,
): Promise<SeededSessions> {
  const settings = optionsFromEnv(env, { logger: recordingLogger() });
  const sessions = createSessions(settings.options);
  try {
    const live: string[] = [];
    for (const data of liveData) {
      const session = sessions.load(null);
      await session.update(data);
      await sessions.commit(session);
      live.push(session.sessionKey!);
    }
    const store = settings.options.store as SessionStore;
    const expired: string[] = [];
    const encoded = dumps({ stale: true }, { key: settings.options.secret, salt: 'django.contrib.sessions.SessionStore', compress: true });
    for (let i = 0; i < expiredCount; i++) {
      const key = generateSessionKey();
      if (!(await store.create(key, encoded, new Date(Date.now() - 3600_000)))) throw new Error(`could not create the expired session ${key}`);
      expired.push(key);
    }
    return { live, expired };
  } finally {
    await sessions.close();
  }
}

/** The sessions listed by `sessionkit list --json` output (one JSON array, checked to be one), by key. */
export function listedKeys(stdout: string): Map<string, ListedEntry> {
  const parsed: unknown = JSON.parse(stdout);
  if (!Array.isArray(parsed)) throw new Error(`list --json printed no JSON array: ${stdout.slice(0, 200)}`);
  const listed = new Map<string, ListedEntry>();
  for (const { key, ...rest } of parsed as Array<ListedEntry & { key: string }>) listed.set(key, rest);
  return listed;
}

/** One session as `list --json` prints it, without its key. */
export interface ListedEntry {
  readonly expireDate: string | null;
  readonly size: number;
  /** The logged-in user's id; `null` for an anonymous session. */
  readonly userId: string | null;
  /** Whether the data verified (else `userId` is unknown). */
  readonly readable: boolean;
}
