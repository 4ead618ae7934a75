/**
 * Runs the real `sessionkit` command on a terminal, which `script` (util-linux) gives it, for what the
 * command does only there: prompts with hidden input, and progress lines redrawn in place.
 */
import { spawn } from 'node:child_process';
import { missingExecutables } from '../helpers/servers.js';
import { cliShellCommand } from './run-cli.js';

/** Path of the `script` binary. */
export const SCRIPT_BIN = '/usr/bin/script';

/** Why the terminal tests cannot run here, or `null`: the `unavailable` of `describeIfAvailable`. */
export const noTerminal: string | null = missingExecutables(SCRIPT_BIN);

/** One prompt of a dialogue, and what is typed once the output shows it. */
export type Answer = readonly [prompt: string, typed: string];

/** A terminal run: its exit status, and what the terminal showed, with `\r\n` as `\n`. */
export interface TerminalRun {
  readonly status: number | null;
  readonly output: string;
}

/** The answers to a password prompt and its confirmation: `first`, then `again`. */
export function passwordTwice(first: string, again = first): Answer[] {
  return [
    ['Password: ', `${first}\r`],
    ['Password (again): ', `${again}\r`],
  ];
}

/**
 * Runs the command with `args` on a terminal, with only `env` (plus PATH and HOME), and types each of
 * `answers` once the output shows its prompt; the run is killed after 30 s.
 */
export async function runOnTerminal(args: readonly string[], env: Readonly<Record<string, string>>, answers: readonly Answer[] = []): Promise<TerminalRun> {
  const command = await cliShellCommand(args);
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT_BIN, ['-qec', command, '/dev/null'], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let next = 0;
    // Where in the output the next prompt is looked for: after the one answered last.
    let searchFrom = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk.replaceAll('\r\n', '\n');
      while (next < answers.length) {
        const found = output.indexOf(answers[next]![0], searchFrom);
        if (found === -1) break;
        searchFrom = found + answers[next]![0].length;
        child.stdin.write(answers[next]![1]);
        next++;
      }
    });
    child.stdin.on('error', () => {});
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}
