/**
 * Optional checking of loaded session data with a validator that implements Standard Schema v1
 * (https://standardschema.dev: zod 3.24+, valibot 1, arktype 2, …). The few types it needs are written out
 * here, so sessionkit depends on no validator.
 *
 * The schema sees the application's keys only: the keys Django and sessionkit manage themselves
 * ({@link ReservedSessionData}) are taken out before validation and put back untouched after it. Data that
 * fails (or a schema that throws) gives a fresh session and an `invalid-data` security event, never an
 * error; data that passes is replaced by the schema's output, so defaults and transforms apply.
 */
import type { ResolvedOptions } from '../options.js';
import type { ReservedSessionData } from '../session.js';
import { reportSecurityEvent } from './codec.js';
import { EXPIRY_KEY } from './expiry.js';
import { dataProblem, describeDataProblem } from './session-values.js';
import { type SessionData, setEntry } from './state.js';

/** One problem a validator found, as Standard Schema reports it. */
export interface SchemaIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** What a Standard Schema's `validate` answers: the (possibly transformed) value, or the issues. */
export type SchemaResult<Output> = { readonly value: Output; readonly issues?: undefined } | { readonly issues: ReadonlyArray<SchemaIssue> };

/**
 * A Standard Schema v1 validator whose output is `Output`, as far as sessionkit uses it. zod, valibot and
 * arktype schemas are such objects as they are.
 */
export interface SessionSchema<Output = unknown> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => SchemaResult<Output> | Promise<SchemaResult<Output>>;
    /** The schema's types, for inference only. */
    readonly types?: { readonly input: unknown; readonly output: Output } | undefined;
  };
}

/** Validates loaded data: resolves the data to use, or `null` when it failed (the failure is reported). */
export type DataCheck = (data: SessionData) => Promise<SessionData | null>;

// Every key of ReservedSessionData, checked by the type: adding one there without listing it fails to compile.
const RESERVED: Record<keyof ReservedSessionData, true> = {
  _session_expiry: true,
  testcookie: true,
  _auth_user_id: true,
  _auth_user_backend: true,
  _auth_user_hash: true,
  _messages: true,
};
const RESERVED_KEYS: ReadonlySet<string> = new Set(Object.keys(RESERVED));

// Enough issues to find the fault in the log, not so many that one session floods it.
const REPORTED_ISSUES = 3;

/**
 * `true` when `schema` looks like a Standard Schema v1 validator (checked once, at construction).
 */
export function isSessionSchema(schema: unknown): schema is SessionSchema {
  if (schema === null || (typeof schema !== 'object' && typeof schema !== 'function')) return false;
  const standard: unknown = (schema as Record<string, unknown>)['~standard'];
  return (
    typeof standard === 'object' &&
    standard !== null &&
    (standard as { version?: unknown }).version === 1 &&
    typeof (standard as { validate?: unknown }).validate === 'function'
  );
}

/** The check of the `schema` option for `engine`, or `null` without a schema (then loading costs nothing more). */
export function createDataCheck(options: ResolvedOptions, engine: string): DataCheck | null {
  const schema = options.schema;
  if (schema === null) return null;
  const standard = schema['~standard'];
  const refuse = (message: string): null =>
    reportSecurityEvent(options, 'invalid-data', engine, `session data refused by the schema (${String(standard.vendor)}): ${message}`);

  return async (data) => {
    let own = data;
    let reserved: Array<[string, unknown]> | null = null;
    for (const key of Object.keys(data)) {
      if (!RESERVED_KEYS.has(key)) continue;
      if (reserved === null) {
        reserved = [];
        own = { ...data };
      }
      reserved.push([key, data[key]]);
      delete own[key];
    }
    let result: SchemaResult<unknown>;
    try {
      result = await standard.validate(own);
    } catch (error) {
      return refuse(`the schema threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
    if (result === null || typeof result !== 'object') return refuse('validate() answered neither a value nor issues');
    if (result.issues !== undefined) return refuse(describeIssues(result.issues));
    const value: unknown = result.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return refuse('its output is not an object');
    const checked: SessionData = { ...(value as SessionData) };
    // A transform could turn data into something the session cannot save again; better refused now.
    const problem = dataProblem(checked, EXPIRY_KEY);
    if (problem !== null) return refuse(`its output cannot be stored: ${describeDataProblem(problem)}`);
    for (const [key, kept] of reserved ?? []) setEntry(checked, key, kept);
    return checked;
  };
}

/** `cart.0.id: Expected number; visit: Required (and 2 more)`. Values are never quoted. */
function describeIssues(issues: unknown): string {
  if (!Array.isArray(issues) || issues.length === 0) return 'the data is invalid';
  const shown = issues.slice(0, REPORTED_ISSUES).map((issue: Partial<SchemaIssue> | null) => {
    const segments: unknown[] = Array.isArray(issue?.path) ? issue.path : [];
    const path = segments.map((segment) => String(typeof segment === 'object' && segment !== null ? (segment as { key?: unknown }).key : segment)).join('.');
    const message = String(issue?.message ?? 'invalid');
    return path === '' ? message : `${path}: ${message}`;
  });
  const more = issues.length - shown.length;
  return shown.join('; ') + (more > 0 ? ` (and ${more} more)` : '');
}
