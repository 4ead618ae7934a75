/** The shape of a subcommand: its help, its options, and what it does. */
import type { SessionLogger, SessionOptions } from '../options.js';
import type { ConfiguredEngine, OpenEngineOptions } from './configured-engine.js';
import type { CliIO } from './output.js';

/** An option of a subcommand (besides `--help`, which every one has). */
export interface CommandOption {
  readonly type: 'string' | 'boolean';
  /** What `--help` says about it. */
  readonly description: string;
  /** Placeholder of its value in `--help`, e.g. `N`. */
  readonly valueName?: string;
}

/** What a running subcommand gets. */
export interface CommandContext {
  readonly io: CliIO;
  /** The positional arguments, as many as the command declares. */
  readonly args: readonly string[];
  /** The options given, by name. */
  readonly options: Readonly<Record<string, string | boolean | undefined>>;
  /** Receives warnings (on stderr). */
  readonly logger: SessionLogger;
  /** Opens the configured engine; it is closed, and named in error messages, by the runner. */
  openEngine(options: Omit<OpenEngineOptions, 'logger'>): Promise<ConfiguredEngine>;
  /** The secrets, salts and cookie settings, without opening any store. */
  readSecretSettings(): Promise<SessionOptions>;
}

/** A subcommand. It throws `CommandFailure` (exit 1) or `UsageError` (exit 2) to fail. */
export interface Command {
  /** The word that selects it: `sessionkit <name>`. */
  readonly name: string;
  /** One line for the list of commands. */
  readonly summary: string;
  /** The positional arguments, by name (`KEY`), all required. */
  readonly args: readonly string[];
  /** Paragraphs for `--help`. */
  readonly description: string;
  /** Its options by long name (`--json`), besides `--help`. */
  readonly options: Readonly<Record<string, CommandOption>>;
  /** Does the work, writing results to stdout. */
  run(context: CommandContext): Promise<void>;
}
