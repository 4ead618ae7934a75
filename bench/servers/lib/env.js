import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const secret = process.env.BENCH_SECRET ?? 'bench-only-secret-0f6c2a9e4b7d13855ae0c1f27b9d46e38a5f0c7b21d94e6a';
export const sqlitePath = join(process.env.BENCH_TMP ?? tmpdir(), 'sessionkit.sqlite3');
