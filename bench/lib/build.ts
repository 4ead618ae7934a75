import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, rootDir, workDir } from './config.js';

/**
 * Compiles src/ and the sessionkit servers with tsc, so they run as the plain JS users would ship,
 * with no loader in the request path. tsc still emits when the work-in-progress library has type
 * errors; those are returned as `diagnostics` for the report.
 */
export function buildSessionkit(): { diagnostics: number; log: string } {
  const tsc = join(rootDir, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) throw new Error('typescript is missing: run `npm ci` at the repository root');
  rmSync(join(workDir, 'build'), { recursive: true, force: true });
  const r = spawnSync(process.execPath, [tsc, '-p', join(benchDir, 'tsconfig.sessionkit.json')], { encoding: 'utf8' });
  const log = `${r.stdout}${r.stderr}`;
  return { diagnostics: (log.match(/error TS\d+/g) ?? []).length, log };
}

export const builtServer = (name: string): boolean => existsSync(join(workDir, 'build', 'bench', 'servers', `${name}.js`));
