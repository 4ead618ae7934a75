/**
 * Declared session keys as a user's project sees them: the fixtures in ./fixtures are small projects of
 * their own (the root tsconfig excludes them), compiled here with the project's tsc. Their usage file puts
 * `@ts-expect-error` on misspelt keys and wrong values for every adapter, so it compiles only when each
 * of those is an error; the typos file has them bare, so it must fail.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly code: string;
  readonly text: string;
}

/** Compiles one fixture project; resolves tsc's exit code and its errors. */
function compile(fixture: string): Promise<{ code: number; diagnostics: Diagnostic[]; output: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [`${root}node_modules/typescript/bin/tsc`, '-p', `${fixtures}${fixture}/tsconfig.json`, '--pretty', 'false'],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        const output = `${stdout}${stderr}`;
        const diagnostics = [...output.matchAll(/^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/gm)].map(([, file, line, code, text]) => ({
          file: file!,
          line: Number(line),
          code: code!,
          text: text!,
        }));
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, diagnostics, output });
      },
    );
  });
}

/** The 1-based numbers of the lines of `file` that contain `marker`. */
async function linesMarked(file: string, marker: string): Promise<number[]> {
  const lines = (await readFile(`${fixtures}${file}`, 'utf8')).split('\n');
  return lines.flatMap((text, index) => (text.includes(marker) ? [index + 1] : []));
}

describe('declared session keys in a project of their own', { timeout: 120_000, concurrent: true }, () => {
  it('declared in a .d.ts file that has `export {}`: every adapter refuses a misspelt key and a wrong value', async () => {
    const { code, output } = await compile('dts-augmentation');
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it('declared in a .ts module: the same', async () => {
    const { code, output } = await compile('ts-augmentation');
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it('a misspelt key without @ts-expect-error fails to compile, on Express, Fastify and Koa', async () => {
    const { code, diagnostics } = await compile('dts-typos');
    expect(code).not.toBe(0);
    const expected = await linesMarked('typos.ts', '// must fail');
    expect(expected).toHaveLength(3);
    const reported = diagnostics.filter((d) => d.file.endsWith('typos.ts') && d.code === 'TS2345' && d.text.includes('"visti"'));
    expect(reported.map((d) => d.line)).toEqual(expected);
    expect(diagnostics).toHaveLength(expected.length);
  });

  it('a .d.ts file without a top-level import or export replaces the module instead (what the README warns of)', async () => {
    const { code, diagnostics } = await compile('dts-without-export');
    expect(code).not.toBe(0);
    expect(diagnostics).toContainEqual(expect.objectContaining({ code: 'TS2305', text: expect.stringContaining(`has no exported member 'session'`) }));
  });
});
