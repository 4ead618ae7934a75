/**
 * A TypeScript entry point (the `sessionkit` command, the demo's server) compiled with esbuild (which tsx
 * uses too) into ES modules under node_modules/, for tests that start it as a process many times:
 * compiled JavaScript on plain node starts in well under half the time of the tsx loader.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// Directly under node_modules/, so the bundle finds package.json (../../) and the drivers as the sources do.
const NODE_MODULES = fileURLToPath(new URL('../../node_modules/', import.meta.url));

/** An entry point compiled on first use. */
export interface CompiledEntry {
  /** The compiled module's path, built on the first call. */
  path(): Promise<string>;
  /** Removes the compiled files; the next {@link CompiledEntry.path} builds them again. */
  remove(): void;
}

/** `entry` (a .ts file), compiled on first use into `node_modules/.sessionkit-<label>-test-…/main.mjs`. */
export function compiledEntry(entry: string, label: string): CompiledEntry {
  let built: Promise<string> | undefined;
  let directory: string | undefined;
  return {
    path() {
      built ??= (async () => {
        const outdir = `${NODE_MODULES}.sessionkit-${label}-test-${process.pid}-${randomBytes(4).toString('hex')}`;
        directory = outdir;
        mkdirSync(outdir, { recursive: true });
        // In case the file ends without its afterAll (an interrupted run).
        process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
        // Split into chunks, so the modules the entry imports on demand (and their drivers) load only then.
        await build({
          entryPoints: { main: entry },
          outdir,
          bundle: true,
          splitting: true,
          platform: 'node',
          format: 'esm',
          target: 'node20',
          packages: 'external',
          outExtension: { '.js': '.mjs' },
          logLevel: 'error',
        });
        return `${outdir}/main.mjs`;
      })();
      return built;
    },
    remove() {
      if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
      directory = undefined;
      built = undefined;
    },
  };
}
