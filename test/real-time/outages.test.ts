/**
 * Outages of the cache servers under a bounded concurrent load, in real time. A fixed number of clients
 * each send one request after another, as the demo's `GET /visit` handles them (load the session, count
 * the visit, commit), while the server this file started is frozen with SIGSTOP for longer than the
 * command timeout and thawed with SIGCONT, or killed and started again on the same port. While the server
 * is gone, requests fail fast and their errors say why (a timeout while it hangs, a refused connection
 * while it is dead); once it answers again, every client's requests succeed again by themselves.
 */
import { expect, it } from 'vitest';
import { createSessions, type SessionManager, type SessionStore, SessionStoreUnavailable } from '../../src/index.js';
import { memcachedStore } from '../../src/stores/memcached.js';
import { redisStore } from '../../src/stores/redis.js';
import { cookieOf } from '../helpers/cookies.js';
import { describeIfAvailable } from '../helpers/gate.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import {
  type ManagedServer,
  MEMCACHED_BIN,
  missingExecutables,
  REDIS_SERVER_BIN,
  startMemcached,
  startRedisServer,
  useServer,
  waitUntil,
} from '../helpers/servers.js';

const TIMEOUT_MS = 300;
// How long the memcached store skips a server after a failed connection.
const RETRY_MS = 200;
// How long memcached stays frozen: past its client's 5 s idle timeout. While the server is frozen, the
// client closes the connections that carry unanswered commands and never calls those commands back. That
// is what used to keep the store's connection slots taken for good.
const MEMCACHED_PAUSE_MS = 5500;
// How long Redis stays frozen: several command timeouts, so that many requests fail meanwhile.
const REDIS_PAUSE_MS = 5 * TIMEOUT_MS;
// From SIGCONT or the restart until every client has had a request succeed.
const RECOVERY_MS = 3000;
// After recovery, every request in this window must succeed.
const STEADY_MS = 500;
// A request that fails while the server hangs fails after about one command timeout, never later.
const FAILS_WITHIN_MS = TIMEOUT_MS + 500;
// After a kill: the in-flight commands fail with the closed connection, then the server is skipped for
// RETRY_MS with that cause; from then on every attempt meets the refused connection.
const AFTER_KILL_MS = RETRY_MS + TIMEOUT_MS + 200;
// A client that got a 503 waits this long before its next request, as a retrying client would.
const BACKOFF_MS = 20;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One request of one client: when it started, how long it took, and the error it failed with, if any. */
interface Visit {
  readonly client: number;
  readonly startedAt: number;
  readonly tookMs: number;
  readonly error?: string;
  /** Set when it failed with something other than `SessionStoreUnavailable` (a 503). */
  readonly unexpected?: boolean;
}

/** Why a request failed: the store's own error behind a `SessionStoreUnavailable`. */
function reasonOf(error: unknown): string {
  const cause = error instanceof SessionStoreUnavailable ? error.cause : error;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}

/** A running load of `clients` concurrent clients. */
interface Load {
  readonly clients: number;
  /** The requests that started at or after `time` and have finished. */
  since(time: number): Visit[];
  /** Stops the clients after their current request. */
  stop(): Promise<void>;
}

type VisitData = { visit: number };

function startLoad(sessions: SessionManager<VisitData>, clients: number): Load {
  const visits: Visit[] = [];
  let running = true;
  const client = async (id: number): Promise<void> => {
    let cookie: string | undefined;
    while (running) {
      const startedAt = Date.now();
      try {
        const session = sessions.load(cookie);
        await session.set('visit', ((await session.get('visit')) ?? 0) + 1);
        const { setCookie } = await sessions.commit(session);
        if (setCookie.length > 0) cookie = cookieOf(setCookie);
        visits.push({ client: id, startedAt, tookMs: Date.now() - startedAt });
      } catch (error) {
        const unexpected = !(error instanceof SessionStoreUnavailable);
        visits.push({ client: id, startedAt, tookMs: Date.now() - startedAt, error: reasonOf(error), unexpected });
        await sleep(BACKOFF_MS);
      }
    }
  };
  const all = Promise.all(Array.from({ length: clients }, (_, id) => client(id)));
  return {
    clients,
    since: (time) => visits.filter((visit) => visit.startedAt >= time),
    stop: async () => {
      running = false;
      await all;
    },
  };
}

/** Waits until every client has had a request that started at or after `from` succeed; returns how long that took. */
async function timeToRecover(load: Load, from: number, what: string): Promise<number> {
  await waitUntil(
    `every one of ${load.clients} clients to succeed again after ${what}`,
    async () =>
      new Set(
        load
          .since(from)
          .filter((visit) => visit.error === undefined)
          .map((visit) => visit.client),
      ).size === load.clients,
    RECOVERY_MS,
  );
  return Date.now() - from;
}

/** Every request of the next {@link STEADY_MS} succeeds, and every client sends some. */
async function expectSteady(load: Load): Promise<void> {
  const from = Date.now();
  await sleep(STEADY_MS);
  const visits = load.since(from);
  expect(visits.filter((visit) => visit.error !== undefined).map((visit) => visit.error)).toEqual([]);
  expect(new Set(visits.map((visit) => visit.client)).size).toBe(load.clients);
}

/** What every failed request of `visits` said, once each. */
function messages(visits: readonly Visit[]): string[] {
  return [...new Set(visits.flatMap((visit) => (visit.error === undefined ? [] : [visit.error])))];
}

interface Outage {
  readonly server: () => ManagedServer;
  readonly makeStore: () => SessionStore;
  /** What the store's errors say while the server hangs. */
  readonly hangs: RegExp;
  /** How long the pause tests keep the server frozen. */
  readonly pauseMs: number;
}

/**
 * Starts `clients` concurrent clients on a new store and, once each has had a request succeed, runs
 * `outage` on the server. `outage` resolves how many requests failed once it is over; then every request
 * must succeed for {@link STEADY_MS}, and the log must tell of one outage.
 */
async function underLoad(target: Outage, clients: number, outage: (server: ManagedServer, load: Load) => Promise<number>): Promise<void> {
  const store = target.makeStore();
  const logger = countingLogger();
  const load = startLoad(createSessions<VisitData>({ secret: TEST_SECRET, store, logger }), clients);
  try {
    await timeToRecover(load, Date.now(), 'the start');
    const failedRequests = await outage(target.server(), load);
    await expectSteady(load);
    logger.expectOneOutage(failedRequests);
  } finally {
    await load.stop();
    await store.close?.();
  }
}

/**
 * Freezes the server for `target.pauseMs` under `clients` concurrent clients: every request meanwhile
 * fails within about one command timeout, saying it timed out; after SIGCONT every client's requests
 * succeed again within {@link RECOVERY_MS}.
 */
function pauseUnderLoad(target: Outage, clients: number): Promise<void> {
  return underLoad(target, clients, async (server, load) => {
    await server.pause();
    const pausedAt = Date.now();
    let resumedAt: number;
    try {
      await sleep(target.pauseMs);
    } finally {
      server.resume();
      resumedAt = Date.now();
    }
    // Requests that started once the server was frozen and ended before it thawed.
    const duringPause = load.since(pausedAt).filter((visit) => visit.startedAt + visit.tookMs < resumedAt);
    expect(duringPause.length).toBeGreaterThan(clients);
    expect(duringPause.filter((visit) => visit.error === undefined)).toEqual([]);
    expect(duringPause.filter((visit) => visit.unexpected)).toEqual([]);
    expect(Math.max(...duringPause.map((visit) => visit.tookMs))).toBeLessThan(FAILS_WITHIN_MS);
    for (const message of messages(duringPause)) expect(message).toMatch(target.hangs);

    expect(await timeToRecover(load, resumedAt, 'SIGCONT')).toBeLessThan(RECOVERY_MS);
    return duringPause.length;
  });
}

/**
 * Kills the server under `clients` concurrent clients (frozen first, for `frozenMs`, when given): once
 * the commands in flight have failed, every request fails fast saying the connection was refused; after
 * a restart on the same port every client's requests succeed again within {@link RECOVERY_MS}.
 */
function killUnderLoad(target: Outage, clients: number, frozenMs?: number): Promise<void> {
  return underLoad(target, clients, async (server, load) => {
    if (frozenMs !== undefined) {
      await server.pause();
      await sleep(frozenMs);
    }
    await server.kill();
    await sleep(AFTER_KILL_MS);
    const deadFrom = Date.now();
    await sleep(STEADY_MS);
    const whileDead = load.since(deadFrom);
    expect(whileDead.length).toBeGreaterThan(clients);
    expect(whileDead.filter((visit) => visit.error === undefined || visit.unexpected)).toEqual([]);
    for (const message of messages(whileDead)) {
      expect(message).toMatch(/ECONNREFUSED/);
      expect(message).not.toMatch(/timed out/i);
    }
    expect(Math.max(...whileDead.map((visit) => visit.tookMs))).toBeLessThan(TIMEOUT_MS);

    await server.start();
    expect(await timeToRecover(load, Date.now(), 'the restart')).toBeLessThan(RECOVERY_MS);
    return whileDead.length;
  });
}

/**
 * A logger that keeps the core's outage lines out of the test output and counts them: an outage is one
 * line when the store goes down and one when it is back, however many requests failed (issue 7, defect 8:
 * a 23-line stack per failed request flooded the log).
 */
function countingLogger() {
  const errors: string[] = [];
  const warnings: string[] = [];
  return {
    warn: (message: string) => void warnings.push(message),
    error: (message: string) => void errors.push(message),
    expectOneOutage(failedRequests: number): void {
      // One line down and one back; a connection that dies just after the restart may make it flap once.
      expect(failedRequests).toBeGreaterThan(2 * errors.length);
      expect(errors.length).toBeGreaterThanOrEqual(1);
      expect(errors.length).toBeLessThanOrEqual(2);
      for (const line of errors) expect(line).toMatch(/^sessionkit: session store "\w+" is unavailable: /);
      const back = warnings.filter((line) => / is back after \d+ s; \d+ requests? failed on it meanwhile\.$/.test(line));
      expect(back).toHaveLength(errors.length);
    },
  };
}

/** One outage test: its title after the server's kind, and what it does to the server under load. */
interface OutageTest {
  readonly title: string;
  readonly run: (outage: Outage) => Promise<void>;
}

const pausedUnder = (clients: number): OutageTest => ({
  title: `paused with SIGSTOP under ${clients} concurrent clients: recovers after SIGCONT`,
  run: (outage) => pauseUnderLoad(outage, clients),
});

const killedUnder = (clients: number): OutageTest => ({
  title: `killed under ${clients} concurrent clients: errors say refused, and it recovers after a restart on the same port`,
  run: (outage) => killUnderLoad(outage, clients),
});

const frozenThenKilledUnder = (clients: number): OutageTest => ({
  title: `paused with SIGSTOP, then killed, under ${clients} concurrent clients: errors say refused, and it recovers after a restart`,
  run: (outage) => killUnderLoad(outage, clients, 2 * TIMEOUT_MS),
});

/**
 * The outage `tests` of one kind of server, against one server process started for them (and restarted
 * by the kill tests on the same port).
 */
function describeOutages(
  kind: string,
  binary: string,
  start: () => Promise<ManagedServer>,
  makeStore: (port: number) => SessionStore,
  hangs: RegExp,
  pauseMs: number,
  tests: readonly OutageTest[],
): void {
  describeIfAvailable(kind, missingExecutables(binary), `${kind} store outages under load`, () => {
    const server = useServer(start);
    const outage: Outage = { server, makeStore: () => makeStore(server().port), hangs, pauseMs };
    for (const test of tests) it(`${kind} ${test.title}`, () => test.run(outage));
  });
}

describeOutages(
  'memcached',
  MEMCACHED_BIN,
  () => startMemcached(),
  (port) => memcachedStore({ url: `memcached://127.0.0.1:${port}`, commandTimeoutMs: TIMEOUT_MS, connectTimeoutMs: TIMEOUT_MS, retryMs: RETRY_MS }),
  // A command past its time, or one that shared a connection with it (closed for that reason).
  new RegExp(`timed out after ${TIMEOUT_MS} ms|no reply within ${TIMEOUT_MS} ms`),
  MEMCACHED_PAUSE_MS,
  [pausedUnder(16), pausedUnder(32), killedUnder(16), frozenThenKilledUnder(32)],
);

describeOutages(
  'redis',
  REDIS_SERVER_BIN,
  () => startRedisServer(),
  (port) => redisStore({ url: `redis://127.0.0.1:${port}`, commandTimeoutMs: TIMEOUT_MS, connectTimeoutMs: TIMEOUT_MS }),
  new RegExp(`timed out after ${TIMEOUT_MS} ms`),
  REDIS_PAUSE_MS,
  [pausedUnder(16), pausedUnder(32), killedUnder(16)],
);
