import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { provision, serverVersions } from './lib/backends.js';
import { buildSessionkit, builtServer } from './lib/build.js';
import { runClearStep } from './lib/clear.js';
import { checkHello, checkNewClient, countsFor, createClients } from './lib/clients.js';
import { benchDir, config, workDir } from './lib/config.js';
import { cpuSeconds } from './lib/cpu.js';
import { busyWhileIdle, machine, packageVersion } from './lib/machine.js';
import { frameworksSection, resultsMarkdown, withFrameworksSection } from './lib/markdown.js';
import { type ClearOutcome, type Measurement, Report, type VariantResult, workloads } from './lib/report.js';
import { freePort, startServer } from './lib/server.js';
import { type Backend, missingSources, selectVariants, type Variant } from './lib/variants.js';
import { type WrkResult, type WrkRun, wrk } from './lib/wrk.js';

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

const selected = selectVariants(config.only, config.group);
// The clearsessions step belongs to the engines; BENCH_CLEAR=1/0 forces it on or off.
const runClear = config.clear ?? (config.only.length === 0 && (config.group === 'engines' || config.group === 'all'));
const notes: string[] = [];
// Share of the CPU other work may use, sampled between variants, before a run is flagged as unreliable.
const OTHER_WORK_LIMIT = 0.2;

function prepareDjango(db: string): void {
  const template = process.env.BENCH_DJANGO_TEMPLATE;
  if (template && existsSync(template)) {
    copyFileSync(template, db);
    return;
  }
  const r = spawnSync(config.python, ['manage.py', 'migrate', '--noinput'], {
    cwd: join(benchDir, 'django_app'),
    env: { ...process.env, BENCH_DJANGO_DB: db },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`django migrate failed:\n${r.stdout}${r.stderr}`);
}

/**
 * Warm-up, then the measured run, with the server's CPU time read around it; non-2xx answers fail the
 * variant.
 */
async function measure(run: Omit<WrkRun, 'duration'>, pid: number, check: (runs: WrkResult[]) => Promise<string>): Promise<Measurement> {
  const warm = await wrk({ ...run, duration: config.warmup });
  const cpuBefore = cpuSeconds(pid);
  const m = await wrk({ ...run, duration: config.duration });
  const cpuUs = m.requests > 0 ? ((cpuSeconds(pid) - cpuBefore) * 1e6) / m.requests : undefined;
  if (warm.non2xx + m.non2xx > 0) throw new Error(`${warm.non2xx + m.non2xx} non-2xx answers on ${run.path}`);
  const extra = m.socketErrors > 0 ? `; ${m.socketErrors} socket errors` : '';
  return { ...m, cpuUs, check: `${await check([warm, m])}${extra}` };
}

/**
 * After the returning-clients runs, a few of the rotated cookies must show every write the runs made.
 * With one wrk thread the /visit hits per cookie follow exactly from the completed-request counts.
 */
async function checkCounters(v: Variant, port: number, cookies: string[], runs: WrkResult[]): Promise<string> {
  const n = cookies.length;
  const completed = runs.map((r) => r.requests);
  // wrk calls request() once to validate the script before sending, so request k carries cookie k + 1.
  const cookieOf = (k: number) => (k + 1) % n;
  const hits = (i: number) =>
    completed.reduce((t, r) => {
      const first = (i - 1 + n) % n;
      return t + (first < r ? Math.floor((r - 1 - first) / n) + 1 : 0);
    }, 0);
  const used = Math.min(n, Math.max(...completed));
  const picks = [...new Set([0, 1, 2, 3, 4].map((j) => cookieOf(Math.floor((j * (used - 1)) / 4))))];
  const counts = await countsFor(port, cookies, picks);
  const shown = `counts ${counts.join(', ')}`;
  // Data held in the cookie cannot advance: wrk replays cookies that carry 1, so each answer is 2.
  if (v.cookieHeld) {
    if (counts.some((c) => c !== 2)) throw new Error(`expected 2 from every replayed cookie: ${shown}`);
    return `${shown} (cookie-held data: replayed cookies carry 1)`;
  }
  if (counts.some((c) => c <= 2)) throw new Error(`counters did not advance during the run: ${shown}`);
  // Several wrk threads rotate independently, and a failed request moves the rotation without a hit.
  if (config.threads > 1 || runs.some((r) => r.socketErrors > 0)) return shown;
  // 1 at creation, the runs' hits, and 1 for this check; requests in flight when wrk stopped may add a few.
  const expected = picks.map((i) => 2 + hits(i));
  if (counts.some((c, k) => c < (expected[k] ?? 0))) throw new Error(`writes were lost: ${shown}, expected ${expected.join(', ')}`);
  return `${shown} (expected ≥ ${expected.join(', ')})`;
}

async function runVariant(v: Variant, result: VariantResult): Promise<void> {
  const tmp = mkdtempSync(join(config.tmpBase, `sessionkit-bench-${v.name}-`));
  try {
    const resources = await provision(v);
    try {
      await measureVariant(v, result, tmp, resources.env);
    } finally {
      await resources
        .cleanup()
        .then((removed) => removed && log(`${v.name}: removed ${removed}`))
        .catch((err: Error) => notes.push(`${v.name}: clean-up failed (${err.message}); remove its table or keys by hand`));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function measureVariant(v: Variant, result: VariantResult, tmp: string, backendEnv: Record<string, string>): Promise<void> {
  const port = await freePort();
  const env = { ...process.env, ...backendEnv, PORT: String(port), BENCH_TMP: tmp, BENCH_SECRET: config.secret, BENCH_DJANGO_DB: join(tmp, 'db.sqlite3') };
  if (v.framework === 'django') prepareDjango(env.BENCH_DJANGO_DB);
  const server = await startServer(v.command(port), config.serverCore, env, port);
  try {
    log(`${v.name}: creating ${config.sessions} sessions`);
    const cookies = await createClients(port, config.sessions, v.session, v.cookieHeld);
    const cookieFile = join(tmp, 'cookies.txt');
    writeFileSync(cookieFile, `${cookies.join('\n')}\n`);

    log(`${v.name}: returning clients`);
    result.runs.returning = await measure({ port, path: '/visit', cookieFile }, server.pid, async (runs) => {
      if (!v.session) return 'no session (answers 1)';
      return checkCounters(v, port, cookies, runs);
    });

    if (v.untouched !== false) {
      log(`${v.name}: untouched route`);
      const cookie = cookies[0] ?? '';
      await checkHello(port, cookie);
      result.runs.untouched = await measure({ port, path: '/hello', cookie }, server.pid, async () => 'body ok');
    }

    log(`${v.name}: new clients`);
    result.runs.new = await measure({ port, path: '/visit' }, server.pid, async () => {
      await checkNewClient(port, v.session);
      return v.session ? 'new session at 1' : 'no session (answers 1)';
    });
  } catch (err) {
    result.status = 'failed';
    result.note = (err as Error).message.split('\n')[0] ?? 'error';
    log(`!!! ${v.name} FAILED: ${(err as Error).message}\n--- server output ---\n${server.output()}`);
  } finally {
    await server.stop();
  }
}

/** Versions of the peer packages and of the drivers the compiled sessionkit servers load. */
function packageFacts(): Record<string, string> {
  const at = (dir: string) => (names: string[]) => names.map((n) => `${n} ${packageVersion(n, dir)}`).join(', ');
  return {
    'Peers (bench/node_modules)': at(benchDir)([
      'express',
      'express-session',
      'connect-sqlite3',
      'sqlite3',
      'connect-redis',
      'redis',
      'connect-pg-simple',
      'pg',
    ]),
    'Frameworks and their session libraries (as bench/ resolves them)': at(benchDir)([
      'fastify',
      '@fastify/session',
      '@fastify/cookie',
      'koa',
      'koa-session',
      'hono',
      '@hono/node-server',
      'hono-sessions',
      '@hono/session',
    ]),
    'sessionkit drivers (as the compiled servers resolve them)': at(join(workDir, 'build', 'src', 'stores'))([
      'better-sqlite3',
      'pg',
      'mysql2',
      'ioredis',
      'memcached',
    ]),
  };
}

async function main(): Promise<number> {
  const results: VariantResult[] = selected.map((variant) => ({ variant, status: 'ok', note: '', runs: {} }));
  for (const r of results) {
    const missing = missingSources(r.variant);
    if (missing.length) Object.assign(r, { status: 'not available', note: `${missing.join(', ')} missing` });
  }
  if (results.some((r) => r.variant.sessionkit && r.status === 'ok')) {
    log('compiling sessionkit with tsc');
    const build = buildSessionkit();
    if (build.diagnostics) {
      notes.push(
        `tsc reported ${build.diagnostics} type error(s) while compiling src/ and the sessionkit servers; the emitted JavaScript was measured anyway.`,
      );
      log(`tsc: ${build.diagnostics} type error(s):\n${build.log}`);
    }
    for (const r of results) {
      if (r.variant.sessionkit && r.status === 'ok' && !builtServer(r.variant.name))
        Object.assign(r, { status: 'not available', note: 'tsc emitted no server' });
    }
  }
  for (const r of results) if (r.status !== 'ok') log(`${r.variant.name}: ${r.status} (${r.note})`);
  const rounds = new Map<VariantResult, Measurement[][]>();
  for (let round = 1; round <= config.rounds; round++) {
    for (const r of results.filter((x) => x.status === 'ok')) {
      const load = loadavg()[0] ?? 0;
      r.load = Math.max(r.load ?? 0, load);
      const otherWork = await busyWhileIdle();
      r.otherWork = Math.max(r.otherWork ?? 0, otherWork);
      log(`${r.variant.name}: starting round ${round}/${config.rounds} (load ${load.toFixed(2)}, CPU ${(otherWork * 100).toFixed(0)} % busy before start)`);
      const one: VariantResult = { ...r, runs: {} };
      try {
        await runVariant(r.variant, one);
      } catch (err) {
        Object.assign(one, { status: 'failed', note: (err as Error).message.split('\n')[0] });
        log(`!!! ${r.variant.name} FAILED: ${(err as Error).message}`);
      }
      if (one.status === 'failed') Object.assign(r, { status: 'failed', note: one.note });
      workloads.forEach(({ id }, k) => {
        const m = one.runs[id];
        if (!m) return;
        const lists = rounds.get(r) ?? workloads.map(() => []);
        lists[k]?.push(m);
        rounds.set(r, lists);
      });
    }
  }
  for (const [r, lists] of rounds) {
    workloads.forEach(({ id }, k) => {
      const sorted = [...(lists[k] ?? [])].sort((a, b) => a.rps - b.rps);
      const median = sorted[Math.floor((sorted.length - 1) / 2)];
      if (median) r.runs[id] = sorted.length > 1 ? { ...median, check: `${median.check}; median of ${sorted.length}` } : median;
    });
  }
  let clear: ClearOutcome | undefined;
  if (runClear) {
    log('clearsessions step (BENCH_CLEAR=0 skips it)');
    try {
      clear = { ok: true, result: await runClearStep() };
    } catch (err) {
      clear = { ok: false, error: (err as Error).message.split('\n')[0] ?? 'error' };
      log(`!!! clearsessions step FAILED: ${(err as Error).stack ?? String(err)}`);
    }
  }
  const failed = results.filter((r) => r.status === 'failed');
  for (const r of failed) notes.push(`**${r.variant.name} FAILED**: ${r.note}`);
  const loads = results.filter((r) => r.load !== undefined).map((r) => `${r.variant.name} ${r.load?.toFixed(2)}`);
  const busy = results.filter((r) => r.otherWork !== undefined).map((r) => `${r.variant.name} ${((r.otherWork ?? 0) * 100).toFixed(0)} %`);
  // Other work on this 2-core machine skews a run. The load average also counts the database servers the
  // engine variants keep busy, so the CPU use sampled while the bench is idle decides the warning.
  if (loads.length)
    notes.push(
      `highest 1-minute load average as each variant started (the bench itself accounts for about 2, more with the database servers): ${loads.join(', ')}`,
    );
  if (busy.length) notes.push(`CPU in use (both cores) during the 1 s before each variant, while the bench ran nothing: ${busy.join(', ')}`);
  if (results.some((r) => (r.otherWork ?? 0) > OTHER_WORK_LIMIT)) {
    notes.unshift(
      `**Other work was running on this machine during the run (over ${OTHER_WORK_LIMIT * 100} % of the CPU busy while the bench was idle): the numbers are unreliable; re-run on a quiet machine.**`,
    );
  }
  const backends = new Set<Backend>(results.flatMap((r) => r.variant.backends));
  if (runClear) backends.add('postgres');
  const facts = { ...machine(), ...packageFacts(), ...(await serverVersions(backends)) };
  // The frameworks group writes its own section and keeps the rest of the file, which comes from full runs.
  if (config.group === 'frameworks' && config.only.length === 0) {
    const existing = existsSync(config.results) ? readFileSync(config.results, 'utf8') : '# sessionkit benchmark results\n';
    // Django and SQLite take no part in this group.
    const unused = ['Python', 'Django', 'gunicorn', 'Temp dir (SQLite files)'];
    const frameworkFacts = Object.fromEntries(Object.entries(facts).filter(([k]) => !unused.includes(k)));
    writeFileSync(config.results, withFrameworksSection(existing, frameworksSection(results, frameworkFacts, notes)));
  } else {
    writeFileSync(config.results, resultsMarkdown(results, facts, notes, clear));
  }
  console.log(new Report(results, clear).console());
  log(`wrote ${config.results}`);
  if (failed.length) log(`!!! ${failed.length} variant(s) FAILED: ${failed.map((r) => r.variant.name).join(', ')}`);
  return failed.length || clear?.ok === false ? 1 : 0;
}

process.exitCode = await main();
