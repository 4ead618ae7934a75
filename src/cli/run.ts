/**
 * The `sessionkit` command: reads the command line, runs the subcommand, and turns every outcome into an
 * exit status and at most one sentence on stderr (with the stack trace when `SESSIONKIT_DEBUG=1`).
 */
import { readFileSync } from 'node:fs';
import type { SessionLogger } from '../options.js';
import { parseCommandLine } from './arguments.js';
import type { Command, CommandContext } from './command.js';
import { changepasswordCommand } from './commands/changepassword.js';
import { checkCommand } from './commands/check.js';
import { clearsessionsCommand } from './commands/clearsessions.js';
import { createsuperuserCommand } from './commands/createsuperuser.js';
import { decodeCommand } from './commands/decode.js';
import { deleteCommand } from './commands/delete.js';
import { listCommand } from './commands/list.js';
import { migrateCommand } from './commands/migrate.js';
import { showCommand } from './commands/show.js';
import type { ConfiguredEngine } from './configured-engine.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, explainError, hidePasswords, UsageError } from './failures.js';
import { commandHelp, PROGRAM, programHelp, usageOf } from './help.js';
import { type CliIO, note } from './output.js';

/** The subcommands, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  migrateCommand,
  clearsessionsCommand,
  listCommand,
  showCommand,
  decodeCommand,
  deleteCommand,
  checkCommand,
  createsuperuserCommand,
  changepasswordCommand,
];

/**
 * Runs `sessionkit` with `argv` (the arguments after the program name) and resolves its exit status:
 * 0 done, 1 failed, 2 wrong command line. Never rejects.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const debug = isDebug(io);
  const logger = stderrLogger(io, debug);
  let engine: ConfiguredEngine | undefined;
  try {
    const line = parseCommandLine(argv, COMMANDS);
    if (line.kind === 'help') {
      io.stdout.write(line.command ? commandHelp(line.command) : programHelp(COMMANDS));
      return EXIT_OK;
    }
    if (line.kind === 'version') {
      io.stdout.write(`${PROGRAM} ${packageVersion()}\n`);
      return EXIT_OK;
    }
    const context: CommandContext = {
      io,
      args: line.args,
      options: line.options,
      logger,
      openEngine: async (options) => {
        engine = (await loadConfiguration()).openConfiguredEngine(io.env, { ...options, logger });
        return engine;
      },
      readSecretSettings: async () => (await loadConfiguration()).secretSettings(io.env, logger),
    };
    await line.command.run(context);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) {
      note(io, `${PROGRAM}: ${error.message}`);
      const command = COMMANDS.find((candidate) => candidate.name === error.command);
      note(io, command ? `Usage: ${usageOf(command)}\nRun "${PROGRAM} ${command.name} --help" for details.` : `Run "${PROGRAM} --help" for the commands.`);
      return EXIT_USAGE;
    }
    note(io, `${PROGRAM}: ${explainError(error, io.env, (engine as ConfiguredEngine | undefined)?.origin)}`);
    if (debug) note(io, hidePasswords(stackOf(error), io.env));
    return EXIT_FAILURE;
  } finally {
    await (engine as ConfiguredEngine | undefined)?.close().catch((error: unknown) => {
      if (debug) note(io, `${PROGRAM}: closing the store failed: ${hidePasswords(stackOf(error), io.env)}`);
    });
  }
}

/**
 * The settings reader, loaded only by commands that use it: help and usage errors do without every
 * store's module, so they stay fast. (Drivers themselves load only when a store is built.)
 */
function loadConfiguration(): Promise<typeof import('./configured-engine.js')> {
  return import('./configured-engine.js');
}

function isDebug(io: CliIO): boolean {
  const value = io.env['SESSIONKIT_DEBUG']?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/** Warnings and errors from the settings and stores, on stderr. */
function stderrLogger(io: CliIO, debug: boolean): SessionLogger {
  return {
    warn: (message) => note(io, hidePasswords(message, io.env)),
    error: (message, error) => {
      note(io, hidePasswords(error === undefined || debug ? message : `${message}: ${error instanceof Error ? error.message : String(error)}`, io.env));
      if (debug && error !== undefined) note(io, hidePasswords(stackOf(error), io.env));
    },
  };
}

/** The stack of `error` and of each of its causes. */
function stackOf(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current !== undefined && depth < 5; depth++) {
    parts.push(current instanceof Error ? (current.stack ?? String(current)) : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\nCaused by: ');
}

// The same relative path from src/cli (tsx) and dist/cli (compiled).
function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
