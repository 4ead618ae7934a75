/**
 * Django 3.2's `db` engine and a sessionkit SQL store on the same database, in both directions: the table
 * each side creates, sessions each side writes, per-session expiry, clearing expired rows, secret
 * rotation and a flush. Written once and run by `interop-db.test.ts` (SQLite), `interop-postgres.test.ts`
 * and `interop-mysql.test.ts`, each giving a {@link SqlInteropBackend}. Every scenario gets fresh
 * databases (SQLite files, PostgreSQL schemas, MySQL databases) of its own, so files and scenarios never
 * share a `django_session` table.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import type { SessionStore } from '../../src/core/store-contract.js';
import { createSessions, SessionInterrupted, type SessionLogger, type SessionManager } from '../../src/index.js';
import { cookieValue } from '../helpers/cookies.js';
import { describeIfAvailable, unavailableBecause } from '../helpers/gate.js';
import { OLD_SECRET, recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import { describeWithInstall, djangoInstalls } from './django-installs.js';
import { type DjangoProcess, startDjango } from './django-process.js';
import { COOKIE_AGE, type Expiry, type Loaded, renewDjangoExpiries, sessionWithExpiry } from './session-interop.js';

/** A `django_session` row as the server holds it; `expireDate` is UTC text with microseconds. */
export interface SessionRow {
  readonly data: string;
  /** `YYYY-MM-DD HH:MM:SS.ffffff` in UTC. */
  readonly expireDate: string;
}

/** One fresh database (a PostgreSQL schema or a MySQL database), dropped at the end of the file. */
export interface InteropDatabase {
  /** The bridge's `DATABASE_*` settings that make Django use this database. */
  readonly djangoSettings: Record<string, unknown>;
  /** A new sessionkit store on this database's `django_session` table (closed by the caller). */
  store(): SessionStore;
  /** Every row of `django_session`, by session key. */
  rows(): Promise<Map<string, SessionRow>>;
  /** `django_session`'s definition as the server's catalog describes it (names of the database left out). */
  catalog(): Promise<unknown>;
  /** Runs SQL text of several `;`-terminated statements and `--` comments, as `sqlmigrate` prints it. */
  execute(sql: string): Promise<void>;
  /** A new database holding a copy of this one's `django_session` table, rows included. */
  copy(): Promise<InteropDatabase>;
}

/** What the scenarios need from one server. */
export interface SqlInteropBackend {
  /** The server, for test names and messages (e.g. `PostgreSQL at postgres://...`). */
  readonly label: string;
  /** Why the server cannot be used, or `undefined` when it answered (or there is no server). */
  readonly unreachable: Error | undefined;
  /** The Python module Django's backend needs (`psycopg2`, `MySQLdb`; none for SQLite). */
  readonly driver?: string;
  /** Creates a fresh, empty database. */
  newDatabase(): Promise<InteropDatabase>;
  /** Drops every database created, and ends the backend's own connections. */
  cleanup(): Promise<void>;
  /** Assertions of the spec's DDL facts for this server on the table Django migrated (§4.1). */
  checkDjangoTable(catalog: unknown, sqlmigrate: string): void;
}

/** An instant as the `expire_date` text {@link InteropDatabase.rows} gives (UTC, microseconds). */
export function utcText(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23).replace('T', ' ')}000`;
}

/** `url` for messages and test names, its password replaced by `***`. */
export function withoutPassword(url: string): string {
  const shown = new URL(url);
  if (shown.password !== '') shown.password = '***';
  return shown.toString();
}

const RUN_ID = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`;

/**
 * Scratch databases (or schemas) of this test run, named `sk_interop_<run>_<n>`: {@link ScratchNames.create}
 * makes the next one and remembers its name for the clean-up.
 */
export interface ScratchNames {
  readonly names: readonly string[];
  create(): Promise<string>;
}

/** @param create - Makes the database (or schema) of that name on the server. */
export function scratchNames(create: (name: string) => Promise<unknown>): ScratchNames {
  const names: string[] = [];
  return {
    names,
    async create() {
      const name = `sk_interop_${RUN_ID}_${names.length + 1}`;
      names.push(name);
      await create(name);
      return name;
    },
  };
}

/** Why a server cannot be used, from its answer to a first query: `undefined` when it answered. */
export function reachability(query: Promise<unknown>): Promise<Error | undefined> {
  return query.then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
}

/**
 * The scenarios for `backend`, as one `describe` for every Django version (`djangoInstalls`). Without the
 * server the suite fails when CI is set and is skipped loudly otherwise; without a Django version or its
 * driver, likewise (see `describeWithInstall`).
 */
export function describeSqlInterop(backend: SqlInteropBackend): void {
  const name = `Django db engine ⇄ sessionkit store on ${backend.label}`;
  if (backend.unreachable !== undefined) {
    describeIfAvailable(backend.label, unavailableBecause(backend.label, backend.unreachable), name, () => {});
    return;
  }

  const managers: SessionManager[] = [];
  afterAll(async () => {
    for (const manager of managers) await manager.close();
    await backend.cleanup();
  });

  /**
   * Django's settings for `db`, signing with `secret`. Django's TIME_ZONE is not UTC, to show that
   * with USE_TZ the stored values do not depend on it.
   */
  const settings = (db: InteropDatabase, secret = TEST_SECRET): Record<string, unknown> => ({
    SECRET_KEY: secret,
    TIME_ZONE: 'Asia/Kolkata',
    ...db.djangoSettings,
  });

  /** A sessionkit manager on `db`'s table, closed at the end of the file. */
  const sessionsOn = (db: InteropDatabase, options: { secretFallbacks?: string[]; now?: () => number; logger?: SessionLogger } = {}): SessionManager => {
    const manager = createSessions({
      secret: TEST_SECRET,
      secretFallbacks: options.secretFallbacks ?? [],
      store: db.store(),
      logger: options.logger ?? recordingLogger(),
      ...(options.now ? { now: options.now } : {}),
    });
    managers.push(manager);
    return manager;
  };

  /** Runs `ops` in Django under `batchSettings`. */
  type RunOps = (batchSettings: Record<string, unknown>, ops: Array<Record<string, unknown>>) => Promise<unknown[]>;
  const requires = backend.driver ? [backend.driver] : [];
  // One Django process per version answers every scenario, each batch naming the database it works on.
  for (const install of djangoInstalls) {
    describeWithInstall(
      install,
      `${name} (${install.label})`,
      () => {
        let bridge: DjangoProcess;
        beforeAll(async () => {
          bridge = startDjango(settings(await backend.newDatabase()), install.python);
        });
        afterAll(() => bridge.close());
        scenarios((batchSettings, ops) => bridge.run(ops, batchSettings));
      },
      requires,
    );
  }

  function scenarios(django: RunOps): void {
    it("(a) creates the table of Django's sqlmigrate sessions 0001: same columns, primary key and indexes as Django's migrate makes", async () => {
      const [migrated, fromSqlmigrate, byStore] = await Promise.all([backend.newDatabase(), backend.newDatabase(), backend.newDatabase()]);
      const [sql, migrateResult] = (await django(settings(migrated), [{ op: 'sqlmigrate', app: 'sessions', migration: '0001' }, { op: 'migrate' }])) as [
        string,
        unknown,
      ];
      expect(migrateResult).toBeNull();
      expect(sql).toContain('CREATE TABLE');
      await fromSqlmigrate.execute(sql);

      const store = byStore.store();
      try {
        expect(await store.exists(generateSessionKey())).toBe(false);
      } finally {
        await store.close?.();
      }

      const djangoTable = await migrated.catalog();
      backend.checkDjangoTable(djangoTable, sql);
      expect(await fromSqlmigrate.catalog()).toEqual(djangoTable);
      expect(await byStore.catalog()).toEqual(djangoTable);
    });

    it('(b) reads and updates a session Django wrote in the table Django migrated, and Django reads the update', async () => {
      const db = await backend.newDatabase();
      const original = { user: 'alice', n: 1, nested: { list: [1, 2, 'é'], flag: true }, text: 'naïve — 日本 😀' };
      const [migrated, created] = (await django(settings(db), [{ op: 'migrate' }, { op: 'session_create', engine: 'db', data: original }])) as [
        null,
        { key: string },
      ];
      expect(migrated).toBeNull();
      expect(created.key).toMatch(/^[a-z0-9]{32}$/);

      const sessions = sessionsOn(db);
      const session = sessions.load(`csrftoken=x; sessionid=${created.key}`);
      expect(await session.load()).toEqual(original);
      await session.set('n', 2);
      await session.set('added', 'ünï');
      await session.delete('text');
      const { setCookie, vary } = await sessions.commit(session);
      expect(vary).toBe(true);
      expect(cookieValue(setCookie[0]!)).toBe(created.key);

      const [loaded, , reloaded] = (await django(settings(db), [
        { op: 'session_load', engine: 'db', key: created.key },
        { op: 'session_update', engine: 'db', key: created.key, data: { by: 'django' } },
        { op: 'session_load', engine: 'db', key: created.key },
      ])) as [Loaded, unknown, Loaded];
      const { text: _text, ...kept } = original;
      expect(loaded).toEqual({ data: { ...kept, n: 2, added: 'ünï' }, key_after: created.key });
      expect(reloaded.data).toEqual({ ...kept, n: 2, added: 'ünï', by: 'django' });
      expect(await sessions.load(`sessionid=${created.key}`).get('by')).toBe('django');
      expect([...(await db.rows()).keys()]).toEqual([created.key]);
    });

    it('(c) Django reads a session sessionkit created, in a table sessionkit created, and writes to it', async () => {
      const db = await backend.newDatabase();
      const sessions = sessionsOn(db);
      const session = sessions.load(undefined);
      await session.set('cart', ['book', 'pen']);
      await session.set('visits', 3);
      const key = cookieValue((await sessions.commit(session)).setCookie[0]!);
      expect(key).toMatch(/^[a-z0-9]{32}$/);

      const unknown = generateSessionKey();
      const [exists, existsUnknown, loaded, missing, , created] = (await django(settings(db), [
        { op: 'session_exists', engine: 'db', key },
        { op: 'session_exists', engine: 'db', key: unknown },
        { op: 'session_load', engine: 'db', key },
        { op: 'session_load', engine: 'db', key: unknown },
        { op: 'session_update', engine: 'db', key, data: { visits: 4 } },
        { op: 'session_create', engine: 'db', data: { from: 'django' } },
      ])) as [boolean, boolean, Loaded, Loaded, unknown, { key: string }];
      expect(exists).toBe(true);
      expect(existsUnknown).toBe(false);
      expect(loaded).toEqual({ data: { cart: ['book', 'pen'], visits: 3 }, key_after: key });
      expect(missing).toEqual({ data: {}, key_after: null });
      expect(await sessions.load(`sessionid=${key}`).load()).toEqual({ cart: ['book', 'pen'], visits: 4 });
      expect(await sessions.load(`sessionid=${created.key}`).load()).toEqual({ from: 'django' });
    });

    it('(d) an integer expiry set by either side gives the same age and date on the other, and the same expire_date to the microsecond', async () => {
      const db = await backend.newDatabase();
      const t = Math.floor(Date.now() / 1000);
      const [, byDjango, browserClose] = (await django(settings(db), [
        { op: 'migrate' },
        { op: 'session_create', engine: 'db', data: { a: 1 }, expiry: 300, time: t },
        { op: 'session_create', engine: 'db', data: { b: 1 }, expiry: 0, time: t },
      ])) as [null, { key: string }, { key: string }];

      // The same expiry set by sessionkit at the same instant stores the same value.
      const atT = sessionsOn(db, { now: () => t * 1000 });
      const twin = atT.load(undefined);
      await twin.set('a', 1);
      await twin.setExpiry(300);
      const twinKey = cookieValue((await atT.commit(twin)).setCookie[0]!);
      let rows = await db.rows();
      expect(rows.get(byDjango.key)!.expireDate).toBe(utcText((t + 300) * 1000));
      expect(rows.get(twinKey)!.expireDate).toBe(rows.get(byDjango.key)!.expireDate);
      expect(rows.get(browserClose.key)!.expireDate).toBe(utcText((t + COOKIE_AGE) * 1000));

      // sessionkit, ten seconds later: 300 s of inactivity again, in the age, the cookie and the row;
      // expiry 0 (browser close) set by Django: a cookie without Max-Age, a row that lives cookieAge.
      const later = t + 10;
      const sessions = sessionsOn(db, { now: () => later * 1000 });
      await renewDjangoExpiries(sessions, byDjango.key, browserClose.key, later);
      // An integer set by sessionkit.
      const { key: mineKey, date: myDate } = await sessionWithExpiry(sessions);

      rows = await db.rows();
      expect(rows.get(byDjango.key)!.expireDate).toBe(utcText((later + 300) * 1000));
      expect(rows.get(browserClose.key)!.expireDate).toBe(utcText((later + COOKIE_AGE) * 1000));
      expect(rows.get(mineKey)!.expireDate).toBe(utcText((later + 600) * 1000));

      // Django reads the ages and dates at the same instant, and takes the rows sessionkit wrote as
      // live until their expire_date and expired from it (strictly greater, to the second).
      const [onMine, onTheirs, onClosing, mineBefore, mineAt, theirsBefore, theirsAt] = (await django(settings(db), [
        { op: 'session_expiry', engine: 'db', key: mineKey, time: later },
        { op: 'session_expiry', engine: 'db', key: byDjango.key, time: later },
        { op: 'session_expiry', engine: 'db', key: browserClose.key, time: later },
        { op: 'session_load', engine: 'db', key: mineKey, time: later + 599 },
        { op: 'session_load', engine: 'db', key: mineKey, time: later + 600 },
        { op: 'session_load', engine: 'db', key: byDjango.key, time: later + 299 },
        { op: 'session_load', engine: 'db', key: byDjango.key, time: later + 300 },
      ])) as [Expiry, Expiry, Expiry, Loaded, Loaded, Loaded, Loaded];
      expect(onMine).toEqual({ age: 600, date: onMine.date, browser_close: false });
      expect(Date.parse(onMine.date)).toBe(myDate.getTime());
      expect(Date.parse(onMine.date)).toBe((later + 600) * 1000);
      expect(onTheirs).toEqual({ age: 300, date: onTheirs.date, browser_close: false });
      expect(Date.parse(onTheirs.date)).toBe((await sessions.load(`sessionid=${byDjango.key}`).getExpiryDate()).getTime());
      expect(onClosing.browser_close).toBe(true);
      expect(onClosing.age).toBe(await sessions.load(`sessionid=${browserClose.key}`).getExpiryAge());
      expect(mineBefore).toEqual({ data: { c: 1, _session_expiry: 600 }, key_after: mineKey });
      expect(mineAt).toEqual({ data: {}, key_after: null });
      expect(theirsBefore).toEqual({ data: { a: 2, _session_expiry: 300 }, key_after: byDjango.key });
      expect(theirsAt).toEqual({ data: {}, key_after: null });
    });

    it("(e) Django's clear_expired and sessionkit's clearExpired remove the same rows, whichever side wrote them", async () => {
      const db = await backend.newDatabase();
      const t = Math.floor(Date.now() / 1000);
      // Each side creates a session with a 1000 s expiry at (t + offset - 1000), so it expires at
      // t + offset. Neither store takes a clock, so the live ones expire well after the test.
      const offsets = [-86400, -30.25, 30.25, 86400];
      const results = (await django(settings(db), [
        { op: 'migrate' },
        ...offsets.map((offset) => ({ op: 'session_create', engine: 'db', data: { from: 'django' }, expiry: 1000, time: t + offset - 1000 })),
      ])) as Array<{ key: string } | null>;
      const djangoKeys = results.slice(1).map((result) => result!.key);

      const sessionkitKeys: string[] = [];
      for (const offset of offsets) {
        const sessions = sessionsOn(db, { now: () => (t + offset - 1000) * 1000 });
        const session = sessions.load(undefined);
        await session.set('from', 'sessionkit');
        await session.setExpiry(1000);
        sessionkitKeys.push(cookieValue((await sessions.commit(session)).setCookie[0]!));
      }
      const rows = await db.rows();
      expect(rows.size).toBe(8);
      offsets.forEach((offset, i) => {
        expect(rows.get(djangoKeys[i]!)!.expireDate).toBe(utcText((t + offset) * 1000));
        expect(rows.get(sessionkitKeys[i]!)!.expireDate).toBe(utcText((t + offset) * 1000));
      });
      const live = new Set(offsets.flatMap((offset, i) => (offset > 0 ? [djangoKeys[i]!, sessionkitKeys[i]!] : [])));

      const forDjango = await db.copy();
      const [cleared] = await django(settings(forDjango), [{ op: 'clear_expired', engine: 'db' }]);
      expect(cleared).toBeNull();
      const store = db.store();
      try {
        expect(await store.clearExpired()).toBe(4);
      } finally {
        await store.close?.();
      }
      const leftByDjango = new Set((await forDjango.rows()).keys());
      const leftBySessionkit = new Set((await db.rows()).keys());
      expect(leftBySessionkit).toEqual(leftByDjango);
      expect(leftBySessionkit).toEqual(live);
    });

    it('(f) verifies with a fallback secret what Django signed with the old key and re-signs it with the new one, which Django then reads', async () => {
      const db = await backend.newDatabase();
      // Django 3.2 has no SECRET_KEY_FALLBACKS: the old deployment signs with SECRET_KEY = old.
      const [, created] = (await django(settings(db, OLD_SECRET), [{ op: 'migrate' }, { op: 'session_create', engine: 'db', data: { user: 'bob' } }])) as [
        null,
        { key: string },
      ];
      const key = created.key;

      // Without the fallback the old signature does not verify: an empty session, and Django's warning.
      const logger = recordingLogger();
      const strict = sessionsOn(db, { logger });
      expect(await strict.load(`sessionid=${key}`).load()).toEqual({});
      expect(logger.warnings).toEqual(['Session data corrupted']);

      const sessions = sessionsOn(db, { secretFallbacks: [OLD_SECRET] });
      const session = sessions.load(`sessionid=${key}`);
      expect(await session.get('user')).toBe('bob');
      await session.set('rotated', true);
      const before = (await db.rows()).get(key)!.data;
      await sessions.commit(session);
      expect((await db.rows()).get(key)!.data).not.toBe(before);

      // Django with SECRET_KEY = new reads it, and could not read what the old key signed.
      const [afterRotation, oldOnly] = (await django(settings(db, TEST_SECRET), [
        { op: 'session_load', engine: 'db', key },
        { op: 'session_decode', engine: 'db', data: before },
      ])) as [Loaded, unknown];
      expect(afterRotation).toEqual({ data: { user: 'bob', rotated: true }, key_after: key });
      expect(oldOnly).toEqual({});
    });

    it('(g) a session flushed by Django is gone for sessionkit: the cookie is deleted, nothing is resurrected', async () => {
      const db = await backend.newDatabase();
      const sessions = sessionsOn(db);
      const first = sessions.load(undefined);
      await first.set('user', 'carol');
      const key = cookieValue((await sessions.commit(first)).setCookie[0]!);

      // A request that loaded the session before Django's logout and saves after it.
      const inFlight = sessions.load(`sessionid=${key}`);
      expect(await inFlight.get('user')).toBe('carol');

      const [flushed] = (await django(settings(db), [{ op: 'session_flush', engine: 'db', key }])) as [{ key_after: null; empty: boolean }];
      expect(flushed).toEqual({ key_after: null, empty: true });

      const next = sessions.load(`sessionid=${key}`);
      expect(await next.get('user')).toBeUndefined();
      expect(next.sessionKey).toBeNull();
      const { setCookie, vary } = await sessions.commit(next);
      expect(vary).toBe(true);
      expect(setCookie).toHaveLength(1);
      expect(setCookie[0]).toMatch(/^sessionid=(""|);.*Max-Age=0/);

      await inFlight.set('cart', ['late']);
      await expect(sessions.commit(inFlight)).rejects.toBeInstanceOf(SessionInterrupted);
      expect((await db.rows()).has(key)).toBe(false);
    });
  }
}
