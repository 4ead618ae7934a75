/**
 * Reading files of the session directory without ever blocking on something that is not a regular file.
 *
 * Opening a FIFO for reading waits for a writer, and it waits on one of libuv's four file-system threads:
 * a FIFO named like a session would hang its request forever, and four such requests would stall every
 * file operation of the process. So files are opened with `O_NONBLOCK`, which returns at once whatever
 * the name holds (regular files ignore the flag), and `O_NOFOLLOW`, which refuses a symbolic link (the
 * store never makes one: its files appear by rename). `fstat` on the opened handle then tells a regular
 * file from anything else, with no window in which the name could be swapped between check and read.
 */
import { constants, promises as fsp } from 'node:fs';

// Windows has neither flag, nor FIFOs or symbolic links an unprivileged user can plant.
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

// open() errors meaning the name holds something other than a regular file: a symbolic link (ELOOP;
// EMLINK on FreeBSD), a socket or a device without a peer (ENXIO).
const IRREGULAR_OPEN_ERRORS = new Set(['ELOOP', 'EMLINK', 'ENXIO', 'EISDIR']);

/** A regular file as read: its content and the time it was last written. */
export interface RegularFile {
  readonly content: string;
  readonly modifiedMs: number;
  readonly size: number;
}

/** What a name in the directory held: a regular file, nothing, or something else (FIFO, link, device…). */
export type ReadOutcome = RegularFile | 'absent' | 'irregular';

/**
 * Reads the regular file at `path`. Content and time come from one open file, so they belong together
 * even if the file is replaced meanwhile. Never blocks on a FIFO or a device, never follows a link.
 */
export async function readRegularFile(path: string, encoding: BufferEncoding): Promise<ReadOutcome> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(path, READ_FLAGS);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'absent';
    if (code !== undefined && IRREGULAR_OPEN_ERRORS.has(code)) return 'irregular';
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return 'irregular';
    const content = await handle.readFile(encoding);
    return { content, modifiedMs: stats.mtimeMs, size: stats.size };
  } finally {
    await handle.close();
  }
}

/** The `code` of a Node system error, if any. */
export function errorCode(error: unknown): string | undefined {
  return error !== null && typeof error === 'object' && 'code' in error ? String(error.code) : undefined;
}
