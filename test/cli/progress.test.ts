import { describe, expect, it } from 'vitest';
import type { OutputStream } from '../../src/cli/output.js';
import { progressLine } from '../../src/cli/progress.js';

const ERASE = '\r\x1b[2K';

/** A stream that records what is written to it, a terminal or not. */
function recording(isTTY: boolean): OutputStream & { written: string[] } {
  const written: string[] = [];
  return { isTTY, written, write: (text: string) => written.push(text) };
}

describe('clearsessions progress', () => {
  it('draws a bar with the percentage and the counts when the total is known', () => {
    const stream = recording(true);
    let clock = 0;
    const progress = progressLine(stream, 'Deleting expired sessions', { total: 1000, now: () => clock });
    for (const done of [0, 420, 1000]) {
      progress.update(done);
      clock += 100;
    }
    progress.finish();
    expect(stream.written).toEqual([
      `${ERASE}Deleting expired sessions [--------------------] 0% 0/1,000`,
      `${ERASE}Deleting expired sessions [########------------] 42% 420/1,000`,
      `${ERASE}Deleting expired sessions [####################] 100% 1,000/1,000`,
      ERASE,
    ]);
  });

  it('counts in what turned up after the total was taken, staying at most full', () => {
    const stream = recording(true);
    const progress = progressLine(stream, 'Deleting', { total: 10, now: () => 0 });
    progress.update(15);
    expect(stream.written).toEqual([`${ERASE}Deleting [####################] 100% 15/15`]);
  });

  it('shows the running count when the total is unknown', () => {
    const stream = recording(true);
    let clock = 0;
    const progress = progressLine(stream, 'Deleting expired sessions', { now: () => clock });
    progress.update(5000);
    clock += 100;
    progress.update(12000);
    expect(stream.written).toEqual([`${ERASE}/ Deleting expired sessions: 5,000 so far`, `${ERASE}- Deleting expired sessions: 12,000 so far`]);
  });

  it('redraws at most every 100 ms, and erases nothing it never drew', () => {
    const stream = recording(true);
    let clock = 0;
    const progress = progressLine(stream, 'Deleting', { total: 100, now: () => clock });
    progress.update(10);
    clock += 50;
    progress.update(20);
    clock += 50;
    progress.update(30);
    expect(stream.written).toHaveLength(2);
    expect(stream.written[1]).toMatch(/ 30% 30\/100$/);
    const silent = recording(true);
    progressLine(silent, 'Deleting', { total: 100 }).finish();
    expect(silent.written).toEqual([]);
  });

  it('draws nothing when the stream is not a terminal (a cron log)', () => {
    const stream = recording(false);
    const progress = progressLine(stream, 'Deleting', { total: 100 });
    progress.update(50);
    progress.finish();
    expect(stream.written).toEqual([]);
  });
});
