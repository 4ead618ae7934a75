/**
 * What a store does with a key that is not a session key. The core only ever hands out `[a-z0-9]{8,40}`,
 * so such a key is a bug in the caller: reads answer "no such session", and writes and locks throw
 * rather than let the key reach a file name, a cache key or a lock name.
 */
import { isValidSessionKey } from '../../core/session-key.js';

/** Throws the `TypeError` refusing `key` on behalf of the store `storeName`. */
export function refuseSessionKey(key: string, storeName: string): never {
  throw new TypeError(`${storeName}: refusing ${JSON.stringify(key)}: not a session key (8 to 40 characters of a-z and 0-9)`);
}

/** Throws {@link refuseSessionKey}'s error unless `key` is a session key. */
export function requireSessionKey(key: string, storeName: string): void {
  if (!isValidSessionKey(key)) refuseSessionKey(key, storeName);
}
