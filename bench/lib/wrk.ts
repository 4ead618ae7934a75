import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { benchDir, config } from './config.js';

export interface WrkResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  socketErrors: number;
  non2xx: number;
}

export interface WrkRun {
  port: number;
  path: string;
  duration: string;
  cookieFile?: string;
  cookie?: string;
}

export function wrk(run: WrkRun): Promise<WrkResult> {
  const wrkDir = join(benchDir, 'wrk');
  const args = [
    '-c',
    config.wrkCore,
    'wrk',
    `-t${config.threads}`,
    `-c${config.connections}`,
    `-d${run.duration}`,
    // Slow servers (Django) queue requests; a long timeout keeps them from turning into errors.
    '--timeout',
    '10s',
    '-s',
    join(wrkDir, run.cookieFile ? 'rotate-cookies.lua' : 'static.lua'),
    ...(run.cookie ? ['-H', `Cookie: ${run.cookie}`] : []),
    `http://127.0.0.1:${run.port}${run.path}`,
    ...(run.cookieFile ? ['--', run.cookieFile] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', args, { env: { ...process.env, BENCH_WRK_DIR: wrkDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('WRK_JSON '));
      if (code !== 0 || !line) return reject(new Error(`wrk failed (exit ${code}):\n${out}`));
      const j = JSON.parse(line.slice('WRK_JSON '.length)) as Record<string, number>;
      const n = (k: string) => j[k] ?? 0;
      resolve({
        requests: n('requests'),
        rps: n('requests') / (n('duration_us') / 1e6),
        p50Ms: n('p50_us') / 1000,
        p99Ms: n('p99_us') / 1000,
        socketErrors: n('err_connect') + n('err_read') + n('err_write') + n('err_timeout'),
        non2xx: n('err_status'),
      });
    });
  });
}
