/** Fresh file names in a temporary directory of this test file's own, removed after the file's tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** Makes the directory (`<tmp>/<prefix>…`); the function it returns names a new `db<n>.sqlite3` in it. */
export function scratchDatabaseFiles(prefix: string): () => string {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  let count = 0;
  return () => join(directory, `db${++count}.sqlite3`);
}
