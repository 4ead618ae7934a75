import type { WrkResult } from './wrk.js';
import type { Variant } from './variants.js';

export type Workload = 'returning' | 'new' | 'untouched';
export const workloads: { id: Workload; title: string; what: string }[] = [
  { id: 'returning', title: 'Returning clients', what: '`GET /visit`, wrk rotating through the pre-created session cookies' },
  { id: 'new', title: 'New clients', what: '`GET /visit` with no cookie: every request creates a session' },
  { id: 'untouched', title: 'Untouched route', what: '`GET /hello` with a valid session cookie; the handler never reads the session' },
];

export interface Measurement extends WrkResult {
  check: string;
}

export interface VariantResult {
  variant: Variant;
  status: 'ok' | 'not available' | 'failed';
  note: string;
  runs: Partial<Record<Workload, Measurement>>;
  load?: number;
}

interface Target {
  label: string;
  a: string;
  b: string;
  min: number;
  workload: Workload;
}

// Every target is checked on both /visit workloads; returning clients is the headline one.
const visitTargets = (label: string, a: string, b: string, min: number): Target[] =>
  (['returning', 'new'] as const).map((workload) => ({ label, a, b, min, workload }));

export const targets: Target[] = [
  ...visitTargets('sessionkit memory via node:http ≥ 0.45 × bare node:http', 'sessionkit-node-memory', 'bare-node', 0.45),
  ...visitTargets('sessionkit on Express (memory) ≥ 1.5 × express-session MemoryStore', 'sessionkit-express-memory', 'express-session-memory', 1.5),
  ...visitTargets('sessionkit SQLite on Express ≥ 2 × express-session + connect-sqlite3', 'sessionkit-express-sqlite', 'express-session-sqlite', 2),
  ...visitTargets('sessionkit SQLite via node:http ≥ 20 × Django on SQLite', 'sessionkit-node-sqlite', 'django', 20),
  { label: 'untouched route with sessionkit ≥ 0.97 × the same server without it (node:http)', a: 'sessionkit-node-memory', b: 'bare-node', min: 0.97, workload: 'untouched' },
];

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export class Report {
  constructor(private readonly results: VariantResult[]) {}

  rps(name: string, w: Workload): number | undefined {
    const r = this.results.find((x) => x.variant.name === name);
    return r?.status === 'ok' ? r.runs[w]?.rps : undefined;
  }

  ratio(a: string, b: string | undefined, w: Workload): number | undefined {
    const x = this.rps(a, w);
    const y = b === undefined ? undefined : this.rps(b, w);
    return x !== undefined && y ? x / y : undefined;
  }

  table(w: Workload): string {
    const rows = ['| Variant | req/s | p99 (ms) | × bare node:http | Compared with | × that | Check |', '|---|--:|--:|--:|---|--:|---|'];
    for (const r of this.results) {
      const m = r.runs[w];
      const name = `\`${r.variant.name}\``;
      if (!m) {
        rows.push(`| ${name} | — | — | — | — | — | ${r.status}${r.note ? `: ${r.note}` : ''} |`);
        continue;
      }
      const other = w === 'untouched' ? r.variant.base : r.variant.peer;
      const vsBare = this.ratio(r.variant.name, 'bare-node', w);
      const vsOther = this.ratio(r.variant.name, other, w);
      const check = r.status === 'failed' ? `**FAILED**: ${r.note}` : m.check;
      rows.push(
        `| ${name} | ${fmt(m.rps)} | ${fmt(m.p99Ms, 2)} | ${vsBare === undefined ? '—' : fmt(vsBare, 2)} | ${other ?? '—'} | ${vsOther === undefined ? '—' : fmt(vsOther, 2)} | ${check} |`,
      );
    }
    return rows.join('\n');
  }

  targetLines(): string[] {
    return targets.map((t) => {
      const r = this.ratio(t.a, t.b, t.workload);
      const verdict = r === undefined ? 'not measured' : r >= t.min ? '**met**' : '**missed**';
      const value = r === undefined ? `\`${t.a}\` or \`${t.b}\` has no result` : `${fmt(r, 2)}×`;
      return `- ${t.label} — ${t.workload}: ${value} → ${verdict}`;
    });
  }

  console(): string {
    const lines: string[] = [];
    for (const { id } of workloads) {
      lines.push(`\n${id}`);
      for (const r of this.results) {
        const m = r.runs[id];
        const cells = m ? `${fmt(m.rps).padStart(9)} req/s  p99 ${fmt(m.p99Ms, 2).padStart(8)} ms  ${m.check}` : r.status;
        lines.push(`  ${r.variant.name.padEnd(36)} ${cells}${r.status === 'failed' ? `  FAILED: ${r.note}` : ''}`);
      }
    }
    lines.push('\ntargets', ...this.targetLines().map((l) => `  ${l.replace(/\*\*|`/g, '')}`));
    return lines.join('\n');
  }
}
