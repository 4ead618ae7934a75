/**
 * The whole project type-checks: `tsc -p tsconfig.json --noEmit` (the `typecheck` script), run as a test so
 * that `npm test` checks types while the other test files run, instead of before them. Vitest strips the
 * types of what it runs, so nothing else would catch a type error. tsc runs incrementally, keeping what it
 * learnt in node_modules/.cache/, so that the next run checks again only the files changed since and the
 * files that depend on them; a fresh clone checks everything. It runs in one thread: the other test files
 * keep the cores busy, and one thread spends the least CPU time on the check.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
const BUILD_INFO = fileURLToPath(new URL('../../node_modules/.cache/sessionkit/typecheck.tsbuildinfo', import.meta.url));

/** Runs tsc on the root tsconfig; resolves its exit code and everything it printed. */
function typecheck(): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [TSC, '-p', 'tsconfig.json', '--noEmit', '--pretty', 'false', '--singleThreaded', '--incremental', '--tsBuildInfoFile', BUILD_INFO],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, output: `${stdout}${stderr}` });
      },
    );
  });
}

// From scratch, tsc over the whole project takes about five CPU-seconds; a busy machine stretches that.
it('tsc -p tsconfig.json --noEmit reports no error', { timeout: 300_000 }, async () => {
  const { code, output } = await typecheck();
  expect(output).toBe('');
  expect(code).toBe(0);
});
