import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = dirname(dirname(fileURLToPath(import.meta.url)));
export const rootDir = dirname(benchDir);
export const workDir = join(benchDir, '.work');

// wrk takes "10s"/"1m"; a bare number means seconds.
const duration = (value: string | undefined, fallback: string): string => {
  const v = (value ?? fallback).trim();
  return /^\d+$/.test(v) ? `${v}s` : v;
};

const int = (value: string | undefined, fallback: number): number => {
  const n = Number(value ?? fallback);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive integer, got ${value}`);
  return n;
};

export const config = {
  duration: duration(process.env.BENCH_DURATION, '10s'),
  warmup: duration(process.env.BENCH_WARMUP, '2s'),
  connections: int(process.env.BENCH_CONNECTIONS, 50),
  threads: int(process.env.BENCH_THREADS, 1),
  sessions: int(process.env.BENCH_SESSIONS, 1000),
  // Each round restarts every server; the median round is reported, which tames a noisy machine.
  rounds: int(process.env.BENCH_ROUNDS, 1),
  serverCore: process.env.BENCH_SERVER_CORE ?? '1',
  wrkCore: process.env.BENCH_WRK_CORE ?? '0',
  only: (process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean),
  // Where each run's SQLite files live; point it at a tmpfs to take the disk's fsync cost out.
  tmpBase: process.env.BENCH_TMPDIR ?? tmpdir(),
  results: process.env.BENCH_RESULTS ?? join(benchDir, 'RESULTS.md'),
  python: process.env.BENCH_PYTHON ?? '/usr/bin/python3',
  gunicorn: process.env.BENCH_GUNICORN ?? '/usr/bin/gunicorn',
  secret: process.env.BENCH_SECRET ?? 'bench-only-secret-0f6c2a9e4b7d13855ae0c1f27b9d46e38a5f0c7b21d94e6a',
};

export type Config = typeof config;
