import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { config } from './config.js';
import { freePort } from './server.js';
import type { Backend, Variant } from './variants.js';

/** What one run of a variant gets on its servers: environment for the server process, and the clean-up. */
export interface Provisioned {
  env: Record<string, string>;
  /** Removes the run's table, keys or memcached; resolves what it removed, for the log. */
  cleanup(): Promise<string>;
}

interface Resource {
  env: Record<string, string>;
  cleanup(): Promise<string>;
}

// Each run owns its table or key prefix, so no run reads another's sessions and nothing is left behind.
let runs = 0;
const runId = () => `${process.pid}_${++runs}`;

const withPostgres = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: config.postgresUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

const withMysql = async <T>(work: (conn: mysql.Connection) => Promise<T>): Promise<T> => {
  const conn = await mysql.createConnection({ uri: config.mysqlUrl, connectTimeout: 5000 });
  try {
    return await work(conn);
  } finally {
    await conn.end();
  }
};

const withRedis = async <T>(work: (client: Redis) => Promise<T>): Promise<T> => {
  const client = new Redis(config.redisUrl, { lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 1 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    client.disconnect();
  }
};

/** Deletes every key under `prefix` (SCAN, so other users of the server are not blocked); resolves how many. */
const deleteKeys = (prefix: string): Promise<number> =>
  withRedis(async (client) => {
    let removed = 0;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) removed += await client.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    return removed;
  });

async function postgresTable(v: Variant, id: string): Promise<Resource> {
  // sessionkit makes Django's table; the peer's table has connect-pg-simple's own columns.
  const table = `${v.sessionkit ? 'bench_django_session' : 'bench_express_session'}_${id}`;
  const drop = () => withPostgres((c) => c.query(`DROP TABLE IF EXISTS "${table}"`));
  await drop();
  return {
    env: { BENCH_POSTGRES_URL: config.postgresUrl, BENCH_PG_TABLE: table },
    cleanup: async () => {
      const rows = await withPostgres(async (c) => {
        const found = await c.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}"`).catch(() => null);
        return found?.rows[0]?.n ?? '0';
      });
      await drop();
      return `PostgreSQL table ${table} (${rows} rows)`;
    },
  };
}

async function mysqlTable(id: string): Promise<Resource> {
  const table = `bench_django_session_${id}`;
  const drop = () => withMysql((c) => c.query(`DROP TABLE IF EXISTS \`${table}\``));
  await drop();
  return {
    env: { BENCH_MYSQL_URL: config.mysqlUrl, BENCH_MYSQL_TABLE: table },
    cleanup: async () => {
      await drop();
      return `MariaDB table ${table}`;
    },
  };
}

async function redisPrefix(id: string): Promise<Resource> {
  const prefix = `bench${id}`;
  // Both sessionkit (`<keyPrefix>:<version>:…`) and connect-redis (given `<prefix>:`) put a colon after it.
  await deleteKeys(`${prefix}:`);
  return {
    env: { BENCH_REDIS_URL: config.redisUrl, BENCH_REDIS_PREFIX: prefix },
    cleanup: async () => `${await deleteKeys(`${prefix}:`)} Redis keys ${prefix}:*`,
  };
}

const memcachedProcesses = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of memcachedProcesses) child.kill('SIGKILL');
});

const memcachedAnswers = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('version\r\n'));
    socket.on('data', (chunk: Buffer) => done(chunk.toString().startsWith('VERSION')));
  });

/** A memcached of the run's own, on a free loopback port, stopped afterwards. */
async function ownMemcached(): Promise<Resource> {
  const port = await freePort();
  const child = spawn(config.memcached, ['-p', String(port), '-U', '0', '-l', '127.0.0.1', '-u', 'root'], { stdio: ['ignore', 'ignore', 'pipe'] });
  memcachedProcesses.add(child);
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', (err) => (stderr += String(err)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    memcachedProcesses.delete(child);
  };
  const deadline = Date.now() + 10_000;
  while (!(await memcachedAnswers(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`memcached did not start on port ${port}: ${stderr.trim() || 'no answer after 10 s'}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    env: { BENCH_MEMCACHED_URL: `memcached://127.0.0.1:${port}` },
    cleanup: async () => {
      await stop();
      return `memcached on port ${port}`;
    },
  };
}

const makers: Record<Backend, (v: Variant, id: string) => Promise<Resource>> = {
  postgres: postgresTable,
  mysql: (_v, id) => mysqlTable(id),
  redis: (_v, id) => redisPrefix(id),
  memcached: () => ownMemcached(),
};

/** Fresh tables, key prefixes and memcached processes for one run of `v`. */
export async function provision(v: Variant): Promise<Provisioned> {
  const id = runId();
  const made: Resource[] = [];
  const cleanup = async () => {
    const done: string[] = [];
    for (const r of made.reverse()) done.push(await r.cleanup());
    return done.join(', ');
  };
  try {
    for (const backend of v.backends) made.push(await makers[backend](v, id));
  } catch (err) {
    await cleanup().catch(() => '');
    throw new Error(`could not prepare ${v.backends.join(' + ')} for ${v.name}: ${(err as Error).message}`);
  }
  return { env: Object.assign({}, ...made.map((r) => r.env)), cleanup };
}

/** The version of each server the selected variants use, for RESULTS.md ("unreachable: …" when it is down). */
export async function serverVersions(backends: Set<Backend>): Promise<Record<string, string>> {
  const ask: Record<Backend, [string, () => Promise<string>]> = {
    postgres: [
      'PostgreSQL',
      () => withPostgres(async (c) => (await c.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?'),
    ],
    mysql: ['MariaDB/MySQL', () => withMysql(async (c) => String((await c.query<mysql.RowDataPacket[]>('SELECT VERSION() AS v'))[0][0]?.v))],
    redis: ['Redis', () => withRedis(async (c) => /redis_version:(\S+)/.exec(await c.info('server'))?.[1] ?? '?')],
    memcached: [
      'memcached',
      () =>
        new Promise((resolve) => {
          const child = spawn(config.memcached, ['-V'], { stdio: ['ignore', 'pipe', 'ignore'] });
          let out = '';
          child.stdout.on('data', (c: Buffer) => (out += c.toString()));
          child.on('error', (e) => resolve(`not runnable: ${e.message}`));
          child.on('exit', () => resolve(out.trim()));
        }),
    ],
  };
  const facts: Record<string, string> = {};
  for (const backend of backends) {
    const [label, version] = ask[backend];
    facts[label] = await version().catch((e: Error) => `unreachable: ${e.message}`);
  }
  return facts;
}
