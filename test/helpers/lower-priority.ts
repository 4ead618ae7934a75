/**
 * Setup file of the parallel test files: each lowers its process's scheduling priority (nice 10), which
 * the processes it starts (Chromium, Django, tsc, the command) inherit. The files of test/real-time/ run
 * beside them at the normal priority, so that the timeouts and outages they measure keep their timing on
 * a busy machine: the kernel gives them the CPU whenever they want it.
 */
import { readdirSync } from 'node:fs';
import { constants, setPriority } from 'node:os';

// Linux keeps a priority per thread: lower every thread of the process (libuv's pool included), not only
// the one running this file.
for (const thread of threadIds()) {
  try {
    setPriority(thread, constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // A thread that ended meanwhile.
  }
}

function threadIds(): number[] {
  try {
    return readdirSync('/proc/self/task').map(Number);
  } catch {
    return [0]; // No /proc (not Linux): the calling thread, which is the whole process elsewhere.
  }
}
