/**
 * `sessionkit check` on the `file` engine's directory: the store's own checks (it exists, is a
 * directory, this process may read and write it), and that other users can neither write to it (plant
 * or remove sessions) nor list it (each file is named after its session key, so a listing hands over
 * every session).
 */
import { statSync } from 'node:fs';
import type { FileStore } from '../../stores/file.js';
import { CHECK_IDS, type Problem } from './problem.js';

const GROUP_OR_OTHERS_WRITE = 0o022;
const OTHERS_READ = 0o004;

/** The problems of the session directory of an opened file store (POSIX modes; none on Windows). */
export function directoryProblems(store: FileStore): Problem[] {
  if (process.platform === 'win32') return [];
  const directory = store.directory;
  const mode = statSync(directory).mode;
  const shown = (mode & 0o7777).toString(8).padStart(4, '0');
  const fix = `Make it private to the app's user (chmod 700 ${directory}), or set SESSION_FILE_PATH to a directory of its own (mkdir -m 700 /var/lib/APP/sessions).`;
  const problems: Problem[] = [];
  if ((mode & GROUP_OR_OTHERS_WRITE) !== 0) {
    problems.push({
      id: CHECK_IDS.directoryWritableByOthers,
      message: `other users may write to the session directory ${directory} (mode ${shown}): they can plant or delete session files. ${fix}`,
    });
  }
  if ((mode & OTHERS_READ) !== 0) {
    problems.push({
      id: CHECK_IDS.directoryReadableByOthers,
      message: `other users may list the session directory ${directory} (mode ${shown}), and each file there is named after its session key, so a listing hands over every session. ${fix}`,
    });
  }
  return problems;
}
