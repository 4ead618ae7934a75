/**
 * The progress of `clearsessions`, redrawn in place on a terminal: a bar when the store could count the
 * expired sessions beforehand (`[######--------------] 30% 300/1,000`), else the count deleted so far.
 * Nothing is drawn when the stream is not a terminal (a cron job's log stays clean).
 */
import type { OutputStream } from './output.js';

/** A progress line. */
export interface ProgressLine {
  /** Shows `done` as the number handled so far. */
  update(done: number): void;
  /** Erases the line. */
  finish(): void;
}

/** Options of {@link progressLine}. */
export interface ProgressOptions {
  /**
   * How many there are to do, when known: the line is then a bar with a percentage. More may turn up
   * (sessions keep expiring while the command runs); the bar then counts them in and stays at most full.
   * @default undefined (a running count)
   */
  readonly total?: number | undefined;
  /**
   * The clock, for tests.
   * @default Date.now
   */
  readonly now?: (() => number) | undefined;
}

// Redrawing more often than this only costs terminal output.
const REDRAW_INTERVAL_MS = 100;
const SPINNER = ['|', '/', '-', '\\'];
const BAR_WIDTH = 20;

/** A progress line labelled `label` on `stream`; a no-op unless it is a terminal. */
export function progressLine(stream: OutputStream, label: string, options: ProgressOptions = {}): ProgressLine {
  if (!stream.isTTY) return { update: () => {}, finish: () => {} };
  const now = options.now ?? Date.now;
  let drawn = false;
  let lastDraw = -Infinity;
  let frame = 0;
  return {
    update(done) {
      const time = now();
      if (time - lastDraw < REDRAW_INTERVAL_MS) return;
      lastDraw = time;
      frame = (frame + 1) % SPINNER.length;
      const shown = options.total === undefined ? `${SPINNER[frame]} ${label}: ${count(done)} so far` : `${label} ${bar(done, options.total)}`;
      // \r and "erase line" (ESC [2K) so a shorter line leaves nothing behind.
      stream.write(`\r\x1b[2K${shown}`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}

/** `[#####---------------] 25% 250/1,000` for `done` of `total`. */
function bar(done: number, total: number): string {
  const whole = Math.max(total, done);
  const fraction = whole === 0 ? 1 : done / whole;
  const filled = Math.floor(fraction * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${Math.floor(fraction * 100)}% ${count(done)}/${count(whole)}`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
