/**
 * Django's index names (`BaseDatabaseSchemaEditor._create_index_name`), so a table created here carries
 * the very indexes `manage.py migrate` would have made, e.g. `django_session_expire_date_a5c62663`.
 * Matching names matter: Django's later migrations find indexes by these names.
 */
import { createHash } from 'node:crypto';

/**
 * The name Django gives an index on `columns` of `table` (the unqualified table name), with an
 * optional `suffix` such as `_like`, for a database whose identifiers are at most `maxLength` long
 * (PostgreSQL 63, MySQL 64).
 */
export function djangoIndexName(table: string, columns: readonly string[], suffix: string, maxLength: number): string {
  // An MD5 over the names, fed one after the other, first 8 hex digits (Django's `names_digest`).
  const digest = createHash('md5');
  for (const part of [table, ...columns]) digest.update(part, 'utf8');
  let hashSuffix = `${digest.digest('hex').slice(0, 8)}${suffix}`;
  const joined = columns.join('_');
  const full = `${table}_${joined}_${hashSuffix}`;
  if (full.length <= maxLength) return full;
  if (hashSuffix.length > maxLength / 3) hashSuffix = hashSuffix.slice(0, Math.floor(maxLength / 3));
  const otherLength = Math.floor((maxLength - hashSuffix.length) / 2) - 1;
  const shortened = `${table.slice(0, otherLength)}_${joined.slice(0, otherLength)}_${hashSuffix}`;
  // Django avoids names starting with "_" or a digit (Oracle forbids them).
  return /^[_0-9]/.test(shortened) ? `D${shortened.slice(0, -1)}` : shortened;
}
