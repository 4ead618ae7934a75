/**
 * What a session value may be: what the JSON serializer writes and reads back as it was. Checked where a
 * value enters the session (`set`, `update`, `setDefault`), so the application hears of a bad value at
 * the call and not as a failed save; and on load, so data another writer stored in a shape sessionkit
 * could not save again (nested thousands of levels deep, `1e400`) is refused instead of failing every
 * request of that session.
 */

/**
 * How deeply objects and arrays may nest inside one session value: `[[1]]` nests 2 levels. Far more than
 * any session needs, and far below what would exhaust the stack while serializing.
 */
export const MAX_VALUE_DEPTH = 100;

/** Why a value cannot be stored: where (keys and indexes from the value down) and what is wrong. */
export interface ValueProblem {
  readonly path: Array<string | number>;
  readonly reason: string;
  /** The reason is about the value as a whole (too deep, a cycle): a path a hundred levels long says nothing. */
  readonly whole?: boolean;
}

/**
 * Why `value` cannot be stored in a session, or `null` when it can. Strings, booleans, `null` and finite
 * numbers are checked without walking anything; objects and arrays are walked to {@link MAX_VALUE_DEPTH}.
 */
export function valueProblem(value: unknown): ValueProblem | null {
  return walk(value, 1, null, false);
}

/** The first entry of loaded `data` (other than `skipKey`) that a session could not store, or `null`. */
export function dataProblem(data: Record<string, unknown>, skipKey: string): ValueProblem | null {
  for (const key of Object.keys(data)) {
    if (key === skipKey) continue;
    const found = valueProblem(data[key]);
    if (found !== null) {
      found.path.unshift(key);
      return found;
    }
  }
  return null;
}

/**
 * `problem` as a sentence for the `key` a value was given under, e.g. `Cannot store "cart" in the
 * session: cart[2].price is NaN; only finite numbers can be stored.`
 */
export function describeValueProblem(key: string, found: ValueProblem): string {
  const subject = found.path.length === 0 || found.whole ? 'the value' : formatPath(key, found.path);
  return `Cannot store ${quote(key)} in the session: ${subject} ${found.reason}.`;
}

/** `found` about loaded data, whose path starts with the session key. */
export function describeDataProblem(found: ValueProblem): string {
  const [key, ...rest] = found.path;
  return `session data ${formatPath(String(key), found.whole ? [] : rest)} ${found.reason}`;
}

function problem(reason: string, whole = false): ValueProblem {
  return { path: [], reason, whole };
}

// `ancestors` holds the objects being walked (made at the first object, so a primitive allocates nothing),
// only to tell a cycle from deep nesting once the depth bound is hit; `viaToJSON` is set for the result of
// a toJSON() call, which JSON.stringify does not call again.
function walk(value: unknown, depth: number, ancestors: object[] | null, viaToJSON: boolean): ValueProblem | null {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) ? null : problem(`is ${value}; only finite numbers can be stored`);
    case 'undefined':
      return problem('is undefined, which JSON cannot store (store null, or delete the key)');
    case 'bigint':
      return problem('is a BigInt, which JSON cannot store (store it as a string)');
    case 'function':
    case 'symbol':
      return problem(`is a ${typeof value}, which JSON cannot store`);
  }
  if (value === null) return null;
  const object = value as object;
  if (!viaToJSON && typeof (object as { toJSON?: unknown }).toJSON === 'function') {
    // What JSON.stringify writes is what toJSON returns (a Date becomes its ISO string).
    return walk((object as { toJSON(key: string): unknown }).toJSON(''), depth, ancestors, true);
  }
  if (depth > MAX_VALUE_DEPTH) {
    return problem(
      ancestors?.includes(object) ? 'refers to itself (a cycle), which JSON cannot store' : `nests objects and arrays deeper than ${MAX_VALUE_DEPTH} levels`,
      true,
    );
  }
  if (object instanceof Map || object instanceof Set) {
    return problem(`is a ${object instanceof Map ? 'Map' : 'Set'}, which JSON would store as {} (use a plain object or an array)`);
  }
  const stack = ancestors ?? [];
  stack.push(object);
  try {
    if (Array.isArray(object)) {
      for (let index = 0; index < object.length; index++) {
        const found = walk(object[index], depth + 1, stack, false);
        if (found !== null) return within(index, found);
      }
      return null;
    }
    if (Object.getOwnPropertySymbols(object).length > 0) return problem('has a symbol key, which JSON cannot store');
    for (const key of Object.keys(object)) {
      const found = walk((object as Record<string, unknown>)[key], depth + 1, stack, false);
      if (found !== null) return within(key, found);
    }
    return null;
  } finally {
    stack.pop();
  }
}

function within(segment: string | number, found: ValueProblem): ValueProblem {
  found.path.unshift(segment);
  return found;
}

// Long enough to point at the part, short enough for an error page.
const MAX_PATH_LENGTH = 80;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function formatPath(key: string, path: ReadonlyArray<string | number>): string {
  let text = IDENTIFIER.test(key) ? key : `[${quote(key)}]`;
  for (const segment of path) {
    text += typeof segment === 'number' ? `[${segment}]` : IDENTIFIER.test(segment) ? `.${segment}` : `[${quote(segment)}]`;
    if (text.length > MAX_PATH_LENGTH) return `${text.slice(0, MAX_PATH_LENGTH)}…`;
  }
  return text;
}

function quote(key: string): string {
  return JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);
}
