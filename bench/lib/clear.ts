import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { config } from './config.js';

/** Latencies of the logins made in one phase, in milliseconds. */
export interface LoginLatencies {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** What the clearsessions step measured. */
export interface ClearResult {
  /** expired rows put in the table before the clear */
  rows: number;
  /** what `clearExpiredInBatches` resolved */
  removed: number;
  batchSize: number;
  fillSeconds: number;
  clearSeconds: number;
  /** logins with nothing else running, on the filled table */
  idle: LoginLatencies;
  /** logins while the clear ran */
  during: LoginLatencies;
  check: string;
}

/** The step's target: the whole clear within this many seconds. */
export const CLEAR_TARGET_SECONDS = 60;
// Logins on the filled table before the clear, as the latencies to compare with.
const IDLE_LOGIN_MS = 3000;

const log = (msg: string) => process.stderr.write(`[bench] clearsessions: ${msg}\n`);

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

const summarize = (latencies: number[]): LoginLatencies => {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted[sorted.length - 1] ?? 0 };
};

/**
 * Django's `clearsessions` at scale on PostgreSQL: a table with `config.clearRows` expired sessions, cleared
 * by `PostgresStore.clearExpiredInBatches` (what `clearExpired` and the `clearsessions` command run) while
 * one loop keeps logging users in (a new session saved through `createSessions` + `commit`, one INSERT
 * each), as an application would during a nightly clean-up. The clear has a store (and pool) of its own,
 * like the command running in another process.
 */
export async function runClearStep(): Promise<ClearResult> {
  const { createSessions } = await import('../../src/index.js');
  const { postgresStore } = await import('../../src/stores/postgres.js');
  const { DEFAULT_CLEAR_BATCH_SIZE } = await import('../../src/stores/internal/batched-delete.js');
  const table = `bench_django_session_clear_${process.pid}`;
  const admin = new pg.Client({ connectionString: config.postgresUrl, connectionTimeoutMillis: 5000 });
  await admin.connect();
  const sessions = createSessions({ secret: config.secret, store: postgresStore({ url: config.postgresUrl, table }) });
  const clearing = postgresStore({ url: config.postgresUrl, table, createTable: false });
  let loginNumber = 0;
  const login = async (): Promise<number> => {
    const started = performance.now();
    const session = sessions.load(undefined);
    await session.set('_auth_user_id', String(++loginNumber));
    const { setCookie } = await sessions.commit(session, 200);
    if (setCookie.length !== 1) throw new Error('a login set no session cookie');
    return performance.now() - started;
  };
  /** Logs in one user after another until `until.stopped`; resolves their latencies. */
  const loginLoop = (until: { stopped: boolean }) => async (): Promise<number[]> => {
    const latencies: number[] = [];
    while (!until.stopped) latencies.push(await login());
    return latencies;
  };
  try {
    await admin.query(`DROP TABLE IF EXISTS "${table}"`);
    // The first logins create Django's table (with its expire_date index) and warm the pool up.
    for (let i = 0; i < 200; i++) await login();
    const sample = (await admin.query<{ session_data: string }>(`SELECT session_data FROM "${table}" LIMIT 1`)).rows[0]?.session_data;
    if (!sample) throw new Error('the warm-up logins saved no row');

    log(`filling ${table} with ${config.clearRows.toLocaleString('en-US')} expired sessions`);
    const fillStart = performance.now();
    // Keys are md5 hex (32 characters, as valid as generated ones); expiries spread over the past day in
    // insertion order, as a table filled over time has them.
    await admin.query(
      `INSERT INTO "${table}" (session_key, session_data, expire_date)
       SELECT md5('expired' || i), $1, now() - interval '1 day' + i * (interval '1 day' / $2::int) - interval '1 minute'
       FROM generate_series(1, $2::int) AS i`,
      [sample, config.clearRows],
    );
    // A table that has been in use for a while has statistics (autovacuum's analyze); give it those.
    await admin.query(`ANALYZE "${table}"`);
    const fillSeconds = (performance.now() - fillStart) / 1000;

    log(`${IDLE_LOGIN_MS / 1000} s of logins with nothing else running`);
    const idleFlag = { stopped: false };
    const idleRun = loginLoop(idleFlag)();
    await new Promise((r) => setTimeout(r, IDLE_LOGIN_MS));
    idleFlag.stopped = true;
    const idle = summarize(await idleRun);

    log('clearing while logins go on');
    const duringFlag = { stopped: false };
    const duringRun = loginLoop(duringFlag)();
    const clearStart = performance.now();
    let shown = 0;
    const removed = await clearing.clearExpiredInBatches({
      onProgress: (n) => {
        if (n - shown < 200_000) return;
        shown = n;
        log(`${n.toLocaleString('en-US')} removed`);
      },
    });
    const clearSeconds = (performance.now() - clearStart) / 1000;
    duringFlag.stopped = true;
    const during = summarize(await duringRun);

    const counts = (
      await admin.query<{ expired: string; live: string }>(
        `SELECT count(*) FILTER (WHERE expire_date < now()) AS expired, count(*) FILTER (WHERE expire_date >= now()) AS live FROM "${table}"`,
      )
    ).rows[0];
    const expired = Number(counts?.expired);
    const live = Number(counts?.live);
    if (removed !== config.clearRows) throw new Error(`clearExpired removed ${removed} rows, expected ${config.clearRows}`);
    if (expired !== 0) throw new Error(`${expired} expired rows are left after the clear`);
    if (live !== loginNumber) throw new Error(`${live} live sessions after the clear, but ${loginNumber} logins were saved`);
    const check = `removed ${removed.toLocaleString('en-US')} = rows inserted; 0 expired left; all ${loginNumber.toLocaleString('en-US')} login sessions kept`;
    return { rows: config.clearRows, removed, batchSize: DEFAULT_CLEAR_BATCH_SIZE, fillSeconds, clearSeconds, idle, during, check };
  } finally {
    await Promise.allSettled([sessions.close(), clearing.close()]);
    await admin.query(`DROP TABLE IF EXISTS "${table}"`).catch(() => {});
    await admin.end();
  }
}
