/**
 * Databases and key namespaces of their own for tests that configure sessionkit through DATABASE_URL and
 * CACHE_URL (which name no table): a fresh PostgreSQL or MySQL database per test file, dropped
 * afterwards, so files running in parallel never see each other's `django_session` rows.
 *
 * Servers: PostgreSQL `SESSIONKIT_PG_URL` (default postgres://postgres@127.0.0.1:5432/test), MySQL/MariaDB
 * `SESSIONKIT_MYSQL_URL` (default mysql://root@127.0.0.1:3306/test), Redis `SESSIONKIT_REDIS_URL`
 * (default redis://127.0.0.1:6379/0).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { describeIfAvailable, unavailableBecause } from './gate.js';

/** A PostgreSQL URL allowed to create databases. */
export const PG_ADMIN_URL = process.env['SESSIONKIT_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
/** A MySQL/MariaDB URL allowed to create databases. */
export const MYSQL_ADMIN_URL = process.env['SESSIONKIT_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/test';
/** The Redis server the tests share (their keys carry a prefix of their own). */
export const REDIS_URL = process.env['SESSIONKIT_REDIS_URL'] ?? 'redis://127.0.0.1:6379/0';

/** A name unique to this process and call, e.g. `sk_cli_1a2b3c4d5e`: letters, digits, underscores. */
export function uniqueName(label: string): string {
  return `sk_${label}_${process.pid.toString(36)}${randomBytes(4).toString('hex')}`;
}

/** A database created for one test file. */
export interface ScratchDatabase {
  /** A `DATABASE_URL` naming it. */
  readonly url: string;
  /** Runs one statement in it, on a connection of its own, and resolves the rows. */
  query<R = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<R[]>;
  /** Drops it (closing every connection to it first). */
  drop(): Promise<void>;
}

function withDatabase(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.href;
}

/** Creates a PostgreSQL database; rejects when the server cannot be used. */
export async function createScratchPostgres(label: string): Promise<ScratchDatabase> {
  const name = uniqueName(label);
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(PG_ADMIN_URL, name);
  const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 3000 });
  pool.on('error', () => {});
  return {
    url,
    query: async <R>(sql: string, values: unknown[] = []) => (await pool.query(sql, values)).rows as R[],
    drop: async () => {
      await pool.end();
      const dropper = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** Creates a MySQL/MariaDB database; rejects when the server cannot be used. */
export async function createScratchMysql(label: string): Promise<ScratchDatabase> {
  const name = uniqueName(label);
  const admin = await mysql.createConnection({ uri: MYSQL_ADMIN_URL, connectTimeout: 3000 });
  try {
    await admin.query(`CREATE DATABASE \`${name}\``);
  } finally {
    await admin.end();
  }
  const url = withDatabase(MYSQL_ADMIN_URL, name);
  const pool = mysql.createPool({ uri: url, connectionLimit: 2, connectTimeout: 3000 });
  return {
    url,
    query: async <R>(sql: string, values: unknown[] = []) => (await pool.query(sql, values))[0] as R[],
    drop: async () => {
      await pool.end();
      const dropper = await mysql.createConnection({ uri: MYSQL_ADMIN_URL, connectTimeout: 3000 });
      try {
        await dropper.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** A Redis client for inspecting keys; rejects when the server does not answer. */
export async function connectRedis(): Promise<Redis> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  await client.connect();
  await client.ping();
  return client;
}

/** Deletes every key starting with `prefix`. */
export async function deleteRedisKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}

/** Runs `attempt`; resolves `undefined` when it worked, else why `what` is unavailable. */
export async function unavailability(what: string, attempt: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await attempt();
    return undefined;
  } catch (error) {
    return unavailableBecause(what, error);
  }
}

/**
 * `describe` for tests needing a server: run when `unavailable` is undefined; otherwise a failing test
 * under CI (the environment must provide the server), and a loud skip elsewhere (helpers/gate.ts).
 */
export function describeNeeding(name: string, unavailable: string | undefined, body: () => void): void {
  describeIfAvailable('its server', unavailable, name, body);
}

/** The shared servers one test file works on: its own PostgreSQL and MySQL databases and Redis prefix. */
export interface ScratchServers {
  readonly postgres: ScratchDatabase | undefined;
  readonly mysql: ScratchDatabase | undefined;
  readonly redis: Redis | undefined;
  /** Why a server cannot be used (`undefined` when it can), for {@link describeNeeding}. */
  readonly postgresUnavailable: string | undefined;
  readonly mysqlUnavailable: string | undefined;
  readonly redisUnavailable: string | undefined;
  /** A Redis key prefix no other test file uses. */
  readonly redisPrefix: string;
  /** Drops the databases, deletes the prefix's keys and disconnects. */
  cleanup(): Promise<void>;
}

/** Opens a scratch database on PostgreSQL and MySQL and a Redis connection, each named after `label`. */
export async function openScratchServers(label: string): Promise<ScratchServers> {
  let postgres: ScratchDatabase | undefined;
  let mysql: ScratchDatabase | undefined;
  let redis: Redis | undefined;
  const postgresUnavailable = await unavailability('PostgreSQL', async () => {
    postgres = await createScratchPostgres(label);
  });
  const mysqlUnavailable = await unavailability('MySQL/MariaDB', async () => {
    mysql = await createScratchMysql(label);
  });
  const redisUnavailable = await unavailability('Redis', async () => {
    redis = await connectRedis();
  });
  const redisPrefix = uniqueName(label);
  return {
    postgres,
    mysql,
    redis,
    postgresUnavailable,
    mysqlUnavailable,
    redisUnavailable,
    redisPrefix,
    async cleanup() {
      await Promise.all([postgres?.drop(), mysql?.drop()]);
      if (redis) {
        await deleteRedisKeys(redis, redisPrefix);
        redis.disconnect();
      }
    },
  };
}
