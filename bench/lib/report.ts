import { CLEAR_TARGET_SECONDS, type ClearResult } from './clear.js';
import { lastWriteWinsEngines, type Variant } from './variants.js';
import type { WrkResult } from './wrk.js';

export type Workload = 'returning' | 'new' | 'untouched';
export const workloads: { id: Workload; title: string; what: string }[] = [
  { id: 'returning', title: 'Returning clients', what: '`GET /visit`, wrk rotating through the pre-created session cookies' },
  { id: 'new', title: 'New clients', what: '`GET /visit` with no cookie: every request creates a session' },
  { id: 'untouched', title: 'Untouched route', what: '`GET /hello` with a valid session cookie; the handler never reads the session' },
];

export interface Measurement extends WrkResult {
  check: string;
  /** the server's CPU time per request in the measured run, in µs (its process and their children) */
  cpuUs?: number | undefined;
}

export interface VariantResult {
  variant: Variant;
  status: 'ok' | 'not available' | 'failed';
  note: string;
  runs: Partial<Record<Workload, Measurement>>;
  load?: number;
  /** highest share of the CPU busy with other work just before the variant started */
  otherWork?: number;
}

const engineTitle: Record<(typeof lastWriteWinsEngines)[number], string> = { sqlite: 'SQLite', postgres: 'PostgreSQL', redis: 'Redis' };

interface Target {
  label: string;
  a: string;
  b: string;
  min: number;
  workload: Workload;
}

// The first targets are checked on both /visit workloads; returning clients is the headline one.
const visitTargets = (label: string, a: string, b: string, min: number): Target[] =>
  (['returning', 'new'] as const).map((workload) => ({ label, a, b, min, workload }));

export const targets: Target[] = [
  ...visitTargets('sessionkit memory via node:http ≥ 0.45 × bare node:http', 'sessionkit-node-memory', 'bare-node', 0.45),
  ...visitTargets('sessionkit on Express (memory) ≥ 1.5 × express-session MemoryStore', 'sessionkit-express-memory', 'express-session-memory', 1.5),
  ...visitTargets('sessionkit SQLite on Express ≥ 2 × express-session + connect-sqlite3', 'sessionkit-express-sqlite', 'express-session-sqlite', 2),
  ...visitTargets('sessionkit SQLite via node:http ≥ 20 × Django on SQLite', 'sessionkit-node-sqlite', 'django', 20),
  {
    label: 'untouched route with sessionkit ≥ 0.97 × the same server without it (node:http)',
    a: 'sessionkit-node-memory',
    b: 'bare-node',
    min: 0.97,
    workload: 'untouched',
  },
  // The engines on their servers: returning clients, the workload every request of a real app resembles.
  {
    label: 'sessionkit Redis on Express ≥ 1.5 × express-session + connect-redis',
    a: 'sessionkit-express-redis',
    b: 'express-session-redis',
    min: 1.5,
    workload: 'returning',
  },
  { label: 'sessionkit Redis on Express ≥ 0.75 × bare Express', a: 'sessionkit-express-redis', b: 'bare-express', min: 0.75, workload: 'returning' },
  {
    label: 'sessionkit PostgreSQL on Express ≥ 2 × express-session + connect-pg-simple',
    a: 'sessionkit-express-postgres',
    b: 'express-session-postgres',
    min: 2,
    workload: 'returning',
  },
  { label: 'sessionkit Redis via node:http ≥ 0.25 × bare node:http', a: 'sessionkit-node-redis', b: 'bare-node', min: 0.25, workload: 'returning' },
  // Each framework against the session libraries its users already use, and against itself without sessions.
  { label: 'sessionkit on Express (memory) ≥ 0.75 × bare Express', a: 'sessionkit-express-memory', b: 'bare-express', min: 0.75, workload: 'returning' },
  {
    label: 'sessionkit on Fastify (memory) ≥ 2 × @fastify/session MemoryStore',
    a: 'sessionkit-fastify-memory',
    b: 'fastify-session-memory',
    min: 2,
    workload: 'returning',
  },
  {
    label: 'sessionkit on Fastify (Redis) ≥ 2 × @fastify/session + connect-redis',
    a: 'sessionkit-fastify-redis',
    b: 'fastify-session-redis',
    min: 2,
    workload: 'returning',
  },
  {
    label: 'sessionkit on Koa (memory) ≥ 2 × koa-session (in-process store)',
    a: 'sessionkit-koa-memory',
    b: 'koa-session-memory',
    min: 2,
    workload: 'returning',
  },
  {
    label: 'sessionkit on Hono (memory) ≥ 2 × hono-sessions MemoryStore (its defaults: no encryptionKey)',
    a: 'sessionkit-hono-memory',
    b: 'hono-sessions-memory',
    min: 2,
    workload: 'returning',
  },
  {
    label: "sessionkit on Hono (memory) ≥ 2 × hono-sessions MemoryStore with an encryptionKey (its README's advice)",
    a: 'sessionkit-hono-memory',
    b: 'hono-sessions-sealed-memory',
    min: 2,
    workload: 'returning',
  },
  {
    label: 'sessionkit on Hono (memory) ≥ 2 × @hono/session (in-process storage)',
    a: 'sessionkit-hono-memory',
    b: 'honojs-session-memory',
    min: 2,
    workload: 'returning',
  },
  { label: 'sessionkit on Hono (memory) ≥ 0.5 × bare Hono', a: 'sessionkit-hono-memory', b: 'bare-hono', min: 0.5, workload: 'returning' },
  {
    label: 'Fetch API adapter through node:http ≥ 0.8 × the node:http adapter (memory)',
    a: 'sessionkit-fetch-memory',
    b: 'sessionkit-node-memory',
    min: 0.8,
    workload: 'returning',
  },
  // Cost ≤ 15 % means the default keeps ≥ 85 % of the last-write-wins throughput.
  ...lastWriteWinsEngines.map(
    (engine): Target => ({
      label: `lost-update protection on ${engineTitle[engine]} costs ≤ 15 % (default ≥ 0.85 × \`mergeConcurrentUpdates: false\`, node:http)`,
      a: `sessionkit-node-${engine}`,
      b: `sessionkit-node-${engine}-lww`,
      min: 0.85,
      workload: 'returning',
    }),
  ),
];

/** A row of the framework table: sessionkit on one framework and store, and what it is compared with. */
interface FrameworkRow {
  framework: string;
  store: string;
  sessionkit: string;
  /** the same framework without sessions */
  bare: string;
  /** the peer library on the same framework and app (or, for the Fetch adapter, sessionkit's node:http adapter) */
  other?: string;
  otherLabel?: string;
  /** the server `other` runs on without sessions, when it is not `bare` */
  otherBare?: string;
}

export const frameworkRows: FrameworkRow[] = [
  { framework: 'node:http', store: 'memory', sessionkit: 'sessionkit-node-memory', bare: 'bare-node' },
  {
    framework: 'Fetch API via node:http (`@hono/node-server` bridge)',
    store: 'memory',
    sessionkit: 'sessionkit-fetch-memory',
    bare: 'bare-fetch',
    other: 'sessionkit-node-memory',
    otherLabel: 'sessionkit, node:http adapter',
    otherBare: 'bare-node',
  },
  {
    framework: 'Express',
    store: 'memory',
    sessionkit: 'sessionkit-express-memory',
    bare: 'bare-express',
    other: 'express-session-memory',
    otherLabel: 'express-session, MemoryStore',
  },
  {
    framework: 'Fastify',
    store: 'memory',
    sessionkit: 'sessionkit-fastify-memory',
    bare: 'bare-fastify',
    other: 'fastify-session-memory',
    otherLabel: '@fastify/session, MemoryStore',
  },
  {
    framework: 'Fastify',
    store: 'Redis',
    sessionkit: 'sessionkit-fastify-redis',
    bare: 'bare-fastify',
    other: 'fastify-session-redis',
    otherLabel: '@fastify/session + connect-redis',
  },
  {
    framework: 'Koa',
    store: 'memory',
    sessionkit: 'sessionkit-koa-memory',
    bare: 'bare-koa',
    other: 'koa-session-memory',
    otherLabel: 'koa-session, in-process store',
  },
  {
    framework: 'Hono on `@hono/node-server`',
    store: 'memory',
    sessionkit: 'sessionkit-hono-memory',
    bare: 'bare-hono',
    other: 'hono-sessions-memory',
    otherLabel: 'hono-sessions, MemoryStore, no `encryptionKey` (its default)',
  },
  {
    framework: 'Hono on `@hono/node-server`',
    store: 'memory',
    sessionkit: 'sessionkit-hono-memory',
    bare: 'bare-hono',
    other: 'hono-sessions-sealed-memory',
    otherLabel: 'hono-sessions, MemoryStore, `encryptionKey`',
  },
  {
    framework: 'Hono on `@hono/node-server`',
    store: 'memory',
    sessionkit: 'sessionkit-hono-memory',
    bare: 'bare-hono',
    other: 'honojs-session-memory',
    otherLabel: '@hono/session, in-process storage',
  },
];

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** The clearsessions step: its result, or why it has none. */
export type ClearOutcome = { ok: true; result: ClearResult } | { ok: false; error: string };

export class Report {
  constructor(
    private readonly results: VariantResult[],
    private readonly clear?: ClearOutcome,
  ) {}

  rps(name: string, w: Workload): number | undefined {
    const r = this.results.find((x) => x.variant.name === name);
    return r?.status === 'ok' ? r.runs[w]?.rps : undefined;
  }

  /** The server's CPU time per request, in µs. */
  cpu(name: string | undefined, w: Workload): number | undefined {
    const r = this.results.find((x) => x.variant.name === name);
    return r?.status === 'ok' ? r.runs[w]?.cpuUs : undefined;
  }

  /**
   * The same comparison by server CPU per request (b's over a's): what the ratio of req/s would be if each
   * server had its core to itself, which a shared machine does not always give.
   */
  cpuRatio(a: string, b: string | undefined, w: Workload): number | undefined {
    const x = this.cpu(a, w);
    const y = b === undefined ? undefined : this.cpu(b, w);
    return x && y !== undefined ? y / x : undefined;
  }

  ratio(a: string, b: string | undefined, w: Workload): number | undefined {
    const x = this.rps(a, w);
    const y = b === undefined ? undefined : this.rps(b, w);
    return x !== undefined && y ? x / y : undefined;
  }

  table(w: Workload): string {
    const rows = [
      '| Variant | req/s | p99 (ms) | server CPU (µs/req) | × bare node:http | Compared with | × that | Check |',
      '|---|--:|--:|--:|--:|---|--:|---|',
    ];
    for (const r of this.results) {
      const m = r.runs[w];
      const name = `\`${r.variant.name}\``;
      if (!m) {
        // Variants that skip a workload (the frameworks group's peers on the untouched route) get no row.
        if (w === 'untouched' && r.variant.untouched === false) continue;
        rows.push(`| ${name} | — | — | — | — | — | — | ${r.status}${r.note ? `: ${r.note}` : ''} |`);
        continue;
      }
      const other = w === 'untouched' ? r.variant.base : r.variant.peer;
      const vsBare = this.ratio(r.variant.name, 'bare-node', w);
      const vsOther = this.ratio(r.variant.name, other, w);
      const check = r.status === 'failed' ? `**FAILED**: ${r.note}` : m.check;
      rows.push(
        `| ${name} | ${fmt(m.rps)} | ${fmt(m.p99Ms, 2)} | ${m.cpuUs === undefined ? '—' : fmt(m.cpuUs, 1)} | ${vsBare === undefined ? '—' : fmt(vsBare, 2)} | ${other ?? '—'} | ${vsOther === undefined ? '—' : fmt(vsOther, 2)} | ${check} |`,
      );
    }
    return rows.join('\n');
  }

  targetLines(): string[] {
    const selected = (name: string) => this.results.some((r) => r.variant.name === name);
    const inRun = targets.filter((t) => selected(t.a) && selected(t.b));
    const lines = inRun.map((t) => {
      const r = this.ratio(t.a, t.b, t.workload);
      const verdict = r === undefined ? 'not measured' : r >= t.min ? '**met**' : '**missed**';
      const byCpu = this.cpuRatio(t.a, t.b, t.workload);
      const cpuNote = r === undefined || byCpu === undefined ? '' : ` (by server CPU per request: ${fmt(byCpu, 2)}×)`;
      const value = r === undefined ? `\`${t.a}\` or \`${t.b}\` has no result` : `${fmt(r, 2)}×${cpuNote}`;
      return `- ${t.label} — ${t.workload}: ${value} → ${verdict}`;
    });
    if (this.clear?.ok === false) lines.push(`- clearsessions in < ${CLEAR_TARGET_SECONDS} s: **FAILED**: ${this.clear.error} → not measured`);
    if (this.clear?.ok) {
      const { rows, clearSeconds } = this.clear.result;
      const verdict = clearSeconds < CLEAR_TARGET_SECONDS ? '**met**' : '**missed**';
      lines.push(
        `- clearsessions on ${fmt(rows)} expired PostgreSQL rows in < ${CLEAR_TARGET_SECONDS} s, logins going on: ${fmt(clearSeconds, 1)} s → ${verdict}`,
      );
    }
    const left = targets.length - inRun.length;
    if (left) lines.push(`- (${left} target(s) compare variants this run did not select; see BENCH_GROUP / BENCH_ONLY)`);
    return lines;
  }

  /**
   * sessionkit on each framework against the framework's session libraries and against the framework
   * alone; rows whose sessionkit variant this run did not measure are left out.
   */
  frameworkTable(): string | undefined {
    const rows = [
      '| Framework | Store | Compared with | req/s: bare / sessionkit / compared | × compared, returning (by CPU) | × compared, new | sessionkit × bare, returning (by CPU) | untouched route × bare | CPU µs/req: bare / sessionkit / compared | session layer µs/req: sessionkit / compared |',
      '|---|---|---|--:|--:|--:|--:|--:|--:|--:|',
    ];
    const n = (v: number | undefined, digits = 0) => (v === undefined ? '—' : fmt(v, digits));
    const diff = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a - b);
    const measured = (name: string) => this.results.some((r) => r.variant.name === name && r.status === 'ok');
    for (const row of frameworkRows.filter((x) => measured(x.sessionkit))) {
      const { sessionkit: sk, bare, other } = row;
      const returning = (name: string | undefined) => (name === undefined ? undefined : this.rps(name, 'returning'));
      const cpu = (name: string | undefined) => this.cpu(name, 'returning');
      const layer = diff(cpu(sk), cpu(bare));
      const otherLayer = other === undefined ? undefined : diff(cpu(other), cpu(row.otherBare ?? bare));
      rows.push(
        [
          row.framework,
          row.store,
          other === undefined ? '—' : `${row.otherLabel} (\`${other}\`)`,
          `${n(returning(bare))} / ${n(returning(sk))} / ${n(returning(other))}`,
          `${n(this.ratio(sk, other, 'returning'), 2)} (${n(this.cpuRatio(sk, other, 'returning'), 2)})`,
          n(this.ratio(sk, other, 'new'), 2),
          `${n(this.ratio(sk, bare, 'returning'), 2)} (${n(this.cpuRatio(sk, bare, 'returning'), 2)})`,
          n(this.ratio(sk, bare, 'untouched'), 2),
          `${n(cpu(bare), 1)} / ${n(cpu(sk), 1)} / ${n(cpu(other), 1)}`,
          `${n(layer, 1)} / ${n(otherLayer, 1)}`,
        ]
          .join(' | ')
          .replace(/^/, '| ')
          .replace(/$/, ' |'),
      );
    }
    return rows.length > 2 ? rows.join('\n') : undefined;
  }

  /** Returning clients with and without lost-update protection, per engine measured both ways. */
  lastWriteWinsTable(): string | undefined {
    const rows = ['| Engine (node:http) | default req/s | `mergeConcurrentUpdates: false` req/s | cost of the protection |', '|---|--:|--:|--:|'];
    for (const engine of lastWriteWinsEngines) {
      const merged = this.rps(`sessionkit-node-${engine}`, 'returning');
      const lww = this.rps(`sessionkit-node-${engine}-lww`, 'returning');
      if (merged === undefined || lww === undefined) continue;
      rows.push(`| ${engineTitle[engine]} | ${fmt(merged)} | ${fmt(lww)} | ${fmt((1 - merged / lww) * 100, 1)} % |`);
    }
    return rows.length > 2 ? rows.join('\n') : undefined;
  }

  /** The clearsessions step as Markdown lines (none when it did not run). */
  clearLines(): string[] {
    if (!this.clear) return [];
    if (!this.clear.ok) return [`**FAILED**: ${this.clear.error}`];
    const c = this.clear.result;
    const latency = (l: ClearResult['idle']) => `| ${fmt(l.count)} | ${fmt(l.p50Ms, 2)} | ${fmt(l.p99Ms, 2)} | ${fmt(l.maxMs, 2)} |`;
    return [
      `- ${fmt(c.rows)} expired rows put in a fresh Django table in ${fmt(c.fillSeconds, 1)} s (one \`INSERT … SELECT generate_series\`, then \`ANALYZE\`)`,
      `- \`postgresStore(...).clearExpiredInBatches()\` (what \`clearExpired()\` and \`sessionkit clearsessions\` run; ${fmt(c.batchSize)} rows per statement), on a store and pool of its own: **${fmt(c.clearSeconds, 1)} s**`,
      `- check: ${c.check}`,
      "- the fill, the logins and the clear run from the harness process (not pinned) against the machine's PostgreSQL, with no variant running",
      '',
      'Logins (a new session: `createSessions(...)`, `session.set`, `commit`, one INSERT each), one after another from one loop:',
      '',
      '| Logins | count | p50 (ms) | p99 (ms) | max (ms) |',
      '|---|--:|--:|--:|--:|',
      `| with nothing else running (3 s, same filled table) ${latency(c.idle)}`,
      `| during the clear ${latency(c.during)}`,
    ];
  }

  console(): string {
    const lines: string[] = [];
    for (const { id } of workloads) {
      lines.push(`\n${id}`);
      for (const r of this.results) {
        const m = r.runs[id];
        if (!m && id === 'untouched' && r.variant.untouched === false) continue;
        const cpu = m?.cpuUs === undefined ? '' : `  ${fmt(m.cpuUs, 1).padStart(6)} µs CPU`;
        const cells = m ? `${fmt(m.rps).padStart(9)} req/s  p99 ${fmt(m.p99Ms, 2).padStart(8)} ms${cpu}  ${m.check}` : r.status;
        lines.push(`  ${r.variant.name.padEnd(40)} ${cells}${r.status === 'failed' ? `  FAILED: ${r.note}` : ''}`);
      }
    }
    if (this.clear) lines.push('\nclearsessions', ...this.clearLines().map((l) => `  ${l.replace(/\*\*|`/g, '')}`));
    lines.push('\ntargets', ...this.targetLines().map((l) => `  ${l.replace(/\*\*|`/g, '')}`));
    return lines.join('\n');
  }
}
