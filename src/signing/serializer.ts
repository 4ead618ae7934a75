/**
 * Serializers turning session values into the bytes that get signed.
 * @module
 */

/**
 * Converts values to bytes and back, like Django's `SESSION_SERIALIZER`
 * classes (`dumps(obj) -> bytes`, `loads(bytes) -> obj`).
 */
export interface Serializer {
  /** Serializes `value` to the bytes that will be base64-encoded and signed. */
  dumps(value: unknown): Buffer;
  /** Parses bytes produced by `dumps` (or by Django's matching serializer). */
  loads(data: Buffer): unknown;
}

// JSON.stringify already escapes '"', '\\' and U+0000–U+001F the way Python
// does (short forms for \b \f \n \r \t, lower-case \u00XX otherwise) and turns
// lone surrogates into \udXXX. What remains for ensure_ascii parity is every
// UTF-16 code unit from DEL upwards; matching code units (not code points)
// yields surrogate pairs for astral characters, as Python writes them.
const NON_ASCII = /[\u007f-\uffff]/g;

function escapeCodeUnit(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

function rejectUnrepresentable(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    // Python would write NaN/Infinity, which JSON.parse (and so every JS
    // reader) rejects; JSON.stringify would silently write null instead.
    throw new TypeError(`Cannot serialize non-finite number ${value}`);
  }
  return value;
}

/**
 * Django's `JSONSerializer`: byte-for-byte `json.dumps(obj, separators=(',', ':'))`
 * encoded as latin-1, i.e. compact, insertion-ordered, ASCII-only with
 * lower-case `\uXXXX` escapes (surrogate pairs for astral characters) and `/`
 * left unescaped. `loads` decodes latin-1 and parses JSON, as Django does.
 *
 * Caveats, all consequences of JS values differing from Python ones:
 * - Numbers: JS has one number type, so floats are not written the way
 *   Python's `repr` writes them (`1.0` → `1`, `1e16` → `10000000000000000`,
 *   `1e-7` → `1e-7` where Python writes `1e-07`). Safe integers match Python
 *   ints exactly; avoid floats in sessions shared with Django if byte equality
 *   matters (the values still round-trip).
 * - `NaN` / `±Infinity` are rejected with a TypeError (Python would emit bare
 *   `NaN`, which JS cannot read back); BigInt is rejected too (JSON.stringify's
 *   TypeError). On `loads`, integers beyond 2^53 lose precision and Python's
 *   `NaN`/`Infinity` literals fail to parse.
 * - Object keys that look like array indices (`"2"`) are iterated by JS before
 *   other keys, so such objects may be written in a different key order than
 *   Django received them in; the content is the same.
 * - JSON.stringify rules apply to non-JSON values: `toJSON` is honoured (Dates
 *   become ISO strings), `undefined`/functions/symbols are dropped from objects
 *   and become `null` in arrays, Maps and Sets become `{}`.
 */
export const jsonSerializer: Serializer = {
  dumps(value: unknown): Buffer {
    return Buffer.from(strictJsonStringify(value).replace(NON_ASCII, escapeCodeUnit), 'latin1');
  },
  loads(data: Buffer): unknown {
    return JSON.parse(data.toString('latin1'));
  },
};

/**
 * `JSON.stringify` that throws a TypeError for what JSON cannot carry (non-finite numbers, a top-level
 * `undefined`, BigInt) instead of writing `null` or nothing. Characters are left as they are.
 */
export function strictJsonStringify(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) {
    throw new TypeError(`Cannot serialize ${typeof value} to JSON`);
  }
  // JSON.stringify writes non-finite numbers as null. A replacer finds them
  // but disables V8's fast path, so only pay for it when a null shows up.
  if (json.includes('null')) JSON.stringify(value, rejectUnrepresentable);
  return json;
}
