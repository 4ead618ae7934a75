import { config } from './config.js';
import { Report, workloads, type VariantResult } from './report.js';

export function resultsMarkdown(results: VariantResult[], facts: Record<string, string>, notes: string[]): string {
  const report = new Report(results);
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
    ...(config.only.length ? [`- **filtered run**: BENCH_ONLY=${config.only.join(',')}`] : []),
    '',
  ];
  for (const w of workloads) {
    out.push(`## ${w.title}`, '', `${w.what}.`, '', report.table(w.id), '');
  }
  out.push('"Compared with" is the relevant peer on `/visit`, and on the untouched route the same framework without sessions.', '');
  out.push('## Targets', '', ...report.targetLines(), '');
  out.push('Ratios near 1 (the untouched-route target) are within run-to-run noise of a few percent; read a miss by a hair as inconclusive and re-run.', '');
  if (notes.length) out.push('## Notes', '', ...notes.map((n) => `- ${n}`), '');
  return out.join('\n');
}
