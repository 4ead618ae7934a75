/**
 * `django.utils.crypto.salted_hmac` and `constant_time_compare`.
 * @module
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The hash algorithms Django's signing code is used with. */
export type HashAlgorithm = 'sha1' | 'sha256' | 'sha512';

const ALGORITHMS: ReadonlySet<string> = new Set<HashAlgorithm>(['sha1', 'sha256', 'sha512']);

// Deriving K costs a full hash; every request would pay it again for the same
// (salt, secret) pair, so keep a small cache. It is nested (algorithm → key
// salt → secret) so that lookups hash the caller's own, usually long-lived,
// strings instead of a freshly concatenated id. Bounded so that callers feeding
// many distinct salts or secrets cannot grow memory without limit.
const MAX_CACHED_KEYS = 128;
let cachedKeyCount = 0;

interface SaltBucket {
  readonly byString: Map<string, Buffer>;
  // Byte secrets are keyed by their latin-1 text; a separate map keeps them
  // apart from string secrets with the same characters.
  readonly byBytes: Map<string, Buffer>;
}

const derivedKeys = new Map<string, Map<string, SaltBucket>>();

/**
 * Throws unless `algorithm` is one of the supported {@link HashAlgorithm}s,
 * mirroring Django's `InvalidAlgorithm` for callers without type checking.
 *
 * @param algorithm - The name to check.
 * @throws TypeError for an unsupported name.
 */
export function assertHashAlgorithm(algorithm: string): asserts algorithm is HashAlgorithm {
  if (!ALGORITHMS.has(algorithm)) {
    throw new TypeError(`Unsupported hash algorithm: ${JSON.stringify(algorithm)}`);
  }
}

/**
 * Returns Django's derived HMAC key `K = H(utf8(keySalt) ‖ secret)` (raw digest,
 * no separator), memoised per (algorithm, salt, secret).
 *
 * @param keySalt - The key salt, e.g. `django.core.signingsigner`.
 * @param secret - The secret; strings are UTF-8 encoded.
 * @param algorithm - The hash to use.
 * @returns The derived key. Shared between callers: do not mutate it.
 */
export function deriveHmacKey(keySalt: string, secret: string | Uint8Array, algorithm: HashAlgorithm): Buffer {
  const bySalt = derivedKeys.get(algorithm);
  let bucket = bySalt?.get(keySalt);
  const isString = typeof secret === 'string';
  const id = isString ? secret : Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength).toString('latin1');
  const cached = isString ? bucket?.byString.get(id) : bucket?.byBytes.get(id);
  if (cached !== undefined) return cached;

  assertHashAlgorithm(algorithm);
  const key = createHash(algorithm).update(keySalt, 'utf8').update(secret).digest();
  if (cachedKeyCount >= MAX_CACHED_KEYS) {
    derivedKeys.clear();
    cachedKeyCount = 0;
    bucket = undefined;
  }
  if (bucket === undefined) {
    bucket = { byString: new Map(), byBytes: new Map() };
    let salts = derivedKeys.get(algorithm);
    if (salts === undefined) {
      salts = new Map();
      derivedKeys.set(algorithm, salts);
    }
    salts.set(keySalt, bucket);
  }
  (isString ? bucket.byString : bucket.byBytes).set(id, key);
  cachedKeyCount++;
  return key;
}

/**
 * Computes `HMAC-H(H(keySalt ‖ secret), value)` exactly as Django's
 * `salted_hmac(key_salt, value, secret, algorithm=...)`.
 *
 * @param keySalt - The key salt; UTF-8 encoded.
 * @param value - The message; strings are UTF-8 encoded.
 * @param secret - The secret key; strings are UTF-8 encoded.
 * @param algorithm - Defaults to `'sha1'`, like Django's own default (the
 *   signing code always passes its algorithm explicitly).
 * @returns The raw digest bytes (use `.toString('hex')` for Django's
 *   `hexdigest()`).
 */
export function saltedHmac(keySalt: string, value: string | Uint8Array, secret: string | Uint8Array, algorithm: HashAlgorithm = 'sha1'): Buffer {
  return createHmac(algorithm, deriveHmacKey(keySalt, secret, algorithm))
    .update(value)
    .digest();
}

function toBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

/**
 * Compares two values without leaking, through timing, where they differ
 * (Django's `constant_time_compare`). Strings are compared as UTF-8 bytes.
 * Values of different lengths are unequal; the length itself is not secret.
 *
 * @param a - First value.
 * @param b - Second value.
 * @returns Whether the byte sequences are identical.
 */
export function constantTimeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const left = toBytes(a);
  const right = toBytes(b);
  return left.byteLength === right.byteLength && timingSafeEqual(left, right);
}
