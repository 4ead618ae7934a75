/**
 * Compiles the fixture projects of ./fixtures with the project's TypeScript, as a user's project would be:
 * `tsc -p <fixture>/tsconfig.json --noEmit`, its errors read back from what tsc prints.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const TSC = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));

/** One compile error, as tsc prints it: where, its code (`TS2345`) and its message. */
export interface Diagnostic {
  /** The file's absolute path; `''` for an error of the configuration as a whole. */
  readonly file: string;
  readonly line: number;
  readonly code: string;
  /** The message, its continuation lines joined with spaces. */
  readonly text: string;
}

/** The outcome of compiling one fixture. */
export interface Compiled {
  /** The errors, in tsc's order. */
  readonly diagnostics: Diagnostic[];
  /** What `tsc --pretty false` printed, trimmed; `''` when there was no error. */
  readonly output: string;
}

// `usage.ts(30,62): error TS2344: Type …` or, for the configuration, `error TS5023: Unknown compiler option …`.
const ERROR_LINE = /^(?:(.+)\((\d+),\d+\): )?error (TS\d+): (.*)$/;

/** The errors in tsc's `--pretty false` output: one line each, continuation lines indented beneath. */
function parseDiagnostics(output: string): Diagnostic[] {
  const diagnostics: Array<{ file: string; line: number; code: string; lines: string[] }> = [];
  for (const line of output.split('\n')) {
    const error = ERROR_LINE.exec(line);
    if (error) {
      const [, file, lineNumber, code, text] = error;
      diagnostics.push({ file: file ? resolve(FIXTURES, file) : '', line: Number(lineNumber ?? 0), code: code!, lines: [text!] });
    } else if (line.trim() !== '') {
      const last = diagnostics.at(-1);
      if (last === undefined) throw new Error(`tsc printed something that is not an error:\n${output}`);
      last.lines.push(line.trim());
    }
  }
  return diagnostics.map(({ lines, ...where }) => ({ ...where, text: lines.join(' ') }));
}

/**
 * Compiles `fixture` (a folder of ./fixtures) with the project's tsc, in one thread: the test runs beside
 * others, and a single thread checks these small projects in about a CPU-second each.
 */
export function compileFixture(fixture: string): Promise<Compiled> {
  const args = [TSC, '-p', join(fixture, 'tsconfig.json'), '--noEmit', '--pretty', 'false', '--singleThreaded'];
  return new Promise((done, fail) => {
    // tsc exits with 1 or 2 when the fixture has errors, which is what some of them are for.
    execFile(process.execPath, args, { cwd: FIXTURES, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return fail(error);
      if (stderr !== '') return fail(new Error(`tsc failed on fixture ${fixture}:\n${stderr}`));
      const output = stdout.trim();
      done({ diagnostics: parseDiagnostics(output), output });
    });
  });
}
