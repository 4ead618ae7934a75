/**
 * Setup file of the test files that share a process with others (vitest's `isolate: false`): each starts
 * with the process as the first file found it — Node's own `Request` and `Response`, the same environment
 * variables and the same working directory — whatever a file before it left changed.
 * @hono/node-server's getRequestListener replaces `Request` and `Response` with lightweight stand-ins for
 * the rest of the process unless told not to, and the demo and some adapter tests let it.
 */
import { isMainThread } from 'node:worker_threads';

const NAMES = ['Request', 'Response'] as const;

interface FirstState {
  readonly globals: Record<(typeof NAMES)[number], PropertyDescriptor | undefined>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

const FIRST_STATE = Symbol.for('sessionkit.test.shared-process');
const registry = globalThis as typeof globalThis & { [FIRST_STATE]?: FirstState };

registry[FIRST_STATE] ??= {
  globals: Object.fromEntries(NAMES.map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)])) as FirstState['globals'],
  env: { ...process.env },
  cwd: process.cwd(),
};
const first = registry[FIRST_STATE];

for (const name of NAMES) {
  const own = first.globals[name];
  if (own) Object.defineProperty(globalThis, name, own);
}
// Not vitest's own (VITEST_WORKER_ID and the like), which it sets for each file before this runs.
const ours = (key: string): boolean => !key.startsWith('VITEST');
for (const key of Object.keys(process.env)) if (ours(key) && !(key in first.env)) delete process.env[key];
for (const [key, value] of Object.entries(first.env)) if (ours(key)) process.env[key] = value;
// A worker thread cannot change the working directory, so it can only have the first one.
if (isMainThread && process.cwd() !== first.cwd) process.chdir(first.cwd);
