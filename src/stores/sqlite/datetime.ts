/**
 * `expire_date` as Django writes it on SQLite with `USE_TZ=True`: naive UTC text
 * `YYYY-MM-DD HH:MM:SS[.ffffff]` (Python's `str(datetime)`, microseconds only when non-zero).
 *
 * Django compares these as text (`expire_date > '<now in the same format>'`), which orders correctly
 * because every field is zero-padded and a missing fraction sorts before any fraction of the same
 * second. sessionkit formats `now` the same way so both sides draw the line at the same instant.
 */

// Years outside 1–9999 would not be four digits, and the text would stop sorting by time (Python's
// datetime refuses them too).
// 0001-01-01T00:00:00Z; not Date.UTC(1, 0, 1), which reads years 0–99 as 1900–1999.
const MIN_MS = -62135596800000;
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Formats an instant as Django stores a `DateTimeField` on SQLite (naive UTC). */
export function formatDjangoDatetime(date: Date | number): string {
  const ms = typeof date === 'number' ? date : date.getTime();
  if (!Number.isFinite(ms) || ms < MIN_MS || ms > MAX_MS) {
    throw new RangeError(`sqliteStore: ${String(date)} is not a date SQLite's expire_date can hold (years 1–9999)`);
  }
  const d = new Date(ms);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const millis = d.getUTCMilliseconds();
  return millis === 0 ? base : `${base}.${pad(millis * 1000, 6)}`;
}

const DJANGO_DATETIME = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?/;

/**
 * Reads a stored `expire_date` back as an instant (naive values are UTC, as Django writes them with
 * `USE_TZ=True`); `null` when the text is not a date. Sub-millisecond digits are dropped.
 */
export function parseDjangoDatetime(text: string): Date | null {
  const match = DJANGO_DATETIME.exec(text);
  if (!match) return null;
  const [, year, month, day, hour, minute, second, fraction = ''] = match;
  const date = new Date(0);
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(Number(hour), Number(minute), Number(second), Number(fraction.padEnd(3, '0').slice(0, 3)));
  return Number.isNaN(date.getTime()) ? null : date;
}
