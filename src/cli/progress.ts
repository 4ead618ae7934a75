/**
 * The running count of `clearsessions`, redrawn in place on a terminal. The stores delete in batches
 * without knowing beforehand how many rows have expired, so this shows how many are gone so far rather
 * than a fraction. Nothing is drawn when stderr is not a terminal (a cron job's log stays clean).
 */
import type { OutputStream } from './output.js';

/** A progress line. */
export interface ProgressLine {
  /** Shows `removed` as the number deleted so far. */
  update(removed: number): void;
  /** Erases the line. */
  finish(): void;
}

// Redrawing more often than this only costs terminal output.
const REDRAW_INTERVAL_MS = 100;
const SPINNER = ['|', '/', '-', '\\'];

/** A progress line on `stream`; a no-op unless it is a terminal. */
export function progressLine(stream: OutputStream, label: string, now: () => number = Date.now): ProgressLine {
  if (!stream.isTTY) return { update: () => {}, finish: () => {} };
  let drawn = false;
  let lastDraw = -Infinity;
  let frame = 0;
  return {
    update(removed) {
      const time = now();
      if (time - lastDraw < REDRAW_INTERVAL_MS) return;
      lastDraw = time;
      frame = (frame + 1) % SPINNER.length;
      // \r and "erase line" (ESC [2K) so a shorter line leaves nothing behind.
      stream.write(`\r\x1b[2K${SPINNER[frame]} ${label}: ${removed.toLocaleString('en-US')} so far`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
