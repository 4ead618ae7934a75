/**
 * Logs a store outage as two lines instead of one per failed request: one when the store starts failing,
 * one when it answers again, with how many requests failed meanwhile and for how long.
 */
import type { ResolvedOptions } from '../options.js';
import { describeError, logOneLine } from './error-response.js';

/** The outage state of one store. */
export class StoreHealth {
  readonly #storeName: string;
  readonly #options: Pick<ResolvedOptions, 'logger' | 'debug' | 'now'>;
  #downSince: number | null = null;
  #failures = 0;

  constructor(storeName: string, options: Pick<ResolvedOptions, 'logger' | 'debug' | 'now'>) {
    this.#storeName = storeName;
    this.#options = options;
  }

  /** Whether the store is failing now. */
  get down(): boolean {
    return this.#downSince !== null;
  }

  /** A store call failed: logs the first failure of an outage, counts the others. */
  failed(cause: unknown): void {
    this.#failures++;
    if (this.#downSince !== null) {
      // In debug, every failure keeps its line and stack: that is what debugging an outage needs.
      if (this.#options.debug) logOneLine(this.#options, this.#message(cause), cause);
      return;
    }
    this.#downSince = this.#options.now();
    logOneLine(this.#options, this.#message(cause), cause);
  }

  /** A store call succeeded: logs the end of an outage, if there was one. */
  succeeded(): void {
    if (this.#downSince === null) return;
    const seconds = Math.max(0, Math.round((this.#options.now() - this.#downSince) / 1000));
    const failures = this.#failures;
    this.#downSince = null;
    this.#failures = 0;
    this.#options.logger.warn(
      `sessionkit: session store "${this.#storeName}" is back after ${seconds} s; ${failures} request${failures === 1 ? '' : 's'} failed on it meanwhile.`,
    );
  }

  #message(cause: unknown): string {
    return `sessionkit: session store "${this.#storeName}" is unavailable: ${describeError(cause)}`;
  }
}
