/**
 * `npm start` (examples/demo/server.ts) in a child process: FRAMEWORK chooses the framework, named in the
 * start-up line, and every one serves the demo; an unknown FRAMEWORK stops the start with the values there
 * are, and no stack trace.
 *
 * The start without FRAMEWORK runs as `npm start` runs it, through the tsx loader; the others run the
 * same server.ts compiled once with esbuild (test/helpers/compiled-entry.ts), which starts in half the
 * CPU time.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FRAMEWORKS } from '../../examples/demo/app.js';
import { compiledEntry } from '../helpers/compiled-entry.js';
import { cookieOf } from '../helpers/cookies.js';
import { TEST_SECRET } from '../helpers/secrets.js';

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const SERVER = fileURLToPath(new URL('../../examples/demo/server.ts', import.meta.url));
const compiledServer = compiledEntry(SERVER, 'demo-server');
afterAll(() => compiledServer.remove());
const LISTENING = /^sessionkit demo \((\w+)\) listening on (http:\/\/127\.0\.0\.1:\d+\/)$/m;

interface Run {
  /** The start-up line's framework and URL, once printed; `undefined` if the process ended first. */
  readonly started: Promise<{ framework: string; url: string } | undefined>;
  /** The exit code and everything printed, once the process has ended. */
  readonly ended: Promise<{ code: number | null; stdout: string; stderr: string }>;
  stop(): void;
}

/**
 * Runs the demo's server with `FRAMEWORK=framework` (unset when `undefined`, and then through tsx, as
 * `npm start`) and `extra` variables, on a free port.
 */
async function runServer(framework: string | undefined, extra: NodeJS.ProcessEnv = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SECRET_KEY: TEST_SECRET,
    SESSION_ENGINE: 'cache',
    HOST: '127.0.0.1',
    PORT: '0',
    ...extra,
  };
  if (framework === undefined) delete env.FRAMEWORK;
  else env.FRAMEWORK = framework;
  const command = framework === undefined ? ['--import', TSX_LOADER, SERVER] : [await compiledServer.path()];
  const child = spawn(process.execPath, command, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let onStarted: (value: { framework: string; url: string } | undefined) => void = () => undefined;
  const started = new Promise<{ framework: string; url: string } | undefined>((resolve) => (onStarted = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    const match = LISTENING.exec(stdout);
    if (match) onStarted({ framework: match[1]!, url: match[2]! });
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const ended = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => {
      onStarted(undefined);
      resolve({ code, stdout, stderr });
    }),
  );
  return { started, ended, stop: () => child.kill('SIGTERM') };
}

// One server at a time: nine starting at once (each a Node process compiling the demo) would starve the
// test files running beside this one.
describe('FRAMEWORK=… npm start', () => {
  it.each([...FRAMEWORKS, undefined])('FRAMEWORK=%s: names the framework as it starts, serves the demo, and stops on SIGTERM', async (framework) => {
    const run = await runServer(framework);
    try {
      const started = await run.started;
      expect(started, (await Promise.race([run.ended, Promise.resolve(undefined)]))?.stderr).toBeDefined();
      expect(started!.framework).toBe(framework ?? 'node');
      const first = await fetch(`${started!.url}visit`);
      const cookie = cookieOf(first.headers.getSetCookie());
      expect(await first.text()).toBe('Visit count:1');
      expect(await (await fetch(`${started!.url}visit`, { headers: { cookie } })).text()).toBe('Visit count:2');
    } finally {
      run.stop();
    }
    const { code, stderr } = await run.ended;
    expect([code, stderr]).toEqual([0, '']);
  });

  it('a SESSION_ADMIN_TOKEN under 16 characters stops the start with how to make one, and no stack trace', async () => {
    const { code, stdout, stderr } = await (await runServer(undefined, { SESSION_ADMIN_TOKEN: 'letmein' })).ended;
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('SESSION_ADMIN_TOKEN has 7 characters; use at least 16');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('an unknown FRAMEWORK stops the start with the values there are, and no stack trace', async () => {
    const { code, stdout, stderr } = await (await runServer('django')).ended;
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('FRAMEWORK=django');
    for (const framework of FRAMEWORKS) expect(stderr).toContain(framework);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
