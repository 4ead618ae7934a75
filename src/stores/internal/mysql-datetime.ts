/**
 * `expire_date` on MySQL: a `datetime(6)` holding naive UTC, as Django writes it with `USE_TZ = True`
 * (e.g. `2023-11-28 22:13:20.123456`). Converting here, rather than through the driver's `timezone`
 * setting, keeps the values right on a pool configured for local time.
 */

/** `date` as MySQL naive-UTC text with microseconds. */
export function toMysqlUtc(date: Date): string {
  // DATETIME ends with year 9999; a later expiry is as good as never.
  if (date.getUTCFullYear() > 9999) return '9999-12-31 23:59:59.999999';
  // toISOString is always UTC: 2023-11-28T22:13:20.123Z
  return `${date.toISOString().slice(0, 23).replace('T', ' ')}000`;
}

/** The instant of a naive-UTC `datetime` text (microseconds are truncated to milliseconds). */
export function fromMysqlUtc(text: string): Date {
  return new Date(`${text.replace(' ', 'T')}Z`);
}
