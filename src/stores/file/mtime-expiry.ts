/**
 * When a session file expires, judged as Django judges it: an ISO `_session_expiry` inside the data when
 * the app can read it, else the file's mtime + `SESSION_COOKIE_AGE`. Writing goes the other way: the
 * store records the core's expiry date in the mtime, as `expireDate − cookieAge` (see `../file.ts`).
 */
import { parseIsoExpiry } from '../../core/expiry.js';
import { SessionConfigError } from '../../errors.js';

/** The expiry rule of one file store. */
export class MtimeExpiry {
  readonly #cookieAgeMs: number;
  readonly #readExpiry: ((data: string) => unknown) | undefined;

  /** Validates `cookieAge` (seconds, Django's `SESSION_COOKIE_AGE`) and the optional `readExpiry` hook. */
  constructor(cookieAge: number, readExpiry: ((data: string) => unknown) | undefined) {
    if (!Number.isInteger(cookieAge) || cookieAge <= 0) {
      throw new SessionConfigError(
        `fileStore: \`cookieAge\` must be a positive whole number of seconds (Django's SESSION_COOKIE_AGE), not ${String(cookieAge)}.`,
      );
    }
    if (readExpiry !== undefined && typeof readExpiry !== 'function') {
      throw new SessionConfigError('fileStore: `readExpiry` must be a function (data: string) => unknown, or left out.');
    }
    this.#cookieAgeMs = cookieAge * 1000;
    this.#readExpiry = readExpiry;
  }

  /** Whether judging a file needs its content (a `readExpiry` hook was given), not just its mtime. */
  get readsData(): boolean {
    return this.#readExpiry !== undefined;
  }

  /** The mtime that records `expireDate`. */
  mtimeFor(expireDate: Date): Date {
    const ms = expireDate.getTime();
    if (!Number.isFinite(ms)) throw new Error('fileStore: the expiry date is not a valid date');
    return new Date(ms - this.#cookieAgeMs);
  }

  /** When `file` expires, in ms since the epoch: an ISO `_session_expiry` read by `readExpiry`, else mtime + cookie age. */
  expiresAt(file: { readonly content?: string; readonly modifiedMs: number }): number {
    if (this.#readExpiry !== undefined && file.content) {
      let explicit: unknown;
      try {
        explicit = this.#readExpiry(file.content);
      } catch {
        explicit = undefined;
      }
      if (typeof explicit === 'string' && explicit) {
        const at = parseIsoExpiry(explicit);
        if (!Number.isNaN(at)) return at;
      }
    }
    return file.modifiedMs + this.#cookieAgeMs;
  }
}
