/**
 * The file store's names, as Django's file engine makes them: a session lives in
 * `<prefix><key>` (the prefix being `SESSION_COOKIE_NAME`); a write goes through
 * `<prefix><key>_out_<random>`. sessionkit adds lock files `<prefix><key>.lock` (the short write lock)
 * and `<prefix><key>.session.lock` (the per-session request lock).
 *
 * Every name that is not a session file contains a character outside `[a-z0-9]` after the prefix, so
 * Django's `clear_expired` (which validates the key) and ours both skip it.
 */
import { randomBytes } from 'node:crypto';
import { isValidSessionKey } from '../../core/session-key.js';

/** The suffix of the write lock file. */
export const WRITE_LOCK_SUFFIX = '.lock';
/** The suffix of the per-session (request) lock file. */
export const SESSION_LOCK_SUFFIX = '.session.lock';
/** What sits between a session file's name and the random part of its temporary file (Django's mkstemp prefix). */
export const TEMP_INFIX = '_out_';

// mkstemp draws 8 characters from this alphabet.
const TEMP_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789_';

/** The kind of a directory entry, from its name alone. */
export type EntryKind =
  /** A session file. */
  | { readonly kind: 'session'; readonly key: string }
  /** A write or session lock file. */
  | { readonly kind: 'lock'; readonly key: string }
  /** What a crashed writer leaves: a temporary file, or a lock file moved aside while being broken. */
  | { readonly kind: 'leftover'; readonly key: string }
  /** Anything else (another program's file, a Django setting's neighbour): never touched. */
  | { readonly kind: 'foreign' };

const LOCK_NAME = /^([a-z0-9]{8,40})(?:\.session)?\.lock$/;
const LEFTOVER_NAME = /^([a-z0-9]{8,40})(?:_out_|(?:\.session)?\.lock\.stale-)/;

/** Classifies a directory entry name for the store with `prefix`. */
export function classifyEntry(name: string, prefix: string): EntryKind {
  if (!name.startsWith(prefix)) return { kind: 'foreign' };
  const rest = name.slice(prefix.length);
  if (isValidSessionKey(rest)) return { kind: 'session', key: rest };
  const lock = LOCK_NAME.exec(rest);
  if (lock) return { kind: 'lock', key: lock[1]! };
  const leftover = LEFTOVER_NAME.exec(rest);
  if (leftover) return { kind: 'leftover', key: leftover[1]! };
  return { kind: 'foreign' };
}

/** A fresh temporary-file name for the session file named `fileName`, as Django's mkstemp makes them. */
export function tempFileName(fileName: string): string {
  const bytes = randomBytes(8);
  let suffix = '';
  for (const byte of bytes) suffix += TEMP_ALPHABET[byte % TEMP_ALPHABET.length];
  return `${fileName}${TEMP_INFIX}${suffix}`;
}

/**
 * The name of `key`'s session file, or `null` when `key` is not a session key. The engine has checked the
 * key already; the file store checks it again because here a key becomes a path, which must never leave
 * the directory.
 */
export function sessionFileName(prefix: string, key: string): string | null {
  return isValidSessionKey(key) ? prefix + key : null;
}

/** The error refusing a write or lock under `key`, which {@link sessionFileName} found no session key. */
export function notASessionKey(key: string): TypeError {
  return new TypeError(`fileStore: refusing ${JSON.stringify(key)}: not a session key (8 to 40 characters of a-z and 0-9)`);
}
