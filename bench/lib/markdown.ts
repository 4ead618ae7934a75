import { benchDir, config } from './config.js';
import { packageVersion } from './machine.js';
import { Report, workloads, type ClearOutcome, type VariantResult } from './report.js';

/** How the server-backed engines and their peers were set up; only for runs that measured some. */
function engineSettings(results: VariantResult[]): string[] {
  const names = new Set(results.map((r) => r.variant.name));
  const any = (...wanted: string[]) => wanted.some((n) => names.has(n));
  const peer = (name: string) => `${name} ${packageVersion(name, benchDir)}`;
  const out: string[] = [];
  if (results.some((r) => r.variant.backends.length > 0)) {
    out.push(
      '- PostgreSQL, MariaDB and Redis are the machine\'s own services (not pinned, not restarted between variants; URLs from `BENCH_POSTGRES_URL`, `BENCH_MYSQL_URL`, `BENCH_REDIS_URL`). Each run of a variant gets a fresh table (`bench_django_session_<n>`; the connect-pg-simple peer `bench_express_session_<n>`) or Redis key prefix (`bench<n>`), dropped or deleted afterwards; memcached variants get a `memcached -U 0 -l 127.0.0.1` of their own (64 MB, not pinned), stopped afterwards',
      '- sessionkit engines at their defaults: PostgreSQL and MariaDB pools of 10, ioredis for Redis, the `memcached` package; `cached-db-sqlite` is `memoryStore()` in front of SQLite, `cached-db-postgres` is Redis (`cachePrefix: \'sessionkit.cached_db\'`) in front of PostgreSQL; `file` writes into the run\'s temp dir',
    );
  }
  if (any('express-session-redis')) {
    out.push(`- express-session + ${peer('connect-redis')} (10.x needs Node ≥ 22; 9.0.0 is the newest that runs on Node 20) on the \`${peer('redis')}\` client it is written for, at its defaults (prefix per run, TTL from the cookie or one day)`);
  }
  if (any('express-session-postgres')) {
    out.push(`- express-session + ${peer('connect-pg-simple')} (on ${peer('pg')}) at its defaults: its own pool of 10, \`createTableIfMissing: true\` (its own schema and expire index), \`pruneSessionInterval\` left at its default (every 15 min, randomised to 7.5–22.5 min after the first request, so no prune falls inside a variant's run)`);
  }
  if (results.some((r) => r.variant.name.endsWith('-lww'))) {
    out.push('- `-lww` variants: the same server with `mergeConcurrentUpdates: false` (Django\'s last-write-wins: a plain UPDATE/SET on save, no compare-and-set)');
  }
  return out;
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
    ...(config.rounds > 1 ? [`- ${config.rounds} rounds, every server restarted each round; each cell is the median round by req/s (the lower middle one for an even count)`] : []),
    `- servers: \`taskset -c ${config.serverCore}\`, one process each, on 127.0.0.1`,
    `- returning clients: ${config.sessions} sessions created first (cookie-less \`/visit\` requests), then rotated by \`wrk/rotate-cookies.lua\``,
    '- Node servers run as plain JavaScript under `node`: the peers as written, the sessionkit variants compiled by `tsc` (`bench/tsconfig.sessionkit.json`, into `bench/.work/build`) — no tsx or other loader in the request path',
    '- Django: `gunicorn --workers 1 --worker-class sync` (one sync worker, pinned like the others; master and worker share the core), DEBUG off, database sessions on SQLite, default `CONN_MAX_AGE` (a connection per request)',
    '- express-session: `resave: false, saveUninitialized: false`; connect-sqlite3 at its defaults (rollback journal, a sync per commit)',
    '- sessionkit SQLite store at its defaults (WAL, `synchronous=NORMAL`); every SQLite file lives in a fresh temp dir per variant (below), so the disk\'s sync cost weighs on the peers more than on sessionkit',
    ...engineSettings(results),
    ...(config.only.length ? [`- **filtered run**: BENCH_ONLY=${config.only.join(',')}`] : config.group !== 'all' ? [`- **filtered run**: BENCH_GROUP=${config.group} (its variants and those they are compared with)`] : []),
    '',
  ];
  for (const w of workloads) {
    out.push(`## ${w.title}`, '', `${w.what}.`, '', report.table(w.id), '');
  }
  out.push('"Compared with" is the relevant peer on `/visit`, and on the untouched route the same framework without sessions.', '');
  const lww = report.lastWriteWinsTable();
  if (lww) out.push('## Lost-update protection', '', 'Returning clients; the default merges concurrent changes with a compare-and-set on save, `mergeConcurrentUpdates: false` is Django\'s last-write-wins.', '', lww, '');
  const clearLines = report.clearLines();
  if (clearLines.length) out.push('## clearsessions at scale (PostgreSQL)', '', ...clearLines, '');
  out.push('## Targets', '', ...report.targetLines(), '');
  out.push('Ratios near 1 (the untouched-route target) are within run-to-run noise of a few percent; read a miss by a hair as inconclusive and re-run.', '');
  if (notes.length) out.push('## Notes', '', ...notes.map((n) => `- ${n}`), '');
  return out.join('\n');
}
