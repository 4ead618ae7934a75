/**
 * Setup file of the test files that share a process with others (vitest's `isolate: false`): each starts
 * with Node's own `Request` and `Response`. @hono/node-server's getRequestListener replaces both with
 * lightweight stand-ins for the rest of the process unless told not to, and the demo and some adapter tests
 * let it; a file after them in the same process would otherwise test against the stand-ins.
 */
const OWN_GLOBALS = Symbol.for('sessionkit.test.own-globals');
const NAMES = ['Request', 'Response'] as const;

type Saved = Record<(typeof NAMES)[number], PropertyDescriptor | undefined>;
const registry = globalThis as typeof globalThis & { [OWN_GLOBALS]?: Saved };

// The first file in a process finds Node's own; every later one puts them back.
registry[OWN_GLOBALS] ??= Object.fromEntries(NAMES.map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)])) as Saved;
for (const name of NAMES) {
  const own = registry[OWN_GLOBALS][name];
  if (own) Object.defineProperty(globalThis, name, own);
}
