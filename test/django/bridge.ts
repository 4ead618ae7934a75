/**
 * Runs operations in a real Django process so tests can compare against
 * Django itself instead of pasted vectors. See bridge.py for the op list.
 * @module
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

/**
 * The interpreter that has Django installed. Not the `python3` on PATH, which
 * may lack it; `SESSIONKIT_DJANGO_PYTHON` overrides for other machines.
 */
export const djangoPython: string = process.env['SESSIONKIT_DJANGO_PYTHON'] || '/usr/bin/python3';

const BRIDGE_SCRIPT = fileURLToPath(new URL('./bridge.py', import.meta.url));

/** Whether `djangoPython` can import Django, checked once per test process. */
export const djangoAvailable: boolean =
  spawnSync(djangoPython, ['-c', 'import django'], { stdio: 'ignore' }).status === 0;

/** Whether the run is on CI, where a missing Django must fail the suite. */
const onCi = ((value) => value !== undefined && value !== '' && value !== '0' && value !== 'false')(process.env['CI']);

/**
 * Runs `ops` in one Django process configured with `settings`.
 *
 * @param settings - Django settings overrides (e.g. `SECRET_KEY`, `SESSION_*`,
 *   and `DATABASE_NAME` for a sqlite file).
 * @param ops - Operations, each `{ op: name, ...args, time?: seconds }`.
 * @returns One result per op; a failing op gives `{ error, message }`.
 * @throws Error with Django's stderr if the process exits abnormally.
 */
export async function django(
  settings: Record<string, unknown>,
  ops: Array<Record<string, unknown>>,
): Promise<unknown[]> {
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
 * `describe` for suites that need Django. Without Django the suite is skipped
 * with a loud warning locally, but fails on CI (when `CI` is set) so missing
 * Django can never pass unnoticed.
 *
 * @param name - Suite name.
 * @param fn - Suite body.
 */
export function describeWithDjango(name: string, fn: () => void): void {
  if (djangoAvailable) {
    describe(name, fn);
    return;
  }
  const reason = `Django is not importable by ${djangoPython}; these tests compare against real Django`;
  if (onCi) {
    describe(name, () => {
      it('requires Django', () => {
        throw new Error(`${reason} (CI is set, so this is a failure, not a skip)`);
      });
    });
    return;
  }
  console.warn(`\n*** SKIPPING "${name}": ${reason}. Install python3-django to run them. ***\n`);
  describe.skip(name, fn);
}
