/**
 * One long-lived Django process for a whole test file: Django starts once (its start-up is most of a
 * bridge call's cost) and then answers batches of bridge ops over stdin and stdout (`bridge.py --serve`).
 * @module
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { djangoPython } from './bridge.js';

const BRIDGE_SCRIPT = fileURLToPath(new URL('./bridge.py', import.meta.url));

/** A running Django process. */
export interface DjangoProcess {
  /**
   * Runs `ops` in order, as {@link django} does, under `settings` (overrides of the process's settings for
   * these ops only, e.g. `SECRET_KEY`).
   * @returns One result per op; a failing op gives `{ error, message }`.
   */
  run(ops: Array<Record<string, unknown>>, settings?: Record<string, unknown>): Promise<unknown[]>;
  /** Ends the process. */
  close(): Promise<void>;
}

/**
 * Starts Django with `settings` (the bridge's: Django settings plus `DATABASE_*`).
 *
 * @param python - The interpreter whose Django runs (see `djangoInstalls` in django-installs.ts).
 */
export function startDjango(settings: Record<string, unknown>, python: string = djangoPython): DjangoProcess {
  const child = spawn(python, [BRIDGE_SCRIPT, '--serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const waiting: Array<{ count: number; resolve: (results: unknown[]) => void; reject: (error: Error) => void }> = [];
  const failed = (why: string): Error => new Error(`Django bridge (${python}) ${why}:\n${stderr.join('')}`);
  createInterface({ input: child.stdout }).on('line', (line) => {
    const next = waiting.shift();
    if (next === undefined) return;
    let results: unknown;
    try {
      results = JSON.parse(line);
    } catch {
      return next.reject(failed(`printed invalid JSON ${line.slice(0, 200)}`));
    }
    if (!Array.isArray(results) || results.length !== next.count) return next.reject(failed(`returned ${line.slice(0, 200)} for ${next.count} ops`));
    next.resolve(results);
  });
  const exited = new Promise<void>((resolve) => {
    const end = (why: string): void => {
      for (const pending of waiting.splice(0)) pending.reject(failed(why));
      resolve();
    };
    child.on('error', (error) => end(`could not start: ${error.message}`));
    child.on('close', (code) => end(`exited with code ${code}`));
  });
  child.stdin.write(`${JSON.stringify({ settings })}\n`);
  return {
    run(ops, overrides = {}) {
      return new Promise((resolve, reject) => {
        waiting.push({ count: ops.length, resolve, reject });
        child.stdin.write(`${JSON.stringify({ ops, settings: overrides })}\n`);
      });
    },
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}
