/**
 * Reading and replacing one session file the way Django's file engine does: the new content goes to a
 * temporary file in the same directory (mode 0600, like `mkstemp`), which is then renamed over the
 * target, so a reader sees the old content or the new one and never a part. A failed write removes its
 * temporary file; a crash before the rename leaves the old content in place. Nothing is ever written
 * through an existing name: the temporary file is created with `O_EXCL`, and the rename replaces
 * whatever the target name held (a FIFO or a symbolic link included) instead of writing into it.
 */
import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { tempFileName } from './names.js';
import { errorCode, type RegularFile, readRegularFile } from './regular-file.js';

/** A session file as read: its content and the time it was last written. */
export type SessionFile = RegularFile;

/**
 * Reads the session file at `path`, or `null` when there is none, or when the name holds something other
 * than a regular file (a FIFO, a symbolic link, a device): that is no session, and reading it never blocks.
 */
export async function readSessionFile(path: string): Promise<SessionFile | null> {
  const outcome = await readRegularFile(path, 'utf8');
  return typeof outcome === 'string' ? null : outcome;
}

/**
 * The last-write time and size of the session file at `path`, or `null` when there is none or the name
 * holds something other than a regular file (the name itself is examined: a symbolic link is not followed).
 */
export async function statSessionFile(path: string): Promise<{ modifiedMs: number; size: number } | null> {
  try {
    const stats = await fsp.lstat(path);
    return stats.isFile() ? { modifiedMs: stats.mtimeMs, size: stats.size } : null;
  } catch (error) {
    if (isAbsent(error)) return null;
    throw error;
  }
}

/**
 * Replaces the file at `path` with `content` atomically, giving it the modification time `mtime`.
 * The temporary file is named `<name>_out_<random>` next to the target, as Django names it.
 */
export async function replaceFileAtomically(path: string, content: string, mtime: Date): Promise<void> {
  const temp = join(dirname(path), tempFileName(basename(path)));
  const handle = await fsp.open(temp, 'wx', 0o600);
  let renamed = false;
  try {
    try {
      await handle.writeFile(content, 'utf8');
      await handle.utimes(new Date(), mtime);
    } finally {
      await handle.close();
    }
    await fsp.rename(temp, path);
    renamed = true;
  } finally {
    if (!renamed) await fsp.unlink(temp).catch(() => {});
  }
}

/** Creates an empty file at `path` unless one exists (Django's `O_CREAT | O_EXCL` placeholder). */
export async function createPlaceholder(path: string): Promise<boolean> {
  try {
    await (await fsp.open(path, 'wx', 0o600)).close();
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
}

/** Deletes the file at `path`; a missing file is not an error. */
export async function removeFile(path: string): Promise<boolean> {
  try {
    await fsp.unlink(path);
    return true;
  } catch (error) {
    if (isAbsent(error)) return false;
    throw error;
  }
}

function isAbsent(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}
