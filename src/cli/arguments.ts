/** Reading the command line with `node:util`'s `parseArgs`: which subcommand, its arguments and options. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { Command } from './command.js';
import { UsageError } from './failures.js';

/** What the command line asks for. */
export type CommandLine =
  | { readonly kind: 'help'; readonly command?: Command }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'run';
      readonly command: Command;
      readonly args: readonly string[];
      readonly options: Readonly<Record<string, string | boolean | undefined>>;
    };

/** Reads `argv` (without node and the script). Throws {@link UsageError} when it makes no sense. */
export function parseCommandLine(argv: readonly string[], commands: readonly Command[]): CommandLine {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('no command given.');
  if (first === '--help' || first === '-h') return { kind: 'help' };
  if (first === '--version') return { kind: 'version' };
  if (first === 'help') {
    if (rest[0] === undefined) return { kind: 'help' };
    return { kind: 'help', command: findCommand(rest[0], commands) };
  }
  if (first.startsWith('-')) throw new UsageError(`unknown option "${first}" (options go after the command).`);
  const command = findCommand(first, commands);
  const parsed = parseCommandArgs(command, rest);
  if (parsed.values.help === true) return { kind: 'help', command };
  const args = parsed.positionals;
  if (args.length < command.args.length) {
    throw new UsageError(`${command.name} needs ${command.args.slice(args.length).join(' ')}.`, command.name);
  }
  if (args.length > command.args.length) {
    throw new UsageError(
      `${command.name} takes ${command.args.length === 0 ? 'no arguments' : command.args.join(' ')}; "${args[command.args.length]}" is one too many.`,
      command.name,
    );
  }
  const { help: _help, ...options } = parsed.values;
  return { kind: 'run', command, args, options };
}

function findCommand(name: string, commands: readonly Command[]): Command {
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) throw new UsageError(`unknown command "${name}"; the commands are ${commands.map((c) => c.name).join(', ')}.`);
  return command;
}

function parseCommandArgs(command: Command, args: readonly string[]): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, option] of Object.entries(command.options)) options[name] = { type: option.type };
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    // parseArgs's own messages say what is wrong ("Unknown option '--x'").
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${message.replace(/\.$/, '')}.`, command.name);
  }
}

/** `value` as a positive whole number, or a {@link UsageError} naming `--option`. */
export function positiveIntegerOption(value: string | boolean | undefined, option: string, command: string): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new UsageError(`--${option} must be a positive whole number, not ${JSON.stringify(value)}.`, command);
  }
  return number;
}
