/**
 * Readers for environment variable values, written the way Django settings files usually spell them
 * (`True`/`False`, `None`). Each one names the variable in its error, so a typo is found at start-up.
 */
import { SessionConfigError } from '../errors.js';
import { MAX_COOKIE_AGE, type SameSite } from '../options.js';

/** Environment variables, as `process.env` holds them. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The trimmed value of `name`, or `undefined` when it is unset or blank (blank means "use the default"). */
export function readString(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** A boolean written `True`/`False`, `true`/`false` or `1`/`0`; `undefined` when unset. */
export function readBoolean(env: Env, name: string): boolean | undefined {
  const value = readString(env, name);
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  throw new SessionConfigError(`${name}=${JSON.stringify(value)} is not a boolean. Write True or False (or 1 or 0).`);
}

/** A positive whole number such as `1209600`, at most `max`; `undefined` when unset. */
export function readPositiveInteger(env: Env, name: string, unit: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const value = readString(env, name);
  if (value === undefined) return undefined;
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number <= 0) {
    throw new SessionConfigError(`${name}=${JSON.stringify(value)} is not a positive whole number of ${unit}; write digits only, e.g. ${name}=1209600.`);
  }
  if (number > max) {
    throw new SessionConfigError(`${name}=${value} is too large: at most ${max} ${unit}. Write a smaller number, e.g. ${name}=1209600.`);
  }
  return number;
}

/** `SESSION_COOKIE_AGE` in seconds, at most `MAX_COOKIE_AGE` (Django's default 1209600 when unset). */
export function readCookieAge(env: Env): number | undefined {
  return readPositiveInteger(env, 'SESSION_COOKIE_AGE', 'seconds', MAX_COOKIE_AGE);
}

/** A comma-separated list; blanks are dropped. */
export function readList(env: Env, name: string): string[] {
  return (readString(env, name) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A string where `None` (Python's) means `null`; `undefined` when unset. */
export function readOptionalString(env: Env, name: string): string | null | undefined {
  const value = readString(env, name);
  return value === 'None' ? null : value;
}

const SAME_SITE = new Map<string, SameSite>([
  ['lax', 'Lax'],
  ['strict', 'Strict'],
  ['none', 'None'],
  ['false', false],
]);

/** `SESSION_COOKIE_SAMESITE`: `Lax`, `Strict`, `None` (the string), or `False` to omit the attribute. */
export function readSameSite(env: Env, name: string): SameSite | undefined {
  const value = readString(env, name);
  if (value === undefined) return undefined;
  const canonical = SAME_SITE.get(value.toLowerCase());
  if (canonical === undefined) {
    throw new SessionConfigError(`${name}=${JSON.stringify(value)} is not valid. Write Lax, Strict, None, or False to leave the attribute out.`);
  }
  return canonical;
}
