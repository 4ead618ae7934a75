import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, config, rootDir, workDir } from './config.js';

export type Framework = 'node' | 'express' | 'fastify' | 'koa' | 'hono' | 'fetch' | 'django';

/** A server outside the variant's process that it keeps its sessions on (see backends.ts). */
export type Backend = 'postgres' | 'mysql' | 'redis' | 'memcached';

/**
 * `core`: ceilings, Django and in-process stores; `engines`: server-backed stores and their peers;
 * `frameworks`: Fastify, Koa, Hono and the Fetch API adapter, each against its bare framework and its peers.
 */
export type VariantGroup = 'core' | 'engines' | 'frameworks';

export interface Variant {
  name: string;
  framework: Framework;
  /** false for the bare ceilings, which answer `Visit count:1` without a session. */
  session: boolean;
  sessionkit: boolean;
  /** the session data travels in the cookie (signed cookies), so replayed cookies never advance. */
  cookieHeld?: boolean | undefined;
  /** src files the variant needs; it is "not available" until they exist. */
  needs: string[];
  /** servers it needs: each run gets a fresh table or key prefix there (or its own memcached). */
  backends: Backend[];
  group: VariantGroup;
  /** another group that measures it too (the Express and node:http memory variants with the frameworks). */
  alsoIn?: VariantGroup | undefined;
  /** false to skip the untouched route (the frameworks group's peers: no target reads it, and it saves a minute). */
  untouched?: boolean | undefined;
  /** peer compared against on the /visit workloads. */
  peer?: string | undefined;
  /** the same framework without sessions, compared against on the untouched route. */
  base?: string | undefined;
  command(port: number): string[];
}

const nodeScript = (file: string) => () => [process.execPath, join(benchDir, 'servers', file)];
const compiled = (name: string) => () => [process.execPath, join(workDir, 'build', 'bench', 'servers', `${name}.js`)];

const gunicorn = (port: number) => [
  config.gunicorn,
  '--workers',
  '1',
  '--worker-class',
  'sync',
  '--bind',
  `127.0.0.1:${port}`,
  '--chdir',
  join(benchDir, 'django_app'),
  'benchsite.wsgi:application',
];

type Fw = 'node' | 'express';

interface StoreSetup {
  group: VariantGroup;
  /** files under src/stores/ */
  sources: string[];
  backends: Backend[];
  /** the peer per framework; engines without a peer among the variants compare with the framework's ceiling on Express. */
  peer(fw: Fw): string | undefined;
}

const noPeer = (fw: Fw) => (fw === 'express' ? 'bare-express' : undefined);

const stores: Record<string, StoreSetup> = {
  memory: { group: 'core', sources: ['memory'], backends: [], peer: () => 'express-session-memory' },
  sqlite: { group: 'core', sources: ['sqlite'], backends: [], peer: (fw) => (fw === 'node' ? 'django' : 'express-session-sqlite') },
  // signed cookies have no peer among the variants.
  'signed-cookies': { group: 'core', sources: ['signed-cookies'], backends: [], peer: noPeer },
  postgres: { group: 'engines', sources: ['postgres'], backends: ['postgres'], peer: () => 'express-session-postgres' },
  mysql: { group: 'engines', sources: ['mysql'], backends: ['mysql'], peer: noPeer },
  redis: { group: 'engines', sources: ['redis'], backends: ['redis'], peer: () => 'express-session-redis' },
  memcached: { group: 'engines', sources: ['memcached'], backends: ['memcached'], peer: noPeer },
  file: { group: 'engines', sources: ['file'], backends: [], peer: noPeer },
  // cached_db against its database alone shows what the cache in front buys.
  'cached-db-sqlite': { group: 'engines', sources: ['cached-db', 'memory', 'sqlite'], backends: [], peer: (fw) => `sessionkit-${fw}-sqlite` },
  'cached-db-postgres': {
    group: 'engines',
    sources: ['cached-db', 'redis', 'postgres'],
    backends: ['redis', 'postgres'],
    peer: (fw) => `sessionkit-${fw}-postgres`,
  },
};

const sessionkitVariant = (fw: Fw, store: string, setup: StoreSetup): Variant => {
  const name = `sessionkit-${fw}-${store}`;
  return {
    name,
    framework: fw,
    session: true,
    sessionkit: true,
    cookieHeld: store === 'signed-cookies',
    needs: ['src/index.ts', `src/adapters/${fw}.ts`, ...setup.sources.map((s) => `src/stores/${s}.ts`)],
    backends: setup.backends,
    group: setup.group,
    peer: setup.peer(fw),
    base: fw === 'node' ? 'bare-node' : 'bare-express',
    command: compiled(name),
  };
};

const sessionkitVariants = (group: VariantGroup): Variant[] =>
  (['node', 'express'] as const).flatMap((fw) =>
    Object.entries(stores)
      .filter(([, setup]) => setup.group === group)
      .map(([store, setup]) => sessionkitVariant(fw, store, setup)),
  );

/** The engines whose lost-update protection (compare-and-set on save) is measured against Django's last-write-wins. */
export const lastWriteWinsEngines = ['sqlite', 'postgres', 'redis'] as const;

// `mergeConcurrentUpdates: false`, compared with the same engine at its default.
const lastWriteWins = (store: (typeof lastWriteWinsEngines)[number]): Variant => ({
  ...sessionkitVariant('node', store, stores[store]!),
  name: `sessionkit-node-${store}-lww`,
  group: 'engines',
  peer: `sessionkit-node-${store}`,
  command: compiled(`sessionkit-node-${store}-lww`),
});

/** Each last-write-wins variant right after its default, so the two run minutes apart at most. */
const withLastWriteWins = (list: Variant[]): Variant[] =>
  list.flatMap((v) => {
    const engine = lastWriteWinsEngines.find((e) => v.name === `sessionkit-node-${e}`);
    return engine ? [v, lastWriteWins(engine)] : [v];
  });

const peer = (name: string, group: VariantGroup, backends: Backend[]): Variant => ({
  name,
  framework: 'express',
  session: true,
  sessionkit: false,
  needs: [],
  backends,
  group,
  peer: 'bare-express',
  base: 'bare-express',
  command: nodeScript(`${name}.js`),
});

const frameworkBase: Record<'fastify' | 'koa' | 'hono' | 'fetch', string> = {
  fastify: 'bare-fastify',
  koa: 'bare-koa',
  hono: 'bare-hono',
  fetch: 'bare-fetch',
};

const bareFramework = (fw: keyof typeof frameworkBase): Variant => ({
  name: frameworkBase[fw],
  framework: fw,
  session: false,
  sessionkit: false,
  needs: [],
  backends: [],
  group: 'frameworks',
  base: 'bare-node',
  command: nodeScript(`${frameworkBase[fw]}.js`),
});

/** sessionkit through a framework adapter, compared with `peer` on /visit and with the bare framework on /hello. */
const sessionkitOn = (fw: keyof typeof frameworkBase, store: 'memory' | 'redis', peer: string): Variant => {
  const name = `sessionkit-${fw}-${store}`;
  return {
    name,
    framework: fw,
    session: true,
    sessionkit: true,
    needs: ['src/index.ts', `src/adapters/${fw}.ts`, `src/stores/${store}.ts`],
    backends: store === 'redis' ? ['redis'] : [],
    group: 'frameworks',
    peer,
    base: frameworkBase[fw],
    command: compiled(name),
  };
};

/** A framework's own session library, run as written; its untouched route is skipped (see `untouched`). */
const frameworkPeer = (name: string, fw: keyof typeof frameworkBase, backends: Backend[]): Variant => ({
  name,
  framework: fw,
  session: true,
  sessionkit: false,
  needs: [],
  backends,
  group: 'frameworks',
  untouched: false,
  peer: frameworkBase[fw],
  base: frameworkBase[fw],
  command: nodeScript(`${name}.js`),
});

/** Measured by the frameworks group as well: the node:http and Express rows of its table. */
const alsoWithFrameworks = (v: Variant): Variant =>
  ['bare-express', 'express-session-memory', 'sessionkit-node-memory', 'sessionkit-express-memory'].includes(v.name) ? { ...v, alsoIn: 'frameworks' } : v;

// Each framework's variants one after another, so the ratios of a row compare servers measured minutes apart.
const frameworkVariants: Variant[] = [
  bareFramework('fetch'),
  // The Fetch API adapter is compared with sessionkit's own node:http adapter, which it must come close to.
  sessionkitOn('fetch', 'memory', 'sessionkit-node-memory'),
  bareFramework('fastify'),
  frameworkPeer('fastify-session-memory', 'fastify', []),
  sessionkitOn('fastify', 'memory', 'fastify-session-memory'),
  frameworkPeer('fastify-session-redis', 'fastify', ['redis']),
  sessionkitOn('fastify', 'redis', 'fastify-session-redis'),
  bareFramework('koa'),
  frameworkPeer('koa-session-memory', 'koa', []),
  sessionkitOn('koa', 'memory', 'koa-session-memory'),
  bareFramework('hono'),
  frameworkPeer('hono-sessions-memory', 'hono', []),
  frameworkPeer('hono-sessions-sealed-memory', 'hono', []),
  frameworkPeer('honojs-session-memory', 'hono', []),
  // Two peers on Hono (hono-sessions also with the encryptionKey its README recommends); the table compares
  // sessionkit with each, the variant's own `peer` is hono-sessions at its defaults.
  sessionkitOn('hono', 'memory', 'hono-sessions-memory'),
];

const listed: Variant[] = [
  { name: 'bare-node', framework: 'node', session: false, sessionkit: false, needs: [], backends: [], group: 'core', command: nodeScript('bare-node.js') },
  {
    name: 'bare-express',
    framework: 'express',
    session: false,
    sessionkit: false,
    needs: [],
    backends: [],
    group: 'core',
    base: 'bare-node',
    command: nodeScript('bare-express.js'),
  },
  peer('express-session-memory', 'core', []),
  peer('express-session-sqlite', 'core', []),
  { name: 'django', framework: 'django', session: true, sessionkit: false, needs: [], backends: [], group: 'core', command: gunicorn },
  ...sessionkitVariants('core'),
  peer('express-session-redis', 'engines', ['redis']),
  peer('express-session-postgres', 'engines', ['postgres']),
  ...sessionkitVariants('engines'),
  ...frameworkVariants,
];

export const variants: Variant[] = withLastWriteWins(listed.map(alsoWithFrameworks));

/**
 * The variants a run measures: BENCH_ONLY exactly as named, otherwise the group's own variants plus every
 * variant they are compared with (peers, bases, bare node:http), so each ratio has both sides.
 */
export function selectVariants(only: string[], group: VariantGroup | 'all'): Variant[] {
  if (only.length) {
    const unknown = only.filter((n) => !variants.some((v) => v.name === n));
    if (unknown.length) throw new Error(`BENCH_ONLY names unknown variants: ${unknown.join(', ')}`);
    return variants.filter((v) => only.includes(v.name));
  }
  if (group === 'all') return variants;
  const chosen = new Set(variants.filter((v) => v.group === group || v.alsoIn === group).map((v) => v.name));
  for (const v of variants.filter((x) => chosen.has(x.name))) {
    for (const other of [v.peer, v.base]) if (other) chosen.add(other);
  }
  chosen.add('bare-node');
  return variants.filter((v) => chosen.has(v.name));
}

export const missingSources = (v: Variant): string[] => v.needs.filter((f) => !existsSync(join(rootDir, f)));
