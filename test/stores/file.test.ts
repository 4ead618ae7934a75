import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  cpSync,
  existsSync,
  constants as fsConstants,
  promises as fsp,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import { createSessions, SessionConfigError, SessionLockTimeout } from '../../src/index.js';
import { dumps, loads } from '../../src/signing/index.js';
import { fileStore } from '../../src/stores/file.js';
import { describeWithDjango, django } from '../django/bridge.js';
import { cookieOf } from '../helpers/cookies.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { describeStoreConformance } from './conformance.js';
import { scratchDirectories } from './scratch-files.js';

const COOKIE_AGE = 1209600;
const DATA_SALT = 'django.contrib.sessions.SessionStore';
const { root: scratch, fresh: freshDir } = scratchDirectories('sessionkit-file-test-');
const future = (seconds = 3600): Date => new Date(Date.now() + seconds * 1000);
const past = (seconds = 3600): Date => new Date(Date.now() - seconds * 1000);
const sessionFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => /^sessionid[a-z0-9]+$/.test(name))
    .sort();
const leftovers = (dir: string): string[] => readdirSync(dir).filter((name) => !/^sessionid[a-z0-9]+$/.test(name));
const encode = (data: Record<string, unknown>): string => dumps(data, { key: TEST_SECRET, salt: DATA_SALT, compress: true });

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describeStoreConformance({ name: 'file', makeStore: () => fileStore({ directory: freshDir() }), clearsExpired: true });

describe('file store: configuration', () => {
  it('refuses a missing directory, saying how to fix it', () => {
    const missing = join(scratch, 'does-not-exist');
    expect(() => fileStore({ directory: missing })).toThrow(SessionConfigError);
    expect(() => fileStore({ directory: missing })).toThrow(/does not exist.*mkdir -p .*SESSION_FILE_PATH/s);
    expect(existsSync(missing)).toBe(false);
  });

  it('refuses a path that is a file, an empty path, a bad prefix and a bad cookie age', () => {
    const file = join(freshDir(), 'plain-file');
    writeFileSync(file, 'x');
    expect(() => fileStore({ directory: file })).toThrow(/is not a directory/);
    expect(() => fileStore({ directory: '' })).toThrow(SessionConfigError);
    const directory = freshDir();
    for (const prefix of ['', '../x', 'a/b', '..', 'nul\0']) {
      expect(() => fileStore({ directory, prefix })).toThrow(SessionConfigError);
    }
    for (const cookieAge of [0, -5, 1.5, Number.NaN]) {
      expect(() => fileStore({ directory, cookieAge })).toThrow(/SESSION_COOKIE_AGE/);
    }
  });

  it("takes the configuration's cookie name as its prefix and its cookie age, refusing options that disagree", async () => {
    const directory = freshDir();
    const store = fileStore({ directory });
    const sessions = createSessions({
      secret: TEST_SECRET,
      store,
      cookieName: 'sid',
      cookieAge: 60,
      now: () => Date.UTC(2030, 0, 1),
    });
    expect(store.prefix).toBe('sid');
    const session = sessions.load(undefined);
    await session.set('x', 1);
    await sessions.commit(session);
    const file = statSync(join(directory, `sid${session.sessionKey!}`));
    // The mtime records expireDate − cookieAge: here the write time of the configuration's clock.
    expect(file.mtimeMs).toBe(Date.UTC(2030, 0, 1));

    expect(() => createSessions({ secret: TEST_SECRET, store: fileStore({ directory, prefix: 'sessionid' }), cookieName: 'sid' })).toThrow(
      /^sessionkit: fileStore: `prefix` is "sessionid" but the session cookie is named "sid".*leave `prefix` out/,
    );
    expect(() => createSessions({ secret: TEST_SECRET, store: fileStore({ directory, cookieAge: 600 }), cookieAge: 60 })).toThrow(
      /^sessionkit: fileStore: `cookieAge` is 600 but the configuration's `cookieAge` is 60; leave the store's `cookieAge` out/,
    );
    expect(() => createSessions({ secret: TEST_SECRET, store, cookieName: 'sid', cookieAge: 3600 })).toThrow(
      /^sessionkit: fileStore: the store already serves a configuration with cookieName "sid" and cookieAge 60.*a fileStore of its own/,
    );
    expect(() =>
      createSessions({
        secret: TEST_SECRET,
        store: fileStore({ directory, prefix: 'sid', cookieAge: 60 }),
        cookieName: 'sid',
        cookieAge: 60,
      }),
    ).not.toThrow();
  });

  it("defaults to a private sessionkit-<uid> directory (mode 0700) in the temporary directory, and Django's prefix", () => {
    const temp = freshDir();
    vi.stubEnv('TMPDIR', temp);
    const store = fileStore();
    const expected = join(temp, `sessionkit-${process.getuid!()}`);
    expect(store.directory).toBe(expected);
    expect(store.prefix).toBe('sessionid');
    const stats = statSync(expected);
    expect(stats.isDirectory()).toBe(true);
    expect(stats.mode & 0o777).toBe(0o700);
    expect(stats.uid).toBe(process.getuid!());
    // The next store (a restart, another worker) uses the same directory.
    expect(fileStore().directory).toBe(expected);
  });

  it('refuses a default directory someone else made first: open to others, a symbolic link, a file, or owned by another user', () => {
    const attempts: Array<[string, (path: string) => void]> = [
      ['open to others', (path) => mkdirSync(path, { mode: 0o755 })],
      ['a symbolic link to a private directory', (path) => symlinkSync(freshDir(), path)],
      ['a regular file', (path) => writeFileSync(path, 'x')],
    ];
    if (process.getuid!() === 0) {
      attempts.push([
        'owned by another user',
        (path) => {
          mkdirSync(path, { mode: 0o700 });
          chownSync(path, 65534, 65534);
        },
      ]);
    }
    for (const [, plant] of attempts) {
      const temp = freshDir();
      vi.stubEnv('TMPDIR', temp);
      const planted = join(temp, `sessionkit-${process.getuid!()}`);
      plant(planted);
      expect(() => fileStore()).toThrow(SessionConfigError);
      expect(() => fileStore()).toThrow(planted);
      expect(() => fileStore()).toThrow(/not a private directory of this user.*remove it .*SESSION_FILE_PATH/s);
    }
  });

  it('refuses a directory other users can write to (world- or group-writable), saying how to fix it', () => {
    for (const mode of [0o777, 0o757, 0o770, 0o730]) {
      const dir = freshDir();
      chmodSync(dir, mode);
      expect(() => fileStore({ directory: dir })).toThrow(SessionConfigError);
      expect(() => fileStore({ directory: dir })).toThrow(/can be written by other users.*plant sessions.*chmod go-w/s);
      expect(() => fileStore({ directory: dir })).toThrow(`mode 0${mode.toString(8)}`);
    }
    for (const mode of [0o700, 0o750, 0o755]) {
      const dir = freshDir();
      chmodSync(dir, mode);
      expect(fileStore({ directory: dir }).directory).toBe(dir);
    }
  });

  it('refuses a shared sticky directory like /tmp as the session directory, and the temporary directory itself', () => {
    const shared = freshDir();
    chmodSync(shared, 0o1777);
    expect(() => fileStore({ directory: shared })).toThrow(SessionConfigError);
    expect(() => fileStore({ directory: shared })).toThrow(/shared directory like \/tmp.*mkdir -p -m 700/s);
    for (const shared of new Set([tmpdir(), '/tmp'])) {
      if ((statSync(shared).mode & 0o022) !== 0) expect(() => fileStore({ directory: shared })).toThrow(/can be written by other users/);
    }
  });

  it('resolves a relative directory once, at construction', () => {
    const dir = freshDir();
    const store = fileStore({ directory: relative(process.cwd(), dir) });
    expect(store.directory).toBe(dir);
  });
});

describe('file store: files as Django writes them', () => {
  it('names the file <prefix><key> and stores the data exactly, mode 0600, no newline', async () => {
    const dir = freshDir();
    const store = fileStore({ directory: dir, prefix: 'mycookie' });
    const key = generateSessionKey();
    const data = encode({ a: 1 });
    await store.create(key, data, future());
    expect(readdirSync(dir)).toEqual([`mycookie${key}`]);
    const path = join(dir, `mycookie${key}`);
    expect(readFileSync(path, 'latin1')).toBe(data);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('records the expiry in the mtime as expireDate − cookieAge (the write time for a default session)', async () => {
    const dir = freshDir();
    const store = fileStore({ directory: dir, cookieAge: 600 });
    const key = generateSessionKey();
    const expires = future(600);
    await store.create(key, 'x', expires);
    const mtime = statSync(join(dir, `sessionid${key}`)).mtimeMs;
    expect(Math.abs(mtime - (expires.getTime() - 600_000))).toBeLessThan(2);
    expect(Math.abs(mtime - Date.now())).toBeLessThan(1000);
    const later = future(7200);
    await store.update(key, 'y', later);
    expect(Math.abs(statSync(join(dir, `sessionid${key}`)).mtimeMs - (later.getTime() - 600_000))).toBeLessThan(2);
    const [listed] = await collect(store.list());
    expect(listed).toEqual({ key, expireDate: expect.any(Date), size: 1 });
    expect(Math.abs(listed!.expireDate!.getTime() - later.getTime())).toBeLessThan(2);
  });

  it('judges a file without a recorded expiry (a Django write) live until mtime + cookieAge', async () => {
    const dir = freshDir();
    const store = fileStore({ directory: dir, cookieAge: 100 });
    const live = generateSessionKey();
    const dead = generateSessionKey();
    writeFileSync(join(dir, `sessionid${live}`), 'live-data');
    writeFileSync(join(dir, `sessionid${dead}`), 'dead-data');
    const now = Date.now() / 1000;
    utimesSync(join(dir, `sessionid${live}`), now, now - 90);
    utimesSync(join(dir, `sessionid${dead}`), now, now - 110);
    expect((await store.load(live))?.data).toBe('live-data');
    expect(await store.countExpired()).toBe(1);
    expect(await store.clearExpired()).toBe(1);
    expect(sessionFiles(dir)).toEqual([`sessionid${live}`]);
  });

  it('counts the expired files, then clears them a step of entries at a time, reporting progress', async () => {
    const dir = freshDir();
    const store = fileStore({ directory: dir });
    const live = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const key = generateSessionKey();
        await store.create(key, 'live', future());
        return key;
      }),
    );
    await Promise.all(Array.from({ length: 25 }, () => store.create(generateSessionKey(), 'old', past())));
    writeFileSync(join(dir, 'notes.txt'), 'foreign');
    expect(await store.countExpired()).toBe(25);
    const progress: number[] = [];
    expect(await store.clearExpiredInBatches({ batchSize: 10, onProgress: (removed) => progress.push(removed) })).toBe(25);
    // 30 session files in steps of 10: with only 5 live, every step finds expired ones.
    expect(progress).toHaveLength(3);
    expect(progress.at(-1)).toBe(25);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(sessionFiles(dir)).toEqual(live.map((key) => `sessionid${key}`).sort());
    expect(await store.countExpired()).toBe(0);
    expect(readdirSync(dir)).toContain('notes.txt');
    await expect(store.clearExpiredInBatches({ batchSize: -1 })).rejects.toBeInstanceOf(SessionConfigError);
  });

  it('honours an ISO _session_expiry inside the data when given readExpiry (files of Django 4.1+)', async () => {
    const dir = freshDir();
    const readExpiry = (data: string): unknown => (loads(data, { key: TEST_SECRET, salt: DATA_SALT }) as Record<string, unknown>)['_session_expiry'];
    const plain = fileStore({ directory: dir });
    const reading = fileStore({ directory: dir, readExpiry });
    const longLived = generateSessionKey();
    const cutShort = generateSessionKey();
    const corrupt = generateSessionKey();
    // As Django writes them: mtime = write time, expiry in the data.
    const nowS = Date.now() / 1000;
    writeFileSync(join(dir, `sessionid${longLived}`), encode({ _session_expiry: '2999-01-01T00:00:00+00:00' }));
    utimesSync(join(dir, `sessionid${longLived}`), nowS, nowS - COOKIE_AGE - 60);
    writeFileSync(join(dir, `sessionid${cutShort}`), encode({ _session_expiry: '2001-01-01T00:00:00+00:00' }));
    writeFileSync(join(dir, `sessionid${corrupt}`), 'not-a-signed-token');
    const loadedShort = generateSessionKey();
    cpSync(join(dir, `sessionid${cutShort}`), join(dir, `sessionid${loadedShort}`));

    // Without the hook only the mtime speaks (countExpired and list judge without deleting).
    expect(await plain.countExpired()).toBe(1);
    expect((await collect(plain.list())).map(({ key }) => key).sort()).toEqual([corrupt, cutShort, loadedShort].sort());
    expect(await reading.countExpired()).toBe(2);
    expect(await reading.load(longLived)).not.toBeNull();
    expect((await reading.load(corrupt))?.data).toBe('not-a-signed-token');
    expect(await reading.load(loadedShort)).toBeNull();
    expect(existsSync(join(dir, `sessionid${loadedShort}`))).toBe(false); // deleted by the load, as Django does

    expect(await reading.clearExpired()).toBe(1);
    expect(sessionFiles(dir)).toEqual([`sessionid${corrupt}`, `sessionid${longLived}`].sort());
  });
});

describe('file store: hostile keys', () => {
  it('never builds a path from a key outside [a-z0-9]{8,40}: nothing is created, read or deleted anywhere', async () => {
    const parent = freshDir();
    const dir = join(parent, 'sessions');
    mkdirSync(dir);
    const victim = join(parent, 'victim');
    writeFileSync(victim, 'keep me');
    writeFileSync(join(dir, 'sessionidABCDEFGHIJ'), 'upper-case name');
    const store = fileStore({ directory: dir });
    const hostile = [
      '../victim',
      '../../victim',
      '/../victim',
      'x/../../victim',
      '..',
      'ABCDEFGHIJ',
      'abc\0defghij',
      'abcdefgh.lock',
      `${'a'.repeat(41)}`,
      'abcdefgh/ijkl',
    ];
    const before = { parent: readdirSync(parent).sort(), dir: readdirSync(dir).sort() };
    for (const key of hostile) {
      expect(await store.load(key)).toBeNull();
      expect(await store.exists(key)).toBe(false);
      expect(await store.update(key, 'pwned', future())).toBe('missing');
      await store.delete(key);
      await expect(store.create(key, 'pwned', future())).rejects.toThrow(/not a session key/);
      await expect(store.lock(key, { waitMs: 10, ttlMs: 100 })).rejects.toThrow(/not a session key/);
    }
    expect({ parent: readdirSync(parent).sort(), dir: readdirSync(dir).sort() }).toEqual(before);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(readFileSync(join(dir, 'sessionidABCDEFGHIJ'), 'utf8')).toBe('upper-case name');
  });
});

describe('file store: expired sessions are deleted when loaded, as Django does', () => {
  it("deletes the expired file on load (the configuration's clock), and a session manager gives a fresh session under a new key", async () => {
    const dir = freshDir();
    let clock = Date.now();
    const store = fileStore({ directory: dir });
    const sessions = createSessions({ secret: TEST_SECRET, store, cookieAge: 600, now: () => clock });
    const first = sessions.load(undefined);
    await first.set('cart', ['book']);
    const cookie = cookieOf((await sessions.commit(first)).setCookie);
    const key = first.sessionKey!;
    const path = join(dir, `sessionid${key}`);

    clock += 599_000;
    expect(await sessions.load(cookie).get('cart')).toEqual(['book']);
    expect(existsSync(path)).toBe(true);

    clock += 2_000;
    const later = sessions.load(cookie);
    expect(await later.load()).toEqual({});
    expect(existsSync(path)).toBe(false);
    expect(await store.exists(key)).toBe(false);
    await later.set('cart', []);
    await sessions.commit(later);
    expect(later.sessionKey).not.toBe(key);
    expect(sessionFiles(dir)).toEqual([`sessionid${later.sessionKey}`]);
  });

  it('leaves an expired file that another process is writing to clearExpired, and the load does not wait for it', async () => {
    const dir = freshDir();
    let clock = Date.now();
    const store = fileStore({ directory: dir, now: () => clock });
    const key = generateSessionKey();
    await store.create(key, 'data', new Date(clock + 1000));
    clock += 2000;
    const writeLock = join(dir, `sessionid${key}.lock`);
    writeFileSync(writeLock, `another-process:${Date.now() + 60_000}`);
    // The write lock's wait (10 s) is longer than the test's: a load that took it would time the test out.
    expect(await store.load(key)).toBeNull();
    expect(existsSync(join(dir, `sessionid${key}`))).toBe(true);
    expect(readFileSync(writeLock, 'ascii')).toMatch(/^another-process:/);
    unlinkSync(writeLock);
    expect(await store.clearExpired()).toBe(1);
  });
});

describe('file store: names that hold no session file (FIFOs, symbolic links, directories)', () => {
  /** Makes a FIFO at `path`. Node has no mkfifo of its own. */
  const mkfifo = (path: string): void => void execFileSync('mkfifo', ['-m', '600', path]);
  /** Opens the FIFO for writing without blocking, which frees any reader stuck on it (if the store regressed). */
  const unblockReaders = (path: string): void => {
    try {
      const fd = openSync(path, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK);
      closeSync(fd);
    } catch {
      // No reader waiting (ENXIO): nothing to free.
    }
  };
  /** `pending`, or a failure naming `what` if it has not settled after `ms` (a hang must not hang the suite). */
  const settlesPromptly = <T>(pending: Promise<T>, what: string, ms = 3000): Promise<T> =>
    Promise.race([pending, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} hung`)), ms).unref())]);
  const isFifo = (path: string): boolean => lstatSync(path).isFIFO();

  it('a FIFO named like a session gives a fresh session at once and does not stall other requests', async () => {
    const dir = freshDir();
    const sessions = createSessions({ secret: TEST_SECRET, store: fileStore({ directory: dir }) });
    const owner = sessions.load(undefined);
    await owner.set('owner', 'me');
    const ownerCookie = cookieOf((await sessions.commit(owner)).setCookie);
    // More FIFOs than libuv has file-system threads (4): blocking opens would stall every file operation.
    const fifoKeys = Array.from({ length: 8 }, () => generateSessionKey());
    const fifos = fifoKeys.map((key) => join(dir, `sessionid${key}`));
    fifos.forEach(mkfifo);
    try {
      const attacks = fifoKeys.map(async (key) => {
        const session = sessions.load(`sessionid=${key}`);
        const data = { ...(await session.load()) };
        await session.set('visited', true);
        await sessions.commit(session);
        return { data, newKey: session.sessionKey };
      });
      const bystander = (async () => (await sessions.load(ownerCookie).load())['owner'])();
      const [results, owned] = await settlesPromptly(Promise.all([Promise.all(attacks), bystander]), 'a request');
      expect(owned).toBe('me');
      for (const [i, { data, newKey }] of results.entries()) {
        expect(data).toEqual({});
        expect(newKey).not.toBe(fifoKeys[i]);
      }
      // The FIFOs are untouched: nothing was written through or over them.
      for (const fifo of fifos) expect(isFifo(fifo)).toBe(true);
      expect(sessionFiles(dir)).toHaveLength(1 + 8 + 8); // the owner's, the FIFOs, the new sessions
    } finally {
      fifos.forEach(unblockReaders);
    }
  });

  it('a FIFO, a symbolic link or a directory named like a session is no session to any store method, and nothing is written through it', async () => {
    const parent = freshDir();
    const dir = join(parent, 'sessions');
    mkdirSync(dir, { mode: 0o700 });
    const store = fileStore({ directory: dir });
    // A link to a live-looking session file outside the directory, a link to a FIFO, a FIFO, a directory.
    const outside = join(parent, 'outside');
    const outsideContent = encode({ admin: true });
    writeFileSync(outside, outsideContent);
    const outsideFifo = join(parent, 'outside-fifo');
    mkfifo(outsideFifo);
    const [toFile, toFifo, fifo, directory] = Array.from({ length: 4 }, () => generateSessionKey()) as [string, string, string, string];
    symlinkSync(outside, join(dir, `sessionid${toFile}`));
    symlinkSync(outsideFifo, join(dir, `sessionid${toFifo}`));
    mkfifo(join(dir, `sessionid${fifo}`));
    mkdirSync(join(dir, `sessionid${directory}`));
    try {
      await settlesPromptly(
        (async () => {
          for (const key of [toFile, toFifo, fifo, directory]) {
            expect(await store.load(key)).toBeNull();
            expect(await store.exists(key)).toBe(false);
            expect(await store.update(key, 'pwned', future())).toBe('missing');
            expect(await store.update(key, 'pwned', future(), 'anything')).toBe('missing');
            expect(await store.create(key, 'pwned', future())).toBe(false);
          }
          expect(await store.countExpired()).toBe(0);
          expect(await collect(store.list())).toEqual([]);
          expect(await store.clearExpired()).toBe(0);
        })(),
        'a store method',
      );
      expect(readFileSync(outside, 'ascii')).toBe(outsideContent);
      expect(isFifo(outsideFifo)).toBe(true);
      expect(lstatSync(join(dir, `sessionid${toFile}`)).isSymbolicLink()).toBe(true);
      expect(isFifo(join(dir, `sessionid${fifo}`))).toBe(true);
      expect(leftovers(dir)).toEqual([]);
    } finally {
      [outsideFifo, join(dir, `sessionid${fifo}`)].forEach(unblockReaders);
    }
  });

  it('a session file swapped for a FIFO between load and save is reported missing at once, never written through', async () => {
    const dir = freshDir();
    const store = fileStore({ directory: dir });
    const key = generateSessionKey();
    await store.create(key, 'v1', future());
    const loaded = await store.load(key);
    const path = join(dir, `sessionid${key}`);
    unlinkSync(path);
    mkfifo(path);
    try {
      expect(await settlesPromptly(store.update(key, 'v2', future(), loaded!.version), 'update')).toBe('missing');
      expect(await settlesPromptly(store.update(key, 'v2', future()), 'update')).toBe('missing');
      expect(isFifo(path)).toBe(true);
    } finally {
      unblockReaders(path);
    }
  });

  it('a FIFO at a session lock file name does not hang saves or locking: it is cleared like an abandoned lock', async () => {
    const dir = freshDir();
    const store = fileStore({ directory: dir });
    const key = generateSessionKey();
    await store.create(key, 'v1', future());
    const writeLock = join(dir, `sessionid${key}.lock`);
    const sessionLock = join(dir, `sessionid${key}.session.lock`);
    mkfifo(writeLock);
    mkfifo(sessionLock);
    try {
      expect(await settlesPromptly(store.update(key, 'v2', future()), 'update')).toBe('updated');
      const held = await settlesPromptly(store.lock(key, { waitMs: 1000, ttlMs: 10_000 }), 'lock');
      expect(lstatSync(sessionLock).isFile()).toBe(true);
      await held.release();
      expect(readdirSync(dir)).toEqual([`sessionid${key}`]);
      // clearExpired clears one left by someone else too.
      const other = join(dir, `sessionid${generateSessionKey()}.lock`);
      mkfifo(other);
      await settlesPromptly(store.clearExpired(), 'clearExpired');
      expect(existsSync(other)).toBe(false);
    } finally {
      [writeLock, sessionLock].filter(existsSync).forEach(unblockReaders);
    }
  });

  it('a symbolic link at a lock file name is removed as a broken lock, never followed: its target is untouched', async () => {
    const parent = freshDir();
    const dir = join(parent, 'sessions');
    mkdirSync(dir, { mode: 0o700 });
    const store = fileStore({ directory: dir });
    const key = generateSessionKey();
    await store.create(key, 'v1', future());
    const target = join(parent, 'precious');
    writeFileSync(target, 'keep me');
    symlinkSync(target, join(dir, `sessionid${key}.lock`));
    // Followed, the link would read as a lock taken just now and block the write for the lock's 5 s TTL.
    expect(await settlesPromptly(store.update(key, 'v2', future()), 'update', 2000)).toBe('updated');
    expect(readFileSync(target, 'utf8')).toBe('keep me');
    expect(readdirSync(dir)).toEqual([`sessionid${key}`]);
  });
});

describe('file store: atomic writes', () => {
  it('leaves no temporary file behind after many concurrent creates, updates and deletes', async () => {
    const dir = freshDir();
    const store = fileStore({ directory: dir });
    const keys = Array.from({ length: 20 }, () => generateSessionKey());
    await Promise.all(keys.map((key) => store.create(key, 'v0', future())));
    await Promise.all(keys.flatMap((key) => [1, 2, 3].map((n) => store.update(key, `v${n}`, future()))));
    await Promise.all(keys.slice(0, 5).map((key) => store.delete(key)));
    expect(leftovers(dir)).toEqual([]);
    expect(sessionFiles(dir)).toHaveLength(15);
  });

  it('keeps the old content and removes its temporary file when the rename fails', async () => {
    const dir = freshDir();
    const store = fileStore({ directory: dir });
    const key = generateSessionKey();
    await store.create(key, 'old content', future());
    const rename = vi.spyOn(fsp, 'rename').mockRejectedValueOnce(Object.assign(new Error('EIO: simulated'), { code: 'EIO' }));
    await expect(store.update(key, 'new content', future())).rejects.toThrow(/simulated/);
    expect(String(rename.mock.calls[0]![0])).toContain(`sessionid${key}_out_`);
    expect((await store.load(key))?.data).toBe('old content');
    expect(readdirSync(dir)).toEqual([`sessionid${key}`]);
  });

  it('a failed create leaves neither the placeholder nor a temporary file', async () => {
    const dir = freshDir();
    const store = fileStore({ directory: dir });
    const key = generateSessionKey();
    vi.spyOn(fsp, 'rename').mockRejectedValueOnce(Object.assign(new Error('ENOSPC: simulated'), { code: 'ENOSPC' }));
    await expect(store.create(key, 'data', future())).rejects.toThrow(/simulated/);
    expect(readdirSync(dir)).toEqual([]);
    expect(await store.create(key, 'data', future())).toBe(true);
  });

  it('after a crash between the temporary write and the rename, serves the old content and later sweeps the leftover', async () => {
    const dir = freshDir();
    const store = fileStore({ directory: dir });
    const key = generateSessionKey();
    await store.create(key, 'old content', future());
    // What a writer killed before its rename leaves: a complete temporary file next to the old one.
    const leftover = join(dir, `sessionid${key}_out_k1ll3d_x`);
    writeFileSync(leftover, 'new content', { mode: 0o600 });
    expect((await store.load(key))?.data).toBe('old content');
    expect(await store.update(key, 'newer', future(86400))).toBe('updated');
    expect(await store.clearExpired()).toBe(0);
    expect(existsSync(leftover)).toBe(true); // young: it could be a write in flight
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 2 * 3600 * 1000 });
    await store.clearExpired();
    vi.useRealTimers();
    expect(existsSync(leftover)).toBe(false);
    expect((await store.load(key))?.data).toBe('newer');
  });

  it('treats an empty placeholder (a crash before the first write) as no session, and sweeps it by its mtime', async () => {
    const dir = freshDir();
    const store = fileStore({ directory: dir, cookieAge: 60 });
    const key = generateSessionKey();
    const path = join(dir, `sessionid${key}`);
    writeFileSync(path, '');
    expect(await store.load(key)).toBeNull();
    expect(await store.exists(key)).toBe(true);
    expect(await store.create(key, 'x', future())).toBe(false);
    expect(await store.clearExpired()).toBe(0);
    const nowS = Date.now() / 1000;
    utimesSync(path, nowS, nowS - 61);
    expect(await store.clearExpired()).toBe(1);
    expect(existsSync(path)).toBe(false);
    // A load deletes an expired one too, as Django's does.
    writeFileSync(path, '');
    utimesSync(path, nowS, nowS - 61);
    expect(await store.load(key)).toBeNull();
    expect(existsSync(path)).toBe(false);
  });
});

describe('file store: concurrency across processes', () => {
  it('two stores on one directory (separate in-process locks) keep every change of 40 concurrent requests', async () => {
    const dir = freshDir();
    const a = createSessions({ secret: TEST_SECRET, store: fileStore({ directory: dir }) });
    const b = createSessions({ secret: TEST_SECRET, store: fileStore({ directory: dir }) });
    const first = a.load(undefined);
    await first.set('owner', 'me');
    const cookie = cookieOf((await a.commit(first)).setCookie);
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const manager = i % 2 === 0 ? a : b;
        const session = manager.load(cookie);
        await session.set(`k${i}`, i);
        await manager.commit(session);
      }),
    );
    const data = await a.load(cookie).load();
    expect(data['owner']).toBe('me');
    for (let i = 0; i < 40; i++) expect(data[`k${i}`]).toBe(i);
    expect(leftovers(dir)).toEqual([]);
  });

  it('serialises a session lock across stores', async () => {
    const dir = freshDir();
    const a = fileStore({ directory: dir });
    const b = fileStore({ directory: dir });
    const key = generateSessionKey();
    const held = await a.lock(key, { waitMs: 100, ttlMs: 10_000 });
    await expect(b.lock(key, { waitMs: 150, ttlMs: 10_000 })).rejects.toBeInstanceOf(SessionLockTimeout);
    await held.release();
    await held.release();
    const again = await b.lock(key, { waitMs: 100, ttlMs: 10_000 });
    await again.release();
    // A holder that never releases (its process died) is taken over after its ttl: test/real-time/lock-waits.test.ts.
    expect(leftovers(dir)).toEqual([]);
  });

  it('clearExpired removes abandoned lock files and keeps live ones and foreign files', async () => {
    const dir = freshDir();
    const store = fileStore({ directory: dir });
    const abandoned = join(dir, `sessionid${generateSessionKey()}.lock`);
    const live = join(dir, `sessionid${generateSessionKey()}.session.lock`);
    writeFileSync(abandoned, `deadbeef:${Date.now() - 5 * 60_000}`);
    writeFileSync(live, `cafebabe:${Date.now() + 60_000}`);
    for (const foreign of ['notes.txt', 'sessionid', 'sessionidSHOUTING1', 'sessionid123', 'sessionid_..x']) {
      writeFileSync(join(dir, foreign), 'foreign');
    }
    const before = readdirSync(dir).length;
    expect(await store.clearExpired()).toBe(0);
    expect(existsSync(abandoned)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(readdirSync(dir)).toHaveLength(before - 1);
  });
});

describeWithDjango('file store: interoperability with Django (SESSION_ENGINE file)', () => {
  let dir: string;
  let settings: Record<string, unknown>;
  beforeAll(() => {
    dir = freshDir();
    settings = { SECRET_KEY: TEST_SECRET, SESSION_FILE_PATH: dir };
  });

  it('Django writes → sessionkit reads and updates → Django reads the update', async () => {
    const [created] = (await django(settings, [{ op: 'session_create', engine: 'file', data: { from: 'django', n: 1 } }])) as [{ key: string }];
    const key = created.key;
    const path = join(dir, `sessionid${key}`);
    const written = readFileSync(path, 'latin1');
    expect(written).toMatch(/^[A-Za-z0-9_\-.]+:[A-Za-z0-9]+:[A-Za-z0-9_-]+$/);
    expect(loads(written, { key: TEST_SECRET, salt: DATA_SALT })).toEqual({ from: 'django', n: 1 });

    const sessions = createSessions({ secret: TEST_SECRET, store: fileStore({ directory: dir }) });
    const session = sessions.load(`sessionid=${key}`);
    expect(await session.get('from')).toBe('django');
    await session.set('n', 2);
    await session.set('by', 'sessionkit');
    await sessions.commit(session);
    expect(session.sessionKey).toBe(key);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(leftovers(dir)).toEqual([]);

    const [loaded] = (await django(settings, [{ op: 'session_load', engine: 'file', key }])) as [{ data: unknown; key_after: string }];
    expect(loaded).toEqual({ data: { from: 'django', n: 2, by: 'sessionkit' }, key_after: key });
  });

  it('sessionkit writes → Django reads and updates → sessionkit reads the update', async () => {
    const sessions = createSessions({ secret: TEST_SECRET, store: fileStore({ directory: dir }) });
    const session = sessions.load(undefined);
    await session.set('from', 'sessionkit');
    await session.set('text', 'héllo — 日本');
    const cookie = cookieOf((await sessions.commit(session)).setCookie);
    const key = session.sessionKey!;
    expect(cookie).toBe(`sessionid=${key}`);
    const content = readFileSync(join(dir, `sessionid${key}`), 'latin1');
    expect(content).toMatch(/^[\x21-\x7e]+$/); // ASCII, no newline

    const [loaded, updated, reloaded] = (await django(settings, [
      { op: 'session_load', engine: 'file', key },
      { op: 'session_update', engine: 'file', key, data: { by: 'django' } },
      { op: 'session_exists', engine: 'file', key },
    ])) as [{ data: unknown; key_after: string }, { key: string }, boolean];
    expect(loaded).toEqual({ data: { from: 'sessionkit', text: 'héllo — 日本' }, key_after: key });
    expect(updated.key).toBe(key);
    expect(reloaded).toBe(true);
    expect(await sessions.load(cookie).load()).toEqual({ from: 'sessionkit', text: 'héllo — 日本', by: 'django' });
  });

  it("expires sessions when the configuration's cookieAge says, and Django with that SESSION_COOKIE_AGE agrees", async () => {
    const local = freshDir();
    const store = fileStore({ directory: local });
    let clock = Date.now() - 120_000;
    const sessions = createSessions({ secret: TEST_SECRET, store, cookieAge: 60, now: () => clock });
    const keys: string[] = [];
    for (const writtenAt of [clock, clock + 110_000]) {
      clock = writtenAt;
      const session = sessions.load(undefined);
      await session.set('x', 1);
      await sessions.commit(session);
      keys.push(session.sessionKey!);
    }
    const [expired, live] = keys as [string, string];
    clock = Date.now();
    // sessionkit's judgement, without the deletion a load would make.
    expect((await collect(store.list())).map(({ key }) => key)).toEqual([live]);
    const results = (await django({ SECRET_KEY: TEST_SECRET, SESSION_FILE_PATH: local, SESSION_COOKIE_AGE: 60 }, [
      { op: 'session_load', engine: 'file', key: expired },
      { op: 'session_load', engine: 'file', key: live },
    ])) as Array<{ data: unknown; key_after: string }>;
    expect(results[0]!.data).toEqual({});
    expect(results[0]!.key_after).not.toBe(expired); // Django deleted it and made a new one
    expect(existsSync(join(local, `sessionid${expired}`))).toBe(false);
    expect(results[1]).toEqual({ data: { x: 1 }, key_after: live });
  });

  it("Django's clear_expired and sessionkit's clearExpired remove exactly the same files", async () => {
    const a = freshDir();
    const store = fileStore({ directory: a });
    const expected: string[] = [];
    for (const [when, live] of [
      [past(10), false],
      [past(7200), false],
      [future(30), true],
      [future(86400), true],
    ] as const) {
      const key = generateSessionKey();
      await store.create(key, encode({ when: when.toISOString() }), when);
      if (live) expected.push(`sessionid${key}`);
    }
    const [d1, d2] = (await django({ SECRET_KEY: TEST_SECRET, SESSION_FILE_PATH: a }, [
      { op: 'session_create', engine: 'file', data: { d: 1 } },
      { op: 'session_create', engine: 'file', data: { d: 2 } },
    ])) as Array<{ key: string }>;
    const nowS = Date.now() / 1000;
    utimesSync(join(a, `sessionid${d1!.key}`), nowS, nowS - COOKIE_AGE - 5); // expired a few seconds ago
    utimesSync(join(a, `sessionid${d2!.key}`), nowS, nowS - COOKIE_AGE + 600); // ten minutes left
    expected.push(`sessionid${d2!.key}`);
    const someKey = generateSessionKey();
    const bystanders = ['README', 'sessionidUPPERCASE1', `sessionid${someKey}_out_abc12345`, `sessionid${someKey}.lock`];
    for (const name of bystanders) writeFileSync(join(a, name), name.endsWith('.lock') ? `tok:${Date.now() + 60_000}` : 'x');
    const b = freshDir();
    cpSync(a, b, { recursive: true, preserveTimestamps: true });

    await django({ SECRET_KEY: TEST_SECRET, SESSION_FILE_PATH: a }, [{ op: 'clear_expired', engine: 'file' }]);
    const removed = await fileStore({ directory: b }).clearExpired();

    expect(removed).toBe(3);
    expect(sessionFiles(a)).toEqual(expected.sort());
    expect(readdirSync(b).sort()).toEqual(readdirSync(a).sort());
    for (const name of bystanders) expect(existsSync(join(b, name))).toBe(true);
  });

  it('known difference: an integer set_expiry — Django never expires the file (its quirk), sessionkit does after N idle seconds', async () => {
    const local = freshDir();
    const store = fileStore({ directory: local });
    let clock = Date.now() - 120_000;
    const sessions = createSessions({ secret: TEST_SECRET, store, now: () => clock });
    const session = sessions.load(undefined);
    await session.setExpiry(60);
    await session.set('x', 1);
    await sessions.commit(session);
    const key = session.sessionKey!;
    clock = Date.now();
    expect(await store.countExpired()).toBe(1); // a load would delete it
    const [loaded] = (await django({ SECRET_KEY: TEST_SECRET, SESSION_FILE_PATH: local }, [{ op: 'session_load', engine: 'file', key }])) as Array<{
      data: Record<string, unknown>;
      key_after: string;
    }>;
    expect(loaded).toEqual({ data: { x: 1, _session_expiry: 60 }, key_after: key });
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
