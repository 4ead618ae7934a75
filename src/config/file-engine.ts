/**
 * Django's `file` engine from the environment: one file per session in `SESSION_FILE_PATH`, named
 * `<SESSION_COOKIE_NAME><key>`. Unset, it is a private directory (mode 0700) that the store makes inside
 * the temporary directory, `sessionkit-<uid>`; Django would use the temporary directory itself, where every
 * local user can list the file names, which are the session keys.
 */
import { DEFAULTS } from '../options.js';
import { type FileStore, fileStore } from '../stores/file.js';
import type { EngineContext, OpenedEngine } from './engines.js';
import { readCookieAge, readString } from './values.js';
import { openFor } from './variable-errors.js';

/**
 * Opens the `file` engine; a missing or unwritable directory, or one other users can write to, is a
 * `SessionConfigError` naming `SESSION_FILE_PATH`.
 */
export function openFileEngine(context: EngineContext): OpenedEngine & { readonly store: FileStore } {
  const { env } = context;
  const directory = readString(env, 'SESSION_FILE_PATH');
  // Django names the files after the cookie, and judges a file without its own expiry by SESSION_COOKIE_AGE.
  const prefix = readString(env, 'SESSION_COOKIE_NAME') ?? DEFAULTS.cookieName;
  const cookieAge = readCookieAge(env);
  const shown =
    directory === undefined ? 'SESSION_FILE_PATH (unset: a private directory in the temporary directory)' : `SESSION_FILE_PATH=${JSON.stringify(directory)}`;
  const store = openFor(`SESSION_ENGINE=file with ${shown} cannot be used`, () =>
    fileStore({ ...(directory !== undefined && { directory }), prefix, ...(cookieAge !== undefined && { cookieAge }) }),
  );
  return { store, description: `files ${store.directory}/${store.prefix}<key>` };
}
