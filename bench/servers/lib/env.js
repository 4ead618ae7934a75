import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const secret = process.env.BENCH_SECRET ?? 'bench-only-secret-0f6c2a9e4b7d13855ae0c1f27b9d46e38a5f0c7b21d94e6a';
export const sqlitePath = join(process.env.BENCH_TMP ?? tmpdir(), 'sessionkit.sqlite3');

/** @param {string} name */
const required = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the harness sets it for variants that use this server`);
  return value;
};

// The harness gives every run a fresh table or key prefix (bench/lib/backends.ts); these read it.
export const postgres = () => ({ url: required('BENCH_POSTGRES_URL'), table: required('BENCH_PG_TABLE') });
export const mysql = () => ({ url: required('BENCH_MYSQL_URL'), table: required('BENCH_MYSQL_TABLE') });
export const redis = () => ({ url: required('BENCH_REDIS_URL'), keyPrefix: required('BENCH_REDIS_PREFIX') });
export const memcachedUrl = () => required('BENCH_MEMCACHED_URL');

/** A fresh directory for session files, apart from the harness's own files in the run's temp dir. */
export const sessionDirectory = () => {
  const dir = join(process.env.BENCH_TMP ?? tmpdir(), 'sessions');
  mkdirSync(dir, { recursive: true });
  return dir;
};
