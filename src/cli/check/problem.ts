/**
 * What `sessionkit check` reports: problems, each with an id in Django's style (`security.W009`) and one
 * sentence that says what is wrong and how to fix it.
 *
 * Ids Django's `check --deploy` has keep Django's: `security.W009` (a weak `SECRET_KEY`), `security.W025`
 * (a weak `SECRET_KEY_FALLBACKS` entry), `sessions.W012` (`SESSION_COOKIE_SECURE` off) and `sessions.W015`
 * (`SESSION_COOKIE_HTTPONLY` off) — the variants of W010–W015 that apply when both the sessions app and
 * its middleware are in use, as they always are with sessionkit. The others are sessionkit's own.
 */

/** One problem found. */
export interface Problem {
  /** E.g. `security.W009`, `sessionkit.E011`. */
  readonly id: string;
  /** What is wrong and how to fix it, as one line. */
  readonly message: string;
}

/** The ids `sessionkit check` reports, by what they mean. */
export const CHECK_IDS = {
  /** A setting is malformed or cannot work (the app would refuse to start). */
  badSetting: 'sessionkit.E001',
  /** `SECRET_KEY` is not set. */
  noSecret: 'sessionkit.E002',
  /** The store's server or file cannot be reached or opened. */
  unreachable: 'sessionkit.E010',
  /** The session table does not exist. */
  noTable: 'sessionkit.E011',
  /** The session table lacks Django's columns. */
  wrongColumns: 'sessionkit.E012',
  /** The connection may not read, write or delete sessions. */
  noAccess: 'sessionkit.E013',
  /** The SQLite database file does not exist. */
  noDatabaseFile: 'sessionkit.E014',
  /** The Redis server has no database of the URL's index. */
  noRedisDatabase: 'sessionkit.E020',
  /** The cache did not keep a session written to it. */
  cacheRoundTrip: 'sessionkit.E021',
  /** The session directory is missing or cannot be used. */
  badDirectory: 'sessionkit.E030',
  /** Other users may write to the session directory. */
  directoryWritableByOthers: 'sessionkit.W031',
  /** Other users may list the session directory, whose file names are session keys. */
  directoryReadableByOthers: 'sessionkit.W032',
  /** `SESSION_COOKIE_SAMESITE=None` without `SESSION_COOKIE_SECURE`. */
  sameSiteNoneInsecure: 'sessionkit.W040',
  /** A weak `SECRET_KEY` (Django's id). */
  weakSecret: 'security.W009',
  /** A weak `SECRET_KEY_FALLBACKS` entry (Django's id). */
  weakFallback: 'security.W025',
  /** `SESSION_COOKIE_SECURE` off on a site served over HTTPS (Django's id). */
  insecureCookie: 'sessions.W012',
  /** `SESSION_COOKIE_HTTPONLY` off (Django's id). */
  scriptReadableCookie: 'sessions.W015',
} as const;

/** A problem's line of output: `sessions.W012: …`. */
export function formatProblem(problem: Problem): string {
  return `${problem.id}: ${problem.message}`;
}

/** What checking one store found. */
export interface StoreCheck {
  /** The store as the messages name it, e.g. `PostgreSQL 127.0.0.1:5432/app`. */
  readonly where: string;
  readonly problems: readonly Problem[];
}
