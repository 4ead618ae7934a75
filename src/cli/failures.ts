/**
 * How the command fails: a {@link UsageError} (exit 2) for a command line it cannot understand, a
 * {@link CommandFailure} (exit 1) for everything that went wrong while running, each shown as one sentence.
 * Errors from stores and drivers are turned into such a sentence by {@link explainError}, naming the
 * environment variable that configured the store and never showing a password.
 */

import type { Env } from '../config/values.js';
import { configErrorReason, redactUrlsIn } from '../config/variable-errors.js';
import { SessionConfigError } from '../errors.js';

/** Exit status of a successful run. */
export const EXIT_OK = 0;
/** Exit status when something went wrong while running. */
export const EXIT_FAILURE = 1;
/** Exit status of a command line that cannot be understood. */
export const EXIT_USAGE = 2;

/** The command line is wrong: an unknown command or option, a missing or extra argument. */
export class UsageError extends Error {
  override name = 'UsageError';
  /** The command whose usage to show, when known. */
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}

/** The command ran and could not do what was asked; the message is what to tell the user. */
export class CommandFailure extends Error {
  override name = 'CommandFailure';
}

/** Where the store in use was configured, for messages. */
export interface StoreOrigin {
  /** The store, as a start-up message names it, e.g. `db (PostgreSQL 127.0.0.1:5432/test)`. */
  readonly description: string;
  /** The variable that chose it, e.g. `DATABASE_URL`. */
  readonly variable: string;
}

/** How to create the session table, for messages. */
export const CREATE_TABLE_FIX = 'run "sessionkit migrate" (or Django\'s "manage.py migrate sessions")';

// Driver errors that mean the server could not be reached (or stopped answering).
const UNREACHABLE =
  /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ECONNRESET|EAI_AGAIN|EPIPE|could not connect|not connected|connection (?:terminated|issue|closed|lost)|timed? ?out/i;

/**
 * One sentence for `error`. Configuration errors keep their own message (it says how to fix the setting);
 * errors while talking to the store name it and the variable that configured it.
 */
export function explainError(error: unknown, env: Env, origin?: StoreOrigin): string {
  if (error instanceof UsageError || error instanceof CommandFailure) return hidePasswords(error.message, env);
  if (error instanceof SessionConfigError) return hidePasswords(configErrorReason(error), env);
  const missing = missingPackage(error);
  if (missing !== undefined) {
    return `the package "${missing}" is not installed, and loading the session stores needs it; install it with: npm install ${missing}`;
  }
  const reason = hidePasswords(reasonOf(error), env);
  if (origin === undefined) return `unexpected error: ${reason}.`;
  const where = `the session store (${origin.description}, set by ${origin.variable})`;
  if (isMissingTable(error)) return `${where} has no session table: ${CREATE_TABLE_FIX}.`;
  if (UNREACHABLE.test(reason) || UNREACHABLE.test(String((error as { code?: unknown } | null)?.code ?? ''))) {
    return `cannot reach ${where}: ${reason}. Check that the server is running and that ${origin.variable} points to it.`;
  }
  return `${where} failed: ${reason}.`;
}

/** A database's answer, maybe wrapped by the store, that the table does not exist: PostgreSQL, MySQL/MariaDB, SQLite. */
function isMissingTable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 3; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (code === '42P01' || code === 'ER_NO_SUCH_TABLE' || /^no such table: /.test(current.message)) return true;
  }
  return false;
}

/** The package a failed import looked for, e.g. `memcached`. */
function missingPackage(error: unknown): string | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code !== 'ERR_MODULE_NOT_FOUND' || typeof message !== 'string') return undefined;
  return /Cannot find package '([^']+)'/.exec(message)?.[1];
}

/** The message of `error`, or its code when it has none (a refused connection to several addresses). */
export function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const text = error.message.trim() || (typeof code === 'string' ? code : error.name);
  return text.replace(/\.$/, '');
}

/** `text` without any password that appears in a URL, or that a URL in the environment holds. */
export function hidePasswords(text: string, env: Env): string {
  let hidden = redactUrlsIn(text);
  for (const password of passwordsIn(env)) hidden = hidden.split(password).join('***');
  return hidden;
}

function passwordsIn(env: Env): string[] {
  const found = new Set<string>();
  for (const name of ['DATABASE_URL', 'CACHE_URL']) {
    const userInfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(env[name] ?? '')?.[1];
    const colon = userInfo?.indexOf(':') ?? -1;
    if (userInfo === undefined || colon === -1) continue;
    const raw = userInfo.slice(colon + 1);
    // Blanking every occurrence of a very short password would garble the message; URLs are redacted anyway.
    if (raw.length >= 4) found.add(raw);
    try {
      const decoded = decodeURIComponent(raw);
      if (decoded.length >= 4) found.add(decoded);
    } catch {
      // A malformed escape: the raw form was added.
    }
  }
  return [...found];
}
