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

const groups = ['core', 'engines', 'frameworks', 'all'] as const;
/**
 * `core`: the ceilings, Django and the in-process stores; `engines`: the server-backed stores and their peers;
 * `frameworks`: sessionkit on each framework against that framework's session libraries and its bare self.
 */
export type Group = (typeof groups)[number];
const group = (value: string | undefined): Group => {
  const v = (value ?? 'all').trim() as Group;
  if (!groups.includes(v)) throw new Error(`BENCH_GROUP must be one of ${groups.join(', ')}, got ${value}`);
  return v;
};

// BENCH_CLEAR: 1 runs the clearsessions step, 0 skips it; unset, it runs with the engines group.
const flag = (value: string | undefined): boolean | undefined => {
  if (value === undefined || value === '') return undefined;
  if (value === '1' || value === '0') return value === '1';
  throw new Error(`expected 0 or 1, got ${value}`);
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
  only: (process.env.BENCH_ONLY ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
  group: group(process.env.BENCH_GROUP),
  clear: flag(process.env.BENCH_CLEAR),
  // Expired rows the clearsessions step deletes while logins go on.
  clearRows: int(process.env.BENCH_CLEAR_ROWS, 1_000_000),
  // The servers the engine variants use; each run gets a fresh table or key prefix on them.
  postgresUrl: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  mysqlUrl: process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test',
  redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
  memcached: process.env.BENCH_MEMCACHED ?? '/usr/bin/memcached',
  // Where each run's SQLite files live; point it at a tmpfs to take the disk's fsync cost out.
  tmpBase: process.env.BENCH_TMPDIR ?? tmpdir(),
  results: process.env.BENCH_RESULTS ?? join(benchDir, 'RESULTS.md'),
  python: process.env.BENCH_PYTHON ?? '/usr/bin/python3',
  gunicorn: process.env.BENCH_GUNICORN ?? '/usr/bin/gunicorn',
  secret: process.env.BENCH_SECRET ?? 'bench-only-secret-0f6c2a9e4b7d13855ae0c1f27b9d46e38a5f0c7b21d94e6a',
};

export type Config = typeof config;
