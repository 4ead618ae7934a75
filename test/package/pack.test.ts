/**
 * The package as users install it: `npm pack`, the tarball installed into scratch CommonJS and ESM
 * projects, every subpath imported both ways, and CommonJS and ESM bundles made with esbuild started.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

interface Manifest {
  readonly exports: Readonly<Record<string, unknown>>;
}

/** Every public subpath of the exports map, with each store for `./stores/*`. */
async function publicSubpaths(): Promise<string[]> {
  const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as Manifest;
  const stores = ['memory', 'sqlite', 'postgres', 'mysql', 'redis', 'memcached', 'file', 'cached-db', 'signed-cookies'];
  const subpaths: string[] = [];
  for (const [key, target] of Object.entries(manifest.exports)) {
    if (target === null || key === './package.json') continue;
    if (key === './stores/*') subpaths.push(...stores.map((store) => `sessionkit/stores/${store}`));
    else subpaths.push(key === '.' ? 'sessionkit' : `sessionkit/${key.slice(2)}`);
  }
  return subpaths;
}

/** An app for the bundlers: stores a visit in SQLite (a native driver left in node_modules) and prints 42. */
const BUNDLE_ENTRY = `import { createSessions } from 'sessionkit';
  import { sqliteStore } from 'sessionkit/stores/sqlite';
  const sessions = createSessions({ secret: 'x'.repeat(10) + 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ', store: sqliteStore({ path: ':memory:' }), logger: { warn() {}, error() {} } });
  async function main() {
    const s = sessions.load(undefined);
    await s.set('visit', 41);
    const { setCookie } = await sessions.commit(s);
    console.log((await sessions.load(setCookie[0].split(';')[0]).get('visit')) + 1);
    await sessions.close();
  }
  main();`;

describe('the packed package', () => {
  let scratch: string;
  let tarball: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'sessionkit-pack-'));
    // npm pack runs the prepare script, which builds dist/ (TypeScript 7: a CPU-second or two), so it packs
    // the compiled library of these sources, not two files.
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', scratch], {
      cwd: ROOT,
      maxBuffer: 16 << 20,
    });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = join(scratch, packed!.filename);
    // Installed once, in the folder that holds both projects: each finds it as a project finds its own.
    await writeFile(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], { cwd: scratch });
    for (const flavour of ['cjs', 'esm']) {
      const project = join(scratch, flavour);
      await mkdir(project);
      await writeFile(
        join(project, 'package.json'),
        JSON.stringify({ name: `scratch-${flavour}`, private: true, type: flavour === 'esm' ? 'module' : 'commonjs' }),
      );
    }
  }, 240_000);

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('ships the compiled library, its sources for the source maps, the licence and the changelog', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    const files = stdout.split('\n');
    for (const file of [
      'package/dist/index.js',
      'package/dist/index.d.ts',
      'package/dist/adapters/express.js',
      'package/src/index.ts',
      'package/LICENSE',
      'package/CHANGELOG.md',
      'package/README.md',
    ]) {
      expect(files).toContain(file);
    }
    const map = JSON.parse((await run('tar', ['-xzOf', tarball, 'package/dist/manager.js.map'])).stdout) as {
      sources: string[];
    };
    expect(map.sources).toEqual(['../src/manager.ts']);
  });

  it('require() loads every subpath from a CommonJS project', async () => {
    const subpaths = await publicSubpaths();
    const script = `for (const p of ${JSON.stringify(subpaths)}) { const m = require(p); if (Object.keys(m).length === 0) throw new Error(p + ' exported nothing'); } console.log('ok');`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: join(scratch, 'cjs') });
    expect(stdout.trim()).toBe('ok');
  });

  it('import loads every subpath from an ESM project', async () => {
    const subpaths = await publicSubpaths();
    const script = `for (const p of ${JSON.stringify(subpaths)}) { const m = await import(p); if (Object.keys(m).length === 0) throw new Error(p + ' exported nothing'); } console.log('ok');`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(scratch, 'esm'),
    });
    expect(stdout.trim()).toBe('ok');
  });

  it('a session works end to end from require() in CommonJS', async () => {
    const script = `
      const { createSessions } = require('sessionkit');
      const { memoryStore } = require('sessionkit/stores/memory');
      const sessions = createSessions({ secret: 'x'.repeat(10) + 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ', store: memoryStore(), logger: { warn() {}, error() {} } });
      (async () => {
        const s = sessions.load(undefined);
        await s.set('visit', 1);
        const { setCookie } = await sessions.commit(s);
        const again = sessions.load(setCookie[0].split(';')[0]);
        console.log(await again.get('visit'));
      })();`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: join(scratch, 'cjs') });
    expect(stdout.trim()).toBe('1');
  });

  it('a webpack bundle (the bundler of Next.js, for the server) starts and loads an optional driver from node_modules', async () => {
    const project = join(scratch, 'cjs');
    const entry = join(project, 'webpack-entry.mjs');
    await writeFile(entry, BUNDLE_ENTRY);
    const { default: webpack } = (await import('webpack')) as { default: typeof import('webpack') };
    const stats = await new Promise<import('webpack').Stats>((resolve, reject) =>
      webpack(
        {
          mode: 'production',
          target: 'node',
          context: project,
          entry,
          output: { path: project, filename: 'webpack-bundle.cjs', library: { type: 'commonjs2' } },
          // As Next.js leaves native modules to node_modules.
          externals: { 'better-sqlite3': 'commonjs better-sqlite3' },
          optimization: { minimize: false },
        },
        (error, result) => (error || !result ? reject(error ?? new Error('no stats')) : resolve(result)),
      ),
    );
    expect(stats.hasErrors(), stats.toString('errors-only')).toBe(false);
    const { stdout } = await run(process.execPath, [join(project, 'webpack-bundle.cjs')], {
      cwd: project,
      env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
    });
    expect(stdout.trim()).toBe('42');
  });

  it.each(['cjs', 'esm'] as const)('an esbuild %s bundle starts and loads an optional driver from node_modules', async (format) => {
    const project = join(scratch, format);
    const entry = join(project, 'entry.mjs');
    await writeFile(entry, BUNDLE_ENTRY);
    const out = join(project, `bundle.${format === 'cjs' ? 'cjs' : 'mjs'}`);
    const esbuild = join(ROOT, 'node_modules/.bin/esbuild');
    // better-sqlite3 is native: it stays outside the bundle, as every bundler leaves such drivers.
    await run(esbuild, [entry, '--bundle', '--platform=node', `--format=${format}`, '--external:better-sqlite3', `--outfile=${out}`], { cwd: project });
    const { stdout } = await run(process.execPath, [out], {
      cwd: project,
      env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
    });
    expect(stdout.trim()).toBe('42');
  });
});
