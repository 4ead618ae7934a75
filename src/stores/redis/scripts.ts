/**
 * The Redis store's Lua scripts. Each touches one key only, so it runs on a cluster whatever node owns
 * the key, with no hash tag in Django's keys.
 */
import { createHash } from 'node:crypto';
import type { UpdateOutcome } from '../../core/store-contract.js';
import type { RedisConnection } from './connection.js';

// Compare-and-set. Returns 0 when the key is missing, 1 when it holds something else, 2 when it was written (or, with a
// TTL ≤ 0, deleted, as Django's cache does with a past expiry).
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
if current ~= ARGV[1] then return 1 end
local ttl = tonumber(ARGV[3])
if ttl > 0 then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
else
  redis.call('DEL', KEYS[1])
end
return 2
`;
// Deletes a lock only if it still holds this holder's token (after its TTL another holder may own it).
const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
const CAS_OUTCOMES: readonly UpdateOutcome[] = ['missing', 'conflict', 'updated'];

/**
 * Writes `data` under `key` with a TTL of `ttlMs` (deletes it when `ttlMs` ≤ 0) only if the key still
 * holds `expected`, in one round trip.
 */
export async function compareAndSet(client: RedisConnection, key: string, expected: string, data: string, ttlMs: number): Promise<UpdateOutcome> {
  const outcome = await evalScript(client, COMPARE_AND_SET, key, [expected, data, String(ttlMs)]);
  return CAS_OUTCOMES[Number(outcome)] ?? 'conflict';
}

/** Deletes the lock `key` if it still holds `token`. */
export async function releaseLock(client: RedisConnection, key: string, token: string): Promise<void> {
  await evalScript(client, RELEASE_LOCK, key, [token]);
}

const scriptShas = new Map<string, string>();

/** Runs a one-key Lua script by its SHA1 (one round trip), loading it on the node that lacks it. */
async function evalScript(client: RedisConnection, script: string, key: string, args: readonly string[]): Promise<unknown> {
  let sha = scriptShas.get(script);
  if (sha === undefined) {
    sha = createHash('sha1').update(script).digest('hex');
    scriptShas.set(script, sha);
  }
  try {
    return await client.evalSha(sha, key, args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return client.eval(script, key, args);
  }
}
