/**
 * Declared session keys as a user's project sees them: the fixtures in ./fixtures are small projects of
 * their own (the root tsconfig excludes them), compiled here with the project's tsc. Their usage
 * file puts `@ts-expect-error` on misspelt keys and wrong values for every adapter, so it compiles only
 * when each of those is an error; the typos file has them bare, so it must fail.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileFixture } from './fixture-compiler.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** The 1-based numbers of the lines of `file` that contain `marker`. */
async function linesMarked(file: string, marker: string): Promise<number[]> {
  const lines = (await readFile(`${fixtures}${file}`, 'utf8')).split('\n');
  return lines.flatMap((text, index) => (text.includes(marker) ? [index + 1] : []));
}

describe('declared session keys in a project of their own', { timeout: 120_000 }, () => {
  it('declared in a .d.ts file that has `export {}`: every adapter refuses a misspelt key and a wrong value', async () => {
    expect((await compileFixture('dts-augmentation')).output).toBe('');
  });

  it('declared in a .ts module: the same', async () => {
    expect((await compileFixture('ts-augmentation')).output).toBe('');
  });

  it('a misspelt key without @ts-expect-error fails to compile, on Express, Fastify and Koa', async () => {
    const { diagnostics } = await compileFixture('dts-typos');
    const expected = await linesMarked('typos.ts', '// must fail');
    expect(expected).toHaveLength(3);
    const reported = diagnostics.filter((d) => d.file.endsWith('typos.ts') && d.code === 'TS2345' && d.text.includes('"visti"'));
    expect(reported.map((d) => d.line)).toEqual(expected);
    expect(diagnostics).toHaveLength(expected.length);
  });

  it('a .d.ts file without a top-level import or export replaces the module instead (what the README warns of)', async () => {
    const { diagnostics } = await compileFixture('dts-without-export');
    expect(diagnostics).toContainEqual(expect.objectContaining({ code: 'TS2305', text: expect.stringContaining(`has no exported member 'session'`) }));
  });
});
