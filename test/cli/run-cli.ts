/**
 * Runs the real `sessionkit` command as a child process, with only the environment a test gives it (plus
 * PATH and HOME), and collects its output and exit status.
 *
 * The command is src/cli/main.ts compiled once per test process with esbuild (which tsx uses too) into
 * one ES module under node_modules/, the way the published command runs: compiled JavaScript on plain
 * node. That starts in well under half the time of the tsx loader, which matters with a hundred runs.
 * `SESSIONKIT_CLI_RUNNER=tsx` runs src/cli/main.ts through the tsx loader instead.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll } from 'vitest';

/** The command's entry point. */
export const CLI_ENTRY = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
// Directly under node_modules/, so the bundle finds package.json (../../) and the drivers as main.ts does.
const NODE_MODULES = fileURLToPath(new URL('../../node_modules/', import.meta.url));

let bundled: Promise<string> | undefined;
let bundleDirectory: string | undefined;

/** Removes the compiled command; call it in `afterAll` of every file that runs the command. */
export function removeCompiledCli(): void {
  if (bundleDirectory !== undefined) rmSync(bundleDirectory, { recursive: true, force: true });
  bundleDirectory = undefined;
  bundled = undefined;
}

/**
 * For a test file that runs the command: a scratch directory of its own (`sessionkit-cli-<label>-…`),
 * removed after the file's tests together with the compiled command. Returns a function that makes a new
 * empty directory in it.
 */
export function cliScratch(label: string): () => string {
  const root = mkdtempSync(join(tmpdir(), `sessionkit-cli-${label}-`));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    removeCompiledCli();
  });
  return () => mkdtempSync(join(root, 'dir-'));
}

/** The compiled command, built on first use. */
function compiledCli(): Promise<string> {
  bundled ??= (async () => {
    const outdir = `${NODE_MODULES}.sessionkit-cli-test-${process.pid}-${randomBytes(4).toString('hex')}`;
    bundleDirectory = outdir;
    mkdirSync(outdir, { recursive: true });
    // In case the file ends without its afterAll (an interrupted run).
    process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
    // Split into chunks, so the modules the command imports on demand (and their drivers) load only then.
    await build({
      entryPoints: { main: CLI_ENTRY },
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
  return bundled;
}

/** The node arguments that start the command. */
async function commandLine(): Promise<string[]> {
  return process.env['SESSIONKIT_CLI_RUNNER'] === 'tsx' ? ['--import', TSX_LOADER, CLI_ENTRY] : [await compiledCli()];
}

/** What a run of the command gave. */
export interface CliRun {
  /** The exit status (`null` if it was killed). */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** Working directory. @default the test process's */
  readonly cwd?: string;
  /** Killed after this long. @default 30000 */
  readonly timeoutMs?: number;
  /** What the command reads on stdin (a pipe); without it, stdin is empty. */
  readonly input?: string;
}

/** Runs `sessionkit ...args` with `env` as its whole environment (besides PATH and HOME). */
export async function runCli(args: readonly string[], env: Readonly<Record<string, string>> = {}, options: RunCliOptions = {}): Promise<CliRun> {
  const nodeArgs = await commandLine();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // A command that exits without reading its input closes the pipe under us.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** The command line of a run as one shell word list (for `script -c`, which gives it a terminal). */
export async function cliShellCommand(args: readonly string[]): Promise<string> {
  return [process.execPath, ...(await commandLine()), ...args].map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(' ');
}
