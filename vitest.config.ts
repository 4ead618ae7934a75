import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Test files at once: one more than the cores, so that a core has work while a file waits on another
 * process (Django, Chromium, tsc, the database servers), which mostly use the CPU themselves; at most 8,
 * so that a big machine does not flood the shared servers with connections. On two cores, four files at
 * once took 180 s and 358 CPU-seconds, three took 161 s and 315: the extra switching between them cost
 * more than it overlapped. With the forks kept for the whole run (below), two took as long as three, in
 * about 8 % less CPU time.
 */
const WORKERS = Math.min(availableParallelism() + 1, 8);

/**
 * The tests that measure real time (timeouts, outages): one file at a time, beside the others, at the normal
 * priority while the others run at a lower one (test/helpers/lower-priority.ts).
 */
const REAL_TIME = 'test/real-time/**/*.test.ts';

/**
 * Quick files that do their work in the test process: no database, cache, Django or browser, only
 * in-process HTTP servers; they mock no module and change no working directory (a worker thread cannot).
 * They run one after another in one worker thread of vitest's own process, in the threads pool, which runs
 * beside the forks: a fourth lane for work that is mostly the test code's own, and which the forks need not
 * make room for (in the forks, the suite took 136 and 154 s against 134 and 133 s here). The threads pool
 * runs them before or after the real-time group, never at the same time. A file that needs more belongs in
 * `parallel`.
 */
const IN_PROCESS = [
  'test/core/**/*.test.ts',
  'test/signing/**/*.test.ts',
  'test/messages/**/*.test.ts',
  'test/adapters/**/*.test.ts',
  'test/auth/{login,get-user,update-session-auth-hash,request-user,iterations-setting,create-auth,django-users}.test.ts',
  'test/types/schema.test.ts',
  'test/cli/progress.test.ts',
  'test/stores/memory.test.ts',
];

export default defineConfig({
  test: {
    pool: 'forks',
    poolOptions: {
      forks: {
        // The forks are kept for the whole run, and each runs file after file in one process: a file's
        // modules (the demo with its five frameworks, the drivers, vitest's own) load once per fork rather
        // than once per file, which cost about a sixth of the suite's CPU time (314 → 260 CPU-seconds).
        // test/helpers/shared-process.ts puts back the globals, environment and working directory a file may
        // leave changed for the next one.
        isolate: false,
        // All of them, from start to end: with fewer kept, tinypool retires an idle fork on a timer, and in
        // vitest 3.2 that raced with the next file given to it ("Terminating worker thread", run aborted).
        minForks: WORKERS,
        maxForks: WORKERS,
      },
    },
    maxWorkers: WORKERS,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'parallel',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, REAL_TIME, ...IN_PROCESS],
          setupFiles: ['test/helpers/lower-priority.ts', 'test/helpers/shared-process.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'in-process',
          include: IN_PROCESS,
          setupFiles: ['test/helpers/lower-priority.ts', 'test/helpers/shared-process.ts'],
          isolate: false,
          pool: 'threads',
          poolOptions: { threads: { singleThread: true } },
        },
      },
      {
        extends: true,
        test: {
          name: 'real-time',
          include: [REAL_TIME],
          // One at a time, so that they do not skew each other's times; the rest yield the CPU to them. In
          // the threads pool, which vitest runs at the same time as the forks, and which runs this group and
          // the in-process one after each other.
          pool: 'threads',
          poolOptions: { threads: { singleThread: true } },
        },
      },
    ],
  },
});
