import { benchDir, config } from './config.js';
import { packageVersion } from './machine.js';
import { type ClearOutcome, Report, type VariantResult, workloads } from './report.js';

/** How the server-backed engines and their peers were set up; only for runs that measured some. */
function engineSettings(results: VariantResult[]): string[] {
  const names = new Set(results.map((r) => r.variant.name));
  const any = (...wanted: string[]) => wanted.some((n) => names.has(n));
  const peer = (name: string) => `${name} ${packageVersion(name, benchDir)}`;
  const out: string[] = [];
  if (results.some((r) => r.variant.backends.length > 0)) {
    out.push(
      "- PostgreSQL, MariaDB and Redis are the machine's own services (not pinned, not restarted between variants; URLs from `BENCH_POSTGRES_URL`, `BENCH_MYSQL_URL`, `BENCH_REDIS_URL`). Each run of a variant gets a fresh table (`bench_django_session_<n>`; the connect-pg-simple peer `bench_express_session_<n>`) or Redis key prefix (`bench<n>`), dropped or deleted afterwards; memcached variants get a `memcached -U 0 -l 127.0.0.1` of their own (64 MB, not pinned), stopped afterwards",
      "- sessionkit engines at their defaults: PostgreSQL and MariaDB pools of 10, ioredis for Redis, the `memcached` package; `cached-db-sqlite` is `memoryStore()` in front of SQLite, `cached-db-postgres` is Redis (`cachePrefix: 'sessionkit.cached_db'`) in front of PostgreSQL; `file` writes into the run's temp dir",
    );
  }
  if (any('express-session-redis')) {
    out.push(
      `- express-session + ${peer('connect-redis')} (10.x needs Node ≥ 22; 9.0.0 is the newest that runs on Node 20) on the \`${peer('redis')}\` client it is written for, at its defaults (prefix per run, TTL from the cookie or one day)`,
    );
  }
  if (any('express-session-postgres')) {
    out.push(
      `- express-session + ${peer('connect-pg-simple')} (on ${peer('pg')}) at its defaults: its own pool of 10, \`createTableIfMissing: true\` (its own schema and expire index), \`pruneSessionInterval\` left at its default (every 15 min, randomised to 7.5–22.5 min after the first request, so no prune falls inside a variant's run)`,
    );
  }
  if (results.some((r) => r.variant.name.endsWith('-lww'))) {
    out.push(
      "- `-lww` variants: the same server with `mergeConcurrentUpdates: false` (Django's last-write-wins: a plain UPDATE/SET on save, no compare-and-set)",
    );
  }
  return out;
}

/** How the frameworks group's servers were set up; only for runs that measured some of them. */
function frameworkSettings(results: VariantResult[]): string[] {
  const names = new Set(results.map((r) => r.variant.name));
  const any = (prefix: string) => [...names].some((n) => n.startsWith(prefix));
  const v = (name: string) => `${name} ${packageVersion(name, benchDir)}`;
  const out: string[] = [];
  if (![...names].some((n) => /^(bare|sessionkit)-(fastify|koa|hono|fetch)|^(fastify|koa|hono|honojs)-session/.test(n))) return out;
  out.push(
    "- every framework serves the same two routes three ways: bare (`bare-<framework>`, no session), with its session library (run as written) and with sessionkit's adapter, in the same app with the same handlers and answers; sessionkit at its defaults (`memoryStore()`, or `redisStore` on ioredis)",
  );
  if (any('fastify') || any('sessionkit-fastify') || any('bare-fastify')) {
    out.push(
      `- ${v('fastify')}: \`${v('@fastify/session')}\` with \`${v('@fastify/cookie')}\`, \`saveUninitialized: false\` (as the express-session peers), \`cookie.secure: false\` (the bench speaks plain HTTP, where its default sets no cookie), the rest at its defaults (\`rolling: true\`: a Set-Cookie on every answer); its Redis variant on connect-redis 9 and the \`redis\` client, as express-session-redis`,
    );
  }
  if (any('koa') || any('sessionkit-koa') || any('bare-koa')) {
    out.push(
      `- ${v('koa')}: \`${v('koa-session')}\` at its defaults (signed cookie through \`app.keys\`, one-day maxAge) with an external store over a Map, so it keeps sessions in the process as \`memoryStore()\` does (its default keeps the data in the cookie). No Redis row: koa-redis, its Redis store, has had no release since 4.0.1 (January 2020, on ioredis 4)`,
    );
  }
  if (any('hono') || any('sessionkit-hono') || any('bare-hono')) {
    out.push(
      `- ${v('hono')} on \`${v('@hono/node-server')}\` (\`serve\`): \`${v('hono-sessions')}\` with its MemoryStore, \`expireAfterSeconds\` two weeks, at its default (no \`encryptionKey\`: the id in the cookie as it is, as sessionkit's) and with the \`encryptionKey\` its README recommends (\`hono-sessions-sealed-memory\`: the id sealed with iron on every response); \`${v('@hono/session')}\` with \`useSessionStorage\` over a Map (the cookie is a JWE holding the id) and \`duration.absolute\` two weeks`,
    );
  }
  if (any('sessionkit-fetch') || any('bare-fetch')) {
    out.push(
      "- Fetch API: `sessionkit/fetch`'s `withSessions` handler served through node:http by `@hono/node-server`'s `getRequestListener` (its lightweight `Request`, whose `Headers` are built on first use, and `Response`); `bare-fetch` is the same handler without sessions",
    );
  }
  out.push(
    "- server CPU: the server process's user + system time over the measured run (from `/proc/<pid>/stat`, 10 ms ticks), divided by the requests wrk completed; the session layer is that of a variant minus that of the same framework bare",
  );
  return out;
}

/** The framework table with what its columns mean. */
function frameworkTableLines(report: Report): string[] {
  const table = report.frameworkTable();
  if (!table) return [];
  return [
    `Returning clients (\`/visit\` with one of ${config.sessions} session cookies) unless a column says otherwise; "compared" is the session library the framework's users already use, on the same app, or for the Fetch API adapter sessionkit's own node:http adapter. The session layer is the server CPU per request over the same framework bare (node:http for the node:http adapter). "By CPU" is the ratio of server CPU per request the other way round: the ratio of req/s each server would reach with its core to itself, steadier than req/s when other work shares the machine.`,
    '',
    table,
    '',
  ];
}

const FRAMEWORKS_START = '<!-- frameworks: written by `BENCH_GROUP=frameworks npm run bench`, which replaces this section and leaves the rest of the file -->';
const FRAMEWORKS_END = '<!-- /frameworks -->';

/**
 * The section a `BENCH_GROUP=frameworks` run writes into RESULTS.md: its own date, machine, settings, the
 * framework table, the workload tables of its variants and the targets they decide.
 */
export function frameworksSection(results: VariantResult[], facts: Record<string, string>, notes: string[]): string {
  const report = new Report(results);
  const out = [
    FRAMEWORKS_START,
    '## Frameworks',
    '',
    'One invocation of the frameworks group (`BENCH_GROUP=frameworks`: Fastify, Koa, Hono and the Fetch API adapter, with the node:http and Express memory variants and what each is compared with). The sections above come from the run dated at the top of this file; this one from:',
    '',
    `- Date: ${new Date().toISOString()}`,
    ...Object.entries(facts).map(([k, val]) => `- ${k}: ${val}`),
    `- wrk: \`taskset -c ${config.wrkCore} wrk -t${config.threads} -c${config.connections} -d${config.duration}\` after a ${config.warmup} warm-up; servers \`taskset -c ${config.serverCore}\`; ${config.sessions} returning sessions`,
    ...(config.rounds > 1 ? [`- ${config.rounds} rounds, every server restarted each round; each cell is the median round by req/s`] : ['- one round']),
    '- express-session: `resave: false, saveUninitialized: false`',
    ...frameworkSettings(results),
    '',
    '### sessionkit on each framework',
    '',
    ...frameworkTableLines(report),
  ];
  for (const w of workloads) out.push(`### ${w.title}`, '', `${w.what}.`, '', report.table(w.id), '');
  out.push('The peers of the frameworks group skip the untouched route: no target reads it.', '');
  out.push('### Targets', '', ...report.targetLines().filter((l) => !l.includes('target(s) compare variants')), '');
  if (notes.length) out.push('### Notes', '', ...notes.map((n) => `- ${n}`), '');
  out.push(FRAMEWORKS_END, '');
  return out.join('\n');
}

/** `existing` with its frameworks section replaced by `section` (or `section` appended when it has none). */
export function withFrameworksSection(existing: string, section: string): string {
  const start = existing.indexOf(FRAMEWORKS_START);
  const end = existing.indexOf(FRAMEWORKS_END);
  if (start === -1 || end < start) return `${existing.trimEnd()}\n\n${section}`;
  return `${existing.slice(0, start)}${section}${existing.slice(end + FRAMEWORKS_END.length).replace(/^\n+/, '')}`;
}

export function resultsMarkdown(results: VariantResult[], facts: Record<string, string>, notes: string[], clear?: ClearOutcome): string {
  const report = new Report(results, clear);
  const out = [
    '# sessionkit benchmark results',
    '',
    'Written by `bench/harness.ts` (`npm run bench`); do not edit by hand. Every number below comes from one invocation, so the ratios compare servers measured minutes apart on the same machine.',
    '',
    `- Date: ${new Date().toISOString()}`,
    ...Object.entries(facts).map(([k, v]) => `- ${k}: ${v}`),
    '',
    '## Settings',
    '',
    `- wrk: \`taskset -c ${config.wrkCore} wrk -t${config.threads} -c${config.connections} -d${config.duration}\`, after a ${config.warmup} warm-up with the same settings before each measured run`,
    ...(config.rounds > 1
      ? [`- ${config.rounds} rounds, every server restarted each round; each cell is the median round by req/s (the lower middle one for an even count)`]
      : []),
    `- servers: \`taskset -c ${config.serverCore}\`, one process each, on 127.0.0.1`,
    `- returning clients: ${config.sessions} sessions created first (cookie-less \`/visit\` requests), then rotated by \`wrk/rotate-cookies.lua\``,
    '- Node servers run as plain JavaScript under `node`: the peers as written, the sessionkit variants compiled by `tsc` (`bench/tsconfig.sessionkit.json`, into `bench/.work/build`) — no tsx or other loader in the request path',
    '- Django: `gunicorn --workers 1 --worker-class sync` (one sync worker, pinned like the others; master and worker share the core), DEBUG off, database sessions on SQLite, default `CONN_MAX_AGE` (a connection per request)',
    '- express-session: `resave: false, saveUninitialized: false`; connect-sqlite3 at its defaults (rollback journal, a sync per commit)',
    "- sessionkit SQLite store at its defaults (WAL, `synchronous=NORMAL`); every SQLite file lives in a fresh temp dir per variant (below), so the disk's sync cost weighs on the peers more than on sessionkit",
    ...engineSettings(results),
    ...frameworkSettings(results),
    ...(config.only.length
      ? [`- **filtered run**: BENCH_ONLY=${config.only.join(',')}`]
      : config.group !== 'all'
        ? [`- **filtered run**: BENCH_GROUP=${config.group} (its variants and those they are compared with)`]
        : []),
    '',
  ];
  for (const w of workloads) {
    out.push(`## ${w.title}`, '', `${w.what}.`, '', report.table(w.id), '');
  }
  out.push('"Compared with" is the relevant peer on `/visit`, and on the untouched route the same framework without sessions.', '');
  const frameworks = frameworkTableLines(report);
  if (frameworks.length) out.push('## Frameworks', '', ...frameworks);
  const lww = report.lastWriteWinsTable();
  if (lww)
    out.push(
      '## Lost-update protection',
      '',
      "Returning clients; the default merges concurrent changes with a compare-and-set on save, `mergeConcurrentUpdates: false` is Django's last-write-wins.",
      '',
      lww,
      '',
    );
  const clearLines = report.clearLines();
  if (clearLines.length) out.push('## clearsessions at scale (PostgreSQL)', '', ...clearLines, '');
  out.push('## Targets', '', ...report.targetLines(), '');
  out.push('Ratios near 1 (the untouched-route target) are within run-to-run noise of a few percent; read a miss by a hair as inconclusive and re-run.', '');
  if (notes.length) out.push('## Notes', '', ...notes.map((n) => `- ${n}`), '');
  return out.join('\n');
}
