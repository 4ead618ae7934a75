/**
 * Runs the `sessionkit` command for a test, with only the environment the test gives it (plus PATH and
 * HOME), and collects its output and exit status.
 *
 * {@link runCli} runs it in the test process by default: it calls `runCli(argv, io)` of src/cli/run.ts,
 * the whole command but for the five lines of src/cli/main.ts that hand it `process.*` and exit. The
 * command takes its environment and streams from that `io` (src/cli/output.ts), so a test gives it what
 * a child process would get: `{ PATH, HOME, ...env }` as its environment, stdout and stderr that are not
 * terminals, and stdin a non-terminal stream that yields `input` and ends (empty without it, as the
 * closed pipe a child gets). `cwd` is the process's working directory for the run, restored afterwards;
 * runs at once in different directories wait for one another (tests of a file run one at a time, and
 * each test file has a process of its own, so only a test's own runs meet). What the run, or a driver
 * inside it, writes through `console` goes to its stdout (log, info, debug) or stderr (warn, error), as
 * it would in the child. A child process costs a test 0.2–0.4 CPU-seconds to start, which over the
 * hundred-odd runs of the suite was most of its CLI time; a run in the process costs milliseconds.
 *
 * What only a real process shows is tested with {@link runCliProcess}: the executable starts, prints its
 * help and exits 0; `--version` reads package.json from the compiled command; a command that opened a
 * store exits as soon as it is done, however many timers its drivers left (test/cli/usage.test.ts, and
 * the unreachable servers of test/real-time/unreachable-servers.test.ts); stdin a real pipe, with input
 * or closed at once (changepassword in test/cli/auth-commands.test.ts). The terminal tests
 * (test/cli/terminal.ts) run the process under `script` through {@link cliShellCommand}. In the test
 * process, by contrast, drivers read the test process's own environment for what a URL leaves out (pg's
 * PGUSER, PGPASSWORD…), Node's process warnings are not the run's stderr, and `os.tmpdir()` (the file
 * engine's default directory) follows the test process's TMPDIR rather than `env`'s.
 *
 * The process is src/cli/main.ts compiled once per test process (test/helpers/compiled-entry.ts), the way
 * the published command runs: compiled JavaScript on plain node.
 *
 * `SESSIONKIT_CLI_RUNNER=process` makes every {@link runCli} run the compiled command as a process, so
 * that the whole suite can be run against the real executable; `SESSIONKIT_CLI_RUNNER=tsx` does too, but
 * runs src/cli/main.ts through the tsx loader (for {@link runCliProcess} and the terminal tests as well).
 * In a worker thread (vitest's threads pool), which may not change the working directory, {@link runCli}
 * always runs a process.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { isMainThread } from 'node:worker_threads';
import { afterAll } from 'vitest';
import type { CliIO, OutputStream } from '../../src/cli/output.js';
import { runCli as runCommand } from '../../src/cli/run.js';
import { compiledEntry } from '../helpers/compiled-entry.js';

/** The command's entry point. */
export const CLI_ENTRY = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const compiled = compiledEntry(CLI_ENTRY, 'cli');

/** Removes the compiled command; call it in `afterAll` of every file that runs the command. */
export function removeCompiledCli(): void {
  compiled.remove();
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

/** How {@link runCli} runs the command, from `SESSIONKIT_CLI_RUNNER`. */
function runner(): 'in-process' | 'process' | 'tsx' {
  const value = process.env['SESSIONKIT_CLI_RUNNER'] ?? '';
  if (value === '' || value === 'in-process') return 'in-process';
  if (value === 'process' || value === 'tsx') return value;
  throw new Error(`SESSIONKIT_CLI_RUNNER=${JSON.stringify(value)} is none of in-process (the default), process, tsx`);
}

/** The node arguments that start the command. */
async function commandLine(): Promise<string[]> {
  return runner() === 'tsx' ? ['--import', TSX_LOADER, CLI_ENTRY] : [await compiled.path()];
}

/** What a run of the command gave. */
export interface CliRun {
  /** The exit status (`null` if the process was killed). */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCli} and {@link runCliProcess}. */
export interface RunCliOptions {
  /** Working directory. @default the test process's */
  readonly cwd?: string;
  /** The process is killed after this long; a run in the test process fails. @default 30000 */
  readonly timeoutMs?: number;
  /** What the command reads on stdin (a pipe); without it, stdin is empty. */
  readonly input?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** The whole environment of a run: `env` besides the test process's PATH and HOME. */
function commandEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', ...env };
}

/**
 * Runs `sessionkit ...args` with `env` as its whole environment (besides PATH and HOME): in the test
 * process, or as a process with `SESSIONKIT_CLI_RUNNER=process` or `tsx` (see the module's comment).
 */
export function runCli(args: readonly string[], env: Readonly<Record<string, string>> = {}, options: RunCliOptions = {}): Promise<CliRun> {
  // A worker thread (vitest's threads pool) may not change the working directory: there, a process.
  return runner() === 'in-process' && isMainThread ? runInProcess(args, env, options) : runCliProcess(args, env, options);
}

/** Runs the real `sessionkit` executable as a child process, whatever `SESSIONKIT_CLI_RUNNER` says (but `tsx`). */
export async function runCliProcess(args: readonly string[], env: Readonly<Record<string, string>> = {}, options: RunCliOptions = {}): Promise<CliRun> {
  const nodeArgs = await commandLine();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, ...args], {
      cwd: options.cwd,
      env: commandEnv(env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // A command that exits without reading its input closes the pipe under us.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
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

/** What an in-process run has written so far; `ended` once it is over (or given up). */
interface Output {
  stdout: string;
  stderr: string;
  ended: boolean;
}

/** The output of the in-process run the current code belongs to (drivers' callbacks included). */
const currentRun = new AsyncLocalStorage<Output>();

/** Runs `sessionkit ...args` in the test process: see the module's comment. */
async function runInProcess(args: readonly string[], env: Readonly<Record<string, string>>, options: RunCliOptions): Promise<CliRun> {
  const output: Output = { stdout: '', stderr: '', ended: false };
  // Pipes, as the child's are: no isTTY. Nothing written after the run counts.
  const collector = (stream: 'stdout' | 'stderr'): OutputStream => ({
    write: (text: string) => {
      if (!output.ended) output[stream] += text;
      return true;
    },
  });
  const stdin = new PassThrough();
  stdin.end(options.input);
  const io: CliIO = { env: commandEnv(env), stdout: collector('stdout'), stderr: collector('stderr'), stdin };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const leaveDirectory = await enterDirectory(options.cwd);
  const releaseConsole = captureConsole();
  try {
    const status = await Promise.race([
      currentRun.run(output, () => runCommand([...args], io)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`sessionkit ${args.join(' ')} did not finish within ${timeoutMs} ms (run in the test process, given up unfinished)`)),
          timeoutMs,
        );
      }),
    ]);
    return { status, stdout: output.stdout, stderr: output.stderr };
  } finally {
    clearTimeout(timer);
    output.ended = true;
    releaseConsole();
    leaveDirectory();
  }
}

// The working directory of in-process runs: those in one directory overlap, one in another waits.
let directoryHolders = 0;
let heldDirectory = '';
let directoryBefore = '';
const directoryWaiters: Array<() => void> = [];

/** Makes `cwd` (else the test process's own directory) the working directory; returns how to leave it. */
async function enterDirectory(cwd: string | undefined): Promise<() => void> {
  const outside = (): string => (directoryHolders > 0 ? directoryBefore : process.cwd());
  const wanted = resolve(outside(), cwd ?? '.');
  while (directoryHolders > 0 && heldDirectory !== wanted) await new Promise<void>((wake) => directoryWaiters.push(wake));
  if (directoryHolders === 0) {
    directoryBefore = process.cwd();
    heldDirectory = wanted;
    if (wanted !== directoryBefore) process.chdir(wanted);
  }
  directoryHolders++;
  let left = false;
  return () => {
    if (left) return;
    left = true;
    if (--directoryHolders > 0) return;
    if (process.cwd() !== directoryBefore) process.chdir(directoryBefore);
    for (const wake of directoryWaiters.splice(0)) wake();
  };
}

// What the child's console writes to; the methods are replaced while any in-process run is on.
const CONSOLE_STREAMS = { log: 'stdout', info: 'stdout', debug: 'stdout', warn: 'stderr', error: 'stderr' } as const;
type ConsoleMethod = keyof typeof CONSOLE_STREAMS;
let consoleUsers = 0;
const consoleOriginals = new Map<ConsoleMethod, (...data: unknown[]) => void>();

/**
 * Sends what code of an in-process run writes through `console` to that run's stdout or stderr (other
 * code's, and a run's after it ended, to the test's console as before). Returns how to stop.
 */
function captureConsole(): () => void {
  if (consoleUsers++ === 0) {
    for (const [method, stream] of Object.entries(CONSOLE_STREAMS) as Array<[ConsoleMethod, 'stdout' | 'stderr']>) {
      const original = console[method];
      consoleOriginals.set(method, original);
      console[method] = (...data: unknown[]): void => {
        const output = currentRun.getStore();
        if (output === undefined || output.ended) original.apply(console, data);
        else output[stream] += `${format(...data)}\n`;
      };
    }
  }
  return () => {
    if (--consoleUsers > 0) return;
    for (const [method, original] of consoleOriginals) console[method] = original;
    consoleOriginals.clear();
  };
}

/** The command line of a run as one shell word list (for `script -c`, which gives it a terminal). */
export async function cliShellCommand(args: readonly string[]): Promise<string> {
  return [process.execPath, ...(await commandLine()), ...args].map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(' ');
}
