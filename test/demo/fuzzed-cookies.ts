/**
 * Fuzzed session cookie values: hostile and broken values (bad-cookies.ts) and valid ones, mangled at
 * random, and random strings. Seeded, so that a failure names a value that comes back on the next run.
 */

// Printable ASCII with the characters cookie parsers trip on, some Latin-1, and a tab: what a header can carry.
const ALPHABET = [...Array.from({ length: 0x7e - 0x20 + 1 }, (_, i) => String.fromCharCode(0x20 + i)), '\t', 'é', 'ÿ', '\x80', '\xa0'].join('');

/** A pseudo-random number generator (mulberry32): numbers in [0, 1) from `seed`. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Largest value made: with the rest of the request, under node:http's 16 KiB limit on a request's head. */
const MAX_LENGTH = 8000;

/**
 * What a `Cookie: sessionid=<value>` header names, read roughly as Django's `parse_cookie` reads it: up to
 * a `;`, stripped, unquoted. (The server's own reading is what the tests check; this only keeps values
 * that plainly name a real session, such as `"<key>"`, out of the fuzz.)
 */
function named(value: string): string {
  const part = value.split(';')[0]!.trim();
  return part.length >= 2 && part.startsWith('"') && part.endsWith('"') ? part.slice(1, -1).replace(/\\(.)/g, '$1') : part;
}

/**
 * `count` cookie values made from `seeds` (and random strings), none naming one of `valid`, which are
 * values that name a session. A value is never empty after trimming, as a `fetch` header would trim it.
 */
export function fuzzedCookieValues(count: number, seeds: readonly string[], valid: readonly string[], seed = 0x5e55): string[] {
  const next = random(seed);
  const int = (below: number): number => Math.floor(next() * below);
  const text = (length: number): string => Array.from({ length }, () => ALPHABET[int(ALPHABET.length)]).join('');
  const mutations: Array<(value: string) => string> = [
    (v) => (v.length === 0 ? text(1) : `${v.slice(0, int(v.length))}${text(1)}${v.slice(int(v.length) + 1)}`), // one character replaced
    (v) => v.slice(0, int(v.length + 1)), // truncated
    (v) => v.slice(int(v.length + 1)), // its start cut off
    (v) => {
      const at = int(v.length + 1);
      return `${v.slice(0, at)}${text(1 + int(8))}${v.slice(at)}`; // characters inserted
    },
    (v) => v + v.slice(int(v.length + 1)), // a part repeated
    (v) => v.replace(/[a-z]/g, (c) => (next() < 0.3 ? c.toUpperCase() : c)), // letters changed to upper case
    (v) => `"${v}"`, // quoted
    (v) => `${v}:${text(int(30))}`, // another signed field
  ];
  const values = new Set<string>();
  const refused = new Set(valid);
  while (values.size < count) {
    let value: string;
    if (next() < 0.2) {
      value = text(next() < 0.1 ? 4096 + int(4096) : int(200));
    } else {
      value = seeds[int(seeds.length)]!;
      for (let n = 1 + int(3); n > 0; n--) value = mutations[int(mutations.length)]!(value);
    }
    value = value.slice(0, MAX_LENGTH).trim();
    if (value !== '' && !refused.has(named(value))) values.add(value);
  }
  return [...values];
}
