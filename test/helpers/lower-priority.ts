/**
 * Setup file of the test files that run beside test/real-time/: each lowers its scheduling priority (nice
 * 10), which the processes it starts (Chromium, Django, tsc, the command) inherit. The files of
 * test/real-time/ run beside them at the normal priority, so that the timeouts and outages they measure
 * keep their timing on a busy machine: the kernel gives them the CPU whenever they want it.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { constants, setPriority } from 'node:os';
import { isMainThread } from 'node:worker_threads';

// Linux keeps a priority per thread. A fork lowers every thread of its process (libuv's pool included), not
// only the one running the file; a worker thread shares its process with vitest and the real-time group,
// and lowers only itself.
for (const thread of isMainThread ? threadsOfThisProcess() : [thisThread()]) {
  try {
    setPriority(thread, constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // A thread that ended meanwhile.
  }
}

function threadsOfThisProcess(): number[] {
  try {
    return readdirSync('/proc/self/task').map(Number);
  } catch {
    return [0]; // No /proc (not Linux): the calling thread, which is the whole process elsewhere.
  }
}

function thisThread(): number {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').at(-1)); // "<pid>/task/<tid>"
  } catch {
    return 0;
  }
}
