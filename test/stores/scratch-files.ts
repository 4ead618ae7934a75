/** Fresh file names in a temporary directory of this test file's own, removed after the file's tests. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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

/** A temporary directory of the test file's own, removed after its tests, and fresh private directories in it. */
export interface ScratchDirectories {
  /** The directory itself. */
  readonly root: string;
  /** Makes a new empty directory (mode 0700) inside {@link ScratchDirectories.root}. */
  fresh(): string;
}

/** Makes the directory (`<tmp>/<prefix>…`), removed after the file's tests. */
export function scratchDirectories(prefix: string): ScratchDirectories {
  const root = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let count = 0;
  return {
    root,
    fresh: () => {
      const directory = join(root, `d${++count}`);
      mkdirSync(directory, { mode: 0o700 });
      return directory;
    },
  };
}
