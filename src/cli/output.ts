/**
 * Where the command writes: results on stdout (so they can be piped), messages and progress on stderr.
 * Passed in rather than taken from `process`, so the command can run inside a test with fake streams.
 */
import type { Env } from '../config/values.js';

/** A stream the command writes to; `process.stdout` and `process.stderr` are ones. */
export interface OutputStream {
  write(text: string): unknown;
  /** Whether the stream is a terminal (progress is only drawn on one). */
  readonly isTTY?: boolean;
}

/** A stream the command reads what is typed or piped from; `process.stdin` is one. */
export interface InputStream {
  /** Whether it is a terminal (prompts and hidden passwords need one). */
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  setEncoding(encoding: 'utf8'): unknown;
  on(event: 'data', listener: (chunk: string) => void): unknown;
  on(event: 'end' | 'error', listener: () => void): unknown;
  removeAllListeners(event: 'data' | 'end' | 'error'): unknown;
  resume(): unknown;
  pause(): unknown;
}

/** The command's surroundings. */
export interface CliIO {
  /** The environment variables (Django's setting names). */
  readonly env: Env;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** What is typed or piped in; absent, the command reads nothing (as from an empty pipe). */
  readonly stdin?: InputStream;
}

/** Writes `text` and a newline to stdout. */
export function printLine(io: CliIO, text = ''): void {
  io.stdout.write(`${text}\n`);
}

/** Writes a message line to stderr. */
export function note(io: CliIO, text: string): void {
  io.stderr.write(`${text}\n`);
}

/** `1 session`, `2 sessions`. */
export function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

/** An instant as `2024-05-01 12:00:00 UTC`. */
export function formatInstant(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
