import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Test files at once: twice the cores, since most of a file's time is spent waiting on other processes
 * (Django, Chromium, tsc, the database servers); at most 8, so that a big machine does not flood the
 * shared servers with connections.
 */
const WORKERS = Math.min(2 * availableParallelism(), 8);

/** The tests that measure real time (timeouts, outages): run after the rest, one file at a time. */
const REAL_TIME = 'test/real-time/**/*.test.ts';

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: WORKERS,
    minWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'parallel', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, REAL_TIME] },
      },
      {
        extends: true,
        test: {
          name: 'real-time',
          include: [REAL_TIME],
          // Alone, so that no other test's load skews the times they measure.
          sequence: { groupOrder: 1 },
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
