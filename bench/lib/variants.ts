import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, config, rootDir, workDir } from './config.js';

export type Framework = 'node' | 'express' | 'django';

export interface Variant {
  name: string;
  framework: Framework;
  /** false for the bare ceilings, which answer `Visit count:1` without a session. */
  session: boolean;
  sessionkit: boolean;
  /** the session data travels in the cookie (signed cookies), so replayed cookies never advance. */
  cookieHeld?: boolean;
  /** src files the variant needs; it is "not available" until they exist. */
  needs: string[];
  /** peer compared against on the /visit workloads. */
  peer?: string;
  /** the same framework without sessions, compared against on the untouched route. */
  base?: string;
  command(port: number): string[];
}

const nodeScript = (file: string) => () => [process.execPath, join(benchDir, 'servers', file)];
const compiled = (name: string) => () => [process.execPath, join(workDir, 'build', 'bench', 'servers', `${name}.js`)];

const gunicorn = (port: number) => [
  config.gunicorn,
  '--workers', '1',
  '--worker-class', 'sync',
  '--bind', `127.0.0.1:${port}`,
  '--chdir', join(benchDir, 'django_app'),
  'benchsite.wsgi:application',
];

const stores = ['memory', 'sqlite', 'signed-cookies'] as const;
// signed cookies have no peer among the variants; on Express the framework ceiling stands in.
const sessionkitPeer: Record<string, Record<string, string | undefined>> = {
  node: { memory: 'express-session-memory', sqlite: 'django', 'signed-cookies': undefined },
  express: { memory: 'express-session-memory', sqlite: 'express-session-sqlite', 'signed-cookies': 'bare-express' },
};

const sessionkitVariants: Variant[] = (['node', 'express'] as const).flatMap((fw) =>
  stores.map((store): Variant => {
    const name = `sessionkit-${fw}-${store}`;
    return {
      name,
      framework: fw,
      session: true,
      sessionkit: true,
      cookieHeld: store === 'signed-cookies',
      needs: ['src/index.ts', `src/adapters/${fw}.ts`, `src/stores/${store}.ts`],
      peer: sessionkitPeer[fw]?.[store],
      base: fw === 'node' ? 'bare-node' : 'bare-express',
      command: compiled(name),
    };
  }),
);

export const variants: Variant[] = [
  { name: 'bare-node', framework: 'node', session: false, sessionkit: false, needs: [], command: nodeScript('bare-node.js') },
  { name: 'bare-express', framework: 'express', session: false, sessionkit: false, needs: [], base: 'bare-node', command: nodeScript('bare-express.js') },
  { name: 'express-session-memory', framework: 'express', session: true, sessionkit: false, needs: [], peer: 'bare-express', base: 'bare-express', command: nodeScript('express-session-memory.js') },
  { name: 'express-session-sqlite', framework: 'express', session: true, sessionkit: false, needs: [], peer: 'bare-express', base: 'bare-express', command: nodeScript('express-session-sqlite.js') },
  { name: 'django', framework: 'django', session: true, sessionkit: false, needs: [], command: gunicorn },
  ...sessionkitVariants,
];

export const missingSources = (v: Variant): string[] => v.needs.filter((f) => !existsSync(join(rootDir, f)));
