import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { config } from './config.js';

const run = (cmd: string, args: string[]): string => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n')[0] ?? '';
};

export function machine(): Record<string, string> {
  const cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  return {
    nproc: run('nproc', []) || String(availableParallelism()),
    CPU: cpu,
    Node: process.version,
    wrk: run('wrk', ['-v']).replace(/\s*\[.*$/, ''),
    Python: run(config.python, ['--version']),
    Django: run(config.python, ['-c', 'import django; print(django.get_version())']),
    gunicorn: run(config.gunicorn, ['--version']),
    'Temp dir (SQLite files)': `${config.tmpBase} (${run('findmnt', ['-n', '-o', 'FSTYPE', '--target', config.tmpBase])})`,
  };
}

/** The installed version of `name` as seen from `fromDir` (Node's lookup: the nearest node_modules up the tree). */
export function packageVersion(name: string, fromDir: string): string {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const file = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '?';
    if (dirname(dir) === dir) return 'not installed';
  }
}

const cpuTimes = (): { busy: number; total: number } => {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  // idle and iowait
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
};

/**
 * Share of the machine's CPU (all cores) in use over `ms` while the bench itself runs nothing: other
 * work, which the load average cannot tell apart from the database servers the engine variants keep busy.
 */
export async function busyWhileIdle(ms = 1000): Promise<number> {
  const before = cpuTimes();
  await new Promise((r) => setTimeout(r, ms));
  const after = cpuTimes();
  const total = after.total - before.total;
  return total > 0 ? (after.busy - before.busy) / total : 0;
}
