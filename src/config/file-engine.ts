/**
 * Django's `file` engine from the environment: one file per session in `SESSION_FILE_PATH` (the system's
 * temporary directory when unset, as Django's `tempfile.gettempdir()`), named `<SESSION_COOKIE_NAME><key>`.
 */
import { DEFAULTS } from '../options.js';
import { fileStore } from '../stores/file.js';
import type { EngineContext, OpenedEngine } from './engines.js';
import { readPositiveInteger, readString } from './values.js';
import { openFor } from './variable-errors.js';

/** Opens the `file` engine; a missing or unwritable directory is a `SessionConfigError` naming `SESSION_FILE_PATH`. */
export function openFileEngine(context: EngineContext): OpenedEngine {
  const { env } = context;
  const directory = readString(env, 'SESSION_FILE_PATH');
  // Django names the files after the cookie, and judges a file without its own expiry by SESSION_COOKIE_AGE.
  const prefix = readString(env, 'SESSION_COOKIE_NAME') ?? DEFAULTS.cookieName;
  const cookieAge = readPositiveInteger(env, 'SESSION_COOKIE_AGE', 'seconds');
  const shown = directory === undefined ? 'SESSION_FILE_PATH (unset: the temporary directory)' : `SESSION_FILE_PATH=${JSON.stringify(directory)}`;
  const store = openFor(`SESSION_ENGINE=file with ${shown} cannot be used`, () => fileStore({ directory, prefix, cookieAge }));
  return { store, description: `files ${store.directory}/${store.prefix}<key>` };
}
