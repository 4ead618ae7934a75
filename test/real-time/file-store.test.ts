/**
 * The file store's time bound (`operationTimeoutMs`) on a file system that hangs. A real hang cannot be
 * made on demand (the one a user could cause, a FIFO, no longer blocks: see test/stores/file.test.ts), so
 * the file-system call that would hang is replaced by one that never settles; the bound itself runs on
 * real timers.
 */
import { promises as fsp, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import { createSessions, SessionStoreUnavailable } from '../../src/index.js';
import { fileStore } from '../../src/stores/file.js';
import { StoreTimeoutError } from '../../src/stores/internal/deadline.js';
import { cookieOf } from '../helpers/cookies.js';
import { TEST_SECRET } from '../helpers/secrets.js';

const TIMEOUT_MS = 200;
const scratch = mkdtempSync(join(tmpdir(), 'sessionkit-file-real-time-'));
let dirCount = 0;
const freshDir = (): string => {
  const dir = join(scratch, `d${++dirCount}`);
  mkdirSync(dir, { mode: 0o700 });
  return dir;
};
const future = (): Date => new Date(Date.now() + 3_600_000);
const never = <T>(): Promise<T> => new Promise<T>(() => {});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
});

/** How long `pending` took to reject, and with what. */
async function rejection(pending: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  try {
    await pending;
  } catch (error) {
    return { error, ms: Date.now() - started };
  }
  throw new Error('expected a rejection');
}

describe('file store: a file system that hangs', () => {
  it('a read that hangs fails after operationTimeoutMs, and the request gets a 503 instead of waiting forever', async () => {
    const dir = freshDir();
    const store = fileStore({ directory: dir, operationTimeoutMs: TIMEOUT_MS });
    const sessions = createSessions({ secret: TEST_SECRET, store });
    const session = sessions.load(undefined);
    await session.set('x', 1);
    const cookie = cookieOf((await sessions.commit(session)).setCookie);
    const key = session.sessionKey!;

    vi.spyOn(fsp, 'open').mockImplementation(never);
    const direct = await rejection(store.load(key));
    expect(direct.error).toBeInstanceOf(StoreTimeoutError);
    expect(String((direct.error as Error).message)).toMatch(/fileStore read timed out after 200 ms/);
    expect(direct.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(direct.ms).toBeLessThan(2000);

    const viaManager = await rejection(sessions.load(cookie).get('x'));
    expect(viaManager.error).toBeInstanceOf(SessionStoreUnavailable);
    expect((viaManager.error as SessionStoreUnavailable).status).toBe(503);
    expect(viaManager.ms).toBeLessThan(2000);

    vi.restoreAllMocks();
    expect(await store.load(key)).not.toBeNull();
    expect(await sessions.load(cookie).get('x')).toBe(1);
  });

  it('a write that hangs (its rename) fails after operationTimeoutMs and gives the write lock back', async () => {
    const dir = freshDir();
    const store = fileStore({ directory: dir, operationTimeoutMs: TIMEOUT_MS });
    const key = generateSessionKey();
    await store.create(key, 'v1', future());
    vi.spyOn(fsp, 'rename').mockImplementationOnce(never);
    const hung = await rejection(store.update(key, 'v2', future()));
    expect(hung.error).toBeInstanceOf(StoreTimeoutError);
    expect(hung.ms).toBeLessThan(2000);
    // The next write of the same session does not wait for the hung one's lock (its wait would be 10 s).
    const started = Date.now();
    expect(await store.update(key, 'v3', future())).toBe('updated');
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await store.load(key))?.data).toBe('v3');
  });

  it('taking a lock file that hangs fails after operationTimeoutMs, for writes and for session locks', async () => {
    const dir = freshDir();
    const store = fileStore({ directory: dir, operationTimeoutMs: TIMEOUT_MS });
    const key = generateSessionKey();
    await store.create(key, 'v1', future());
    const open = fsp.open.bind(fsp);
    vi.spyOn(fsp, 'open').mockImplementation((path, ...rest) => (String(path).endsWith('.lock') ? never() : open(path, ...rest)));
    const write = await rejection(store.update(key, 'v2', future()));
    expect(write.error).toBeInstanceOf(StoreTimeoutError);
    expect(write.ms).toBeLessThan(2000);
    const lock = await rejection(store.lock(key, { waitMs: 5000, ttlMs: 10_000 }));
    expect(lock.error).toBeInstanceOf(StoreTimeoutError);
    expect(lock.ms).toBeLessThan(2000);
    vi.restoreAllMocks();
    expect(readdirSync(dir)).toEqual([`sessionid${key}`]);
    expect(await store.update(key, 'v2', future())).toBe('updated');
  });
});
