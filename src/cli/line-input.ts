/**
 * Reading lines from stdin: on a terminal, key by key in raw mode, echoing what is typed unless it is a
 * password (backspace, Ctrl-U and Ctrl-C work; arrow keys and other escape sequences are ignored); from a
 * pipe or file, line by line. Prompts go to stderr, so stdout keeps only results.
 */
import { CommandFailure } from './failures.js';
import type { InputStream, OutputStream } from './output.js';

/** The user pressed Ctrl-C at a prompt, or the input ended before an answer (the command fails, as Django's). */
export class InputCancelled extends CommandFailure {
  override name = 'InputCancelled';
  constructor() {
    super('Operation cancelled.');
  }
}

const ENTER = new Set(['\r', '\n']);
const BACKSPACE = new Set(['\x7f', '\b']);
const CTRL_C = '\x03';
const CTRL_D = '\x04';
const CTRL_U = '\x15';
const ESCAPE = '\x1b';

/** Lines read from one input stream, one prompt at a time. */
export class LineInput {
  /** Whether the input is a terminal, where prompts are shown and passwords hidden. */
  readonly terminal: boolean;
  readonly #stream: InputStream | undefined;
  readonly #echo: OutputStream;
  // Characters received and not yet read; a line typed ahead waits here for its prompt.
  #pending: string[] = [];
  #ended = false;
  #started = false;
  #wake: (() => void) | undefined;

  /**
   * @param stream - stdin; `undefined` reads as an empty pipe.
   * @param echo - Where prompts and the echo of what is typed go (stderr).
   */
  constructor(stream: InputStream | undefined, echo: OutputStream) {
    this.#stream = stream;
    this.#echo = echo;
    this.terminal = stream?.isTTY === true && typeof stream.setRawMode === 'function';
  }

  /**
   * Shows `prompt` (on a terminal) and reads one line; `null` at the end of the input (Ctrl-D on an empty
   * line).
   *
   * @param options.hidden - Do not echo what is typed (passwords).
   * @throws InputCancelled on Ctrl-C.
   */
  async ask(prompt: string, { hidden = false }: { hidden?: boolean } = {}): Promise<string | null> {
    this.#start();
    if (this.terminal) this.#echo.write(prompt);
    return this.terminal ? this.#typedLine(hidden) : this.#pipedLine();
  }

  /** Gives the terminal back (raw mode off) and stops reading. */
  close(): void {
    if (!this.#started || this.#stream === undefined) return;
    if (this.terminal) this.#stream.setRawMode!(false);
    this.#stream.removeAllListeners('data');
    this.#stream.removeAllListeners('end');
    this.#stream.removeAllListeners('error');
    this.#stream.pause();
    this.#started = false;
  }

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    const stream = this.#stream;
    if (stream === undefined) {
      this.#ended = true;
      return;
    }
    if (this.terminal) stream.setRawMode!(true);
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      this.#pending.push(...chunk);
      this.#notify();
    });
    const end = (): void => {
      this.#ended = true;
      this.#notify();
    };
    stream.on('end', end);
    stream.on('error', end);
    stream.resume();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #next(): Promise<string | null> {
    while (this.#pending.length === 0) {
      if (this.#ended) return null;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    return this.#pending.shift()!;
  }

  async #pipedLine(): Promise<string | null> {
    let line = '';
    for (;;) {
      const char = await this.#next();
      if (char === null) return line === '' ? null : line;
      if (char === '\n') return line.endsWith('\r') ? line.slice(0, -1) : line;
      line += char;
    }
  }

  async #typedLine(hidden: boolean): Promise<string | null> {
    let line: string[] = [];
    for (;;) {
      const char = await this.#next();
      if (char === null || (char === CTRL_D && line.length === 0)) {
        this.#echo.write('\n');
        return null;
      }
      if (ENTER.has(char)) {
        this.#echo.write('\n');
        return line.join('');
      }
      if (char === CTRL_C) {
        this.#echo.write('\n');
        throw new InputCancelled();
      }
      if (BACKSPACE.has(char)) {
        if (line.length > 0 && !hidden) this.#echo.write('\b \b');
        line = line.slice(0, -1);
      } else if (char === CTRL_U) {
        if (!hidden) this.#echo.write('\b \b'.repeat(line.length));
        line = [];
      } else if (char === ESCAPE) {
        this.#skipEscapeSequence();
      } else if (char >= ' ') {
        line.push(char);
        if (!hidden) this.#echo.write(char);
      }
    }
  }

  /** Drops the rest of an escape sequence such as an arrow key's `ESC [ A`. */
  #skipEscapeSequence(): void {
    if (this.#pending[0] !== '[' && this.#pending[0] !== 'O') return;
    this.#pending.shift();
    while (this.#pending.length > 0) {
      const char = this.#pending.shift()!;
      if (char >= '@' && char <= '~') return;
    }
  }
}
