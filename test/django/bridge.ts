/**
 * Runs operations in a real Django process so tests can compare against
 * Django itself instead of pasted vectors. See bridge.py for the op list.
 * @module
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describeIfAvailable } from '../helpers/gate.js';

/**
 * The interpreter that has Django installed. Not the `python3` on PATH, which
 * may lack it; `SESSIONKIT_DJANGO_PYTHON` overrides for other machines.
 */
export const djangoPython: string = process.env['SESSIONKIT_DJANGO_PYTHON'] || '/usr/bin/python3';

const BRIDGE_SCRIPT = fileURLToPath(new URL('./bridge.py', import.meta.url));

const importable = new Map<string, boolean>();

/**
 * Whether `python` can import `module`, asked once per test process: each asking starts Python, and the
 * files that share a process ask the same.
 *
 * @param python - An interpreter.
 * @param module - A Python module name.
 * @returns `false` too when the interpreter is missing.
 */
export function pythonCanImport(python: string, module: string): boolean {
  const key = `${python}\0${module}`;
  let answer = importable.get(key);
  if (answer === undefined) {
    answer = spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
    importable.set(key, answer);
  }
  return answer;
}

/** Whether `djangoPython` can import Django. */
export const djangoAvailable: boolean = pythonCanImport(djangoPython, 'django');

/**
 * Whether `djangoPython` can import `module` (a database driver such as `psycopg2` or `MySQLdb`).
 *
 * @param module - A Python module name.
 * @returns `false` too when Python itself is missing.
 */
export function djangoCanImport(module: string): boolean {
  return pythonCanImport(djangoPython, module);
}

/** The Python driver Django's backend for each server needs. */
const DRIVERS = { postgresql: 'psycopg2', mysql: 'MySQLdb' } as const;

/**
 * The bridge's database settings (`DATABASE_ENGINE`, `DATABASE_NAME`, `DATABASE_USER`, ...) for the
 * server a sessionkit store URL names, so Django and the store use the same database.
 *
 * @param url - `postgres://` / `postgresql://` or `mysql://` / `mysql2://`, user and password
 *   percent-encoded as in the store URLs. Its query options are not carried over.
 * @param overrides - `name` replaces the URL's database; `options` becomes Django's `OPTIONS`
 *   (e.g. `{ options: '-c search_path=myschema' }` on PostgreSQL).
 * @returns Settings to spread into a {@link django} call.
 * @throws Error for another scheme.
 */
export function djangoDatabaseSettings(url: string, overrides: { name?: string; options?: Record<string, unknown> } = {}): Record<string, unknown> {
  const parsed = new URL(url);
  const scheme = parsed.protocol.slice(0, -1);
  const engine = scheme === 'postgres' || scheme === 'postgresql' ? 'postgresql' : scheme === 'mysql' || scheme === 'mysql2' ? 'mysql' : undefined;
  if (engine === undefined) throw new Error(`djangoDatabaseSettings: no Django backend for ${scheme}:// URLs`);
  return {
    DATABASE_ENGINE: engine,
    DATABASE_NAME: overrides.name ?? decodeURIComponent(parsed.pathname.slice(1)),
    DATABASE_USER: decodeURIComponent(parsed.username),
    DATABASE_PASSWORD: decodeURIComponent(parsed.password),
    DATABASE_HOST: parsed.hostname,
    DATABASE_PORT: parsed.port || (engine === 'postgresql' ? '5432' : '3306'),
    ...(overrides.options ? { DATABASE_OPTIONS: overrides.options } : {}),
  };
}

/**
 * The Python module Django needs to reach the server a store URL names (`psycopg2` or `MySQLdb`),
 * for {@link describeWithDjango}'s `requires`.
 *
 * @param url - A `postgres://` or `mysql://` store URL.
 */
export function djangoDriverFor(url: string): string {
  return DRIVERS[djangoDatabaseSettings(url)['DATABASE_ENGINE'] as keyof typeof DRIVERS];
}

/**
 * Runs `ops` in one Django process configured with `settings`.
 *
 * @param settings - Django settings overrides (e.g. `SECRET_KEY`, `SESSION_*`,
 *   and `DATABASE_NAME` for a sqlite file).
 * @param ops - Operations, each `{ op: name, ...args, time?: seconds }`.
 * @returns One result per op; a failing op gives `{ error, message }`.
 * @throws Error with Django's stderr if the process exits abnormally.
 */
export async function django(settings: Record<string, unknown>, ops: Array<Record<string, unknown>>): Promise<unknown[]> {
  const child = spawn(djangoPython, [BRIDGE_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const exit = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  child.stdin.end(JSON.stringify({ settings, ops }));
  const code = await exit;
  const errors = Buffer.concat(stderr).toString('utf8');
  if (code !== 0) {
    throw new Error(`Django bridge exited with code ${code}:\n${errors}`);
  }
  let results: unknown;
  try {
    results = JSON.parse(Buffer.concat(stdout).toString('utf8'));
  } catch (cause) {
    throw new Error(`Django bridge printed invalid JSON:\n${errors}`, { cause });
  }
  if (!Array.isArray(results) || results.length !== ops.length) {
    throw new Error(`Django bridge returned ${JSON.stringify(results)} for ${ops.length} ops:\n${errors}`);
  }
  return results;
}

/** Ops collected for one Django process, with deferred access to each result. */
export interface DjangoBatch {
  /**
   * Queues an op.
   * @returns A function giving that op's result once {@link DjangoBatch.run} resolved.
   */
  add(op: Record<string, unknown>): () => unknown;
  /** Runs every queued op in a single Django process. */
  run(): Promise<void>;
}

/**
 * Collects ops from many test cases so a whole file needs one Python spawn
 * (Django start-up dominates the bridge's cost).
 *
 * @param settings - Django settings overrides for the batch.
 * @returns The batch; call `run()` in `beforeAll`.
 */
export function djangoBatch(settings: Record<string, unknown> = {}): DjangoBatch {
  const ops: Array<Record<string, unknown>> = [];
  let results: unknown[] | undefined;
  return {
    add(op) {
      const index = ops.push(op) - 1;
      return () => {
        if (results === undefined) throw new Error('djangoBatch: run() has not completed');
        return results[index];
      };
    },
    async run() {
      results = await django(settings, ops);
    },
  };
}

/**
 * The exception class name of a failed bridge op, or `undefined` when the op
 * succeeded.
 *
 * @param result - One bridge result.
 * @returns e.g. `'BadSignature'`, `'ValueError'`.
 */
export function djangoError(result: unknown): string | undefined {
  if (
    result !== null &&
    typeof result === 'object' &&
    Object.keys(result).length === 2 &&
    'error' in result &&
    'message' in result &&
    typeof result.error === 'string'
  ) {
    return result.error;
  }
  return undefined;
}

/**
 * `describe` for suites that need Django. Without Django (or a module in
 * `requires`) the suite is skipped with a loud warning locally, but fails on CI
 * (when `CI` is set) so missing Django can never pass unnoticed.
 *
 * @param name - Suite name.
 * @param fn - Suite body.
 * @param requires - Python modules the suite needs besides Django, e.g. a
 *   database driver (see {@link djangoDriverFor}).
 */
export function describeWithDjango(name: string, fn: () => void, requires: readonly string[] = []): void {
  const missing = djangoAvailable ? requires.filter((module) => !djangoCanImport(module)) : [];
  const reason = !djangoAvailable
    ? `Django is not importable by ${djangoPython}; these tests compare against real Django. Install python3-django to run them`
    : missing.length > 0
      ? `${djangoPython} cannot import ${missing.join(', ')}, which Django needs here; these tests compare against real Django. Install the Python module(s) ${missing.join(', ')} to run them`
      : null;
  describeIfAvailable('Django', reason, name, fn);
}

/** One call of Django's messages API inside the view of the bridge's `messages_request` op. */
export type DjangoMessagesStep =
  | { readonly do: 'add'; readonly level: number; readonly message: string; readonly extra_tags?: string; readonly safe?: boolean }
  | { readonly do: 'iterate' }
  | { readonly do: 'len' }
  | { readonly do: 'set_level'; readonly level: number | null }
  | { readonly do: 'get_level' };

/** A `django.contrib.messages` message as the bridge reports it. */
export interface DjangoMessage {
  readonly level: number;
  readonly message: string;
  readonly extra_tags: string | null;
  readonly tags: string;
  readonly level_tag: string;
  /** Whether the text is `SafeData` (`mark_safe`). */
  readonly safe: boolean;
}

/** What the bridge's `messages_request` op resolves: one request through Django's session and messages middleware. */
export interface DjangoMessagesRequest {
  /** One result per step: `null` for `add`, the messages for `iterate`, a number for `len` and `get_level`. */
  readonly results: unknown[];
  /** The session cookie after the request: the key sent when none was set, `''` when it was deleted. */
  readonly key: string | null;
  /** The raw `_messages` value the session holds after the request; `null` when there is none. */
  readonly stored: string | null;
  /** The messages in `stored`, as Django reads them. */
  readonly stored_messages: DjangoMessage[];
}
