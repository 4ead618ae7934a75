/**
 * Where the file store keeps its sessions, and the checks that keep that place private.
 *
 * A session file is named after its session key, so whoever can list the directory can take over every
 * session, and whoever can write to it can plant files the store would serve. Django defaults to the
 * shared temporary directory and checks nothing; sessionkit defaults to a directory of its own inside
 * it, made with mode 0700, and refuses any directory that other users can write to.
 */
import { accessSync, constants as fsConstants, lstatSync, mkdirSync, type Stats, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SessionConfigError } from '../../errors.js';
import { errorCode } from './regular-file.js';

// Windows has no POSIX modes or owners to check.
const POSIX = process.platform !== 'win32';
const GROUP_OR_WORLD_WRITABLE = 0o022;
const STICKY = 0o1000;

/** The default session directory: `<os.tmpdir()>/sessionkit-<uid>` (`sessionkit` where there are no uids). */
export function defaultSessionDirectory(): string {
  const uid = process.getuid?.();
  return resolve(join(tmpdir(), uid === undefined ? 'sessionkit' : `sessionkit-${uid}`));
}

/**
 * Makes the default session directory (mode 0700) unless it exists, and checks that it is a directory of
 * this user that nobody else can enter: in a shared temporary directory anyone may have made that name
 * first (a link to elsewhere, a directory they can read). Resolves its absolute path.
 */
export function openDefaultDirectory(): string {
  const directory = defaultSessionDirectory();
  try {
    mkdirSync(directory, { mode: 0o700 });
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') {
      throw new SessionConfigError(
        `fileStore: cannot create the default session directory ${JSON.stringify(directory)} (${errorCode(error) ?? 'error'}). Set \`directory\` (SESSION_FILE_PATH) to an existing directory only the app's user can write to.`,
      );
    }
  }
  // lstat, not stat: a symbolic link planted at this name must not lead the sessions elsewhere.
  const stats = lstatSync(directory);
  const uid = process.getuid?.();
  const ownedHere = !POSIX || ((uid === undefined || stats.uid === uid) && (stats.mode & 0o077) === 0);
  if (!stats.isDirectory() || !ownedHere) {
    throw new SessionConfigError(
      `fileStore: the default session directory ${JSON.stringify(directory)} is not a private directory of this user (it must be a directory, not a link, owned by uid ${String(uid)}, mode 0700; found ${describe(stats)}). Someone else may have made it: remove it so that it is made afresh, or set \`directory\` (SESSION_FILE_PATH) to a directory of your own.`,
    );
  }
  return checkSessionDirectory(directory);
}

/**
 * Checks a chosen session directory: it exists, is a directory this process can use, and no other user
 * can write to it (group- and world-writable directories are refused, shared sticky ones like /tmp
 * included). Resolves its absolute path.
 */
export function checkSessionDirectory(directory: string): string {
  if (typeof directory !== 'string' || directory === '') {
    throw new SessionConfigError('fileStore: `directory` (SESSION_FILE_PATH) must be a path to an existing directory.');
  }
  const absolute = resolve(directory);
  const shown = JSON.stringify(absolute);
  let stats: Stats;
  try {
    stats = statSync(absolute);
  } catch {
    throw new SessionConfigError(
      `fileStore: the session directory ${shown} does not exist. Create it (mkdir -p -m 700 ${absolute}, owned by the app's user) or set \`directory\` (SESSION_FILE_PATH) to an existing directory.`,
    );
  }
  if (!stats.isDirectory()) {
    throw new SessionConfigError(
      `fileStore: ${shown} is not a directory. Set \`directory\` (SESSION_FILE_PATH) to a directory in which session files can be stored.`,
    );
  }
  if (POSIX && (stats.mode & GROUP_OR_WORLD_WRITABLE) !== 0) throw writableByOthers(absolute, stats);
  try {
    accessSync(absolute, fsConstants.R_OK | fsConstants.W_OK | fsConstants.X_OK);
  } catch {
    throw new SessionConfigError(
      `fileStore: the session directory ${shown} is not writable by this process. Give the app's user read, write and search permission on it (e.g. chown it to that user and chmod 700), or pick another \`directory\`.`,
    );
  }
  return absolute;
}

function writableByOthers(directory: string, stats: Stats): SessionConfigError {
  const why = `Session files are named after the session keys, so other users could list the keys and plant sessions there.`;
  const fix =
    (stats.mode & STICKY) !== 0
      ? `It is a shared directory like /tmp: set \`directory\` (SESSION_FILE_PATH) to a directory only the app's user can write to (e.g. mkdir -p -m 700 /var/lib/app/sessions), or leave it unset for a private directory made inside the temporary directory.`
      : `Take their write permission away (chmod go-w ${directory}; chmod 700 also hides the keys), or set \`directory\` (SESSION_FILE_PATH) to a directory only the app's user can write to.`;
  return new SessionConfigError(
    `fileStore: the session directory ${JSON.stringify(directory)} can be written by other users (${describe(stats)}). ${why} ${fix}`,
  );
}

function describe(stats: Stats): string {
  const kind = stats.isSymbolicLink() ? 'a symbolic link' : stats.isDirectory() ? 'a directory' : 'not a directory';
  return `${kind}, owner uid ${stats.uid}, mode ${(stats.mode & 0o7777).toString(8).padStart(4, '0')}`;
}
