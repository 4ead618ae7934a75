/**
 * Closing a Redis store whose server never answered, on every client library the store creates its client
 * with: the waiting request ends, and the process exits at once instead of waiting for a dead socket. Each
 * case runs in a fresh node process and bounds how long it lives on, in real time.
 */
import { spawn } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compiledEntry } from '../helpers/compiled-entry.js';
import { DRIVERS } from '../stores/redis-drivers.js';

// The store compiled once for every case: on plain node a case starts in a fraction of the CPU time the
// TypeScript loader takes to compile the sources again in each fresh process.
const compiledStore = compiledEntry(fileURLToPath(new URL('../../src/stores/redis.ts', import.meta.url)), 'redis-store');
afterAll(() => compiledStore.remove());

describe.each(DRIVERS)('redis store on $name: closing leaves nothing running', ({ driver, packageName, ioredis }) => {
  /** Runs `body` in a fresh node; resolves what it printed (JSON) and how long the process lived after it. */
  async function inFreshNode(body: string, env: Record<string, string> = {}): Promise<{ output: Record<string, unknown>; exitAfterMs: number }> {
    const storeModule = pathToFileURL(await compiledStore.path()).href;
    // The driver as the test passes it: by name, or the module loaded from this project.
    const driverCode =
      typeof driver === 'string'
        ? JSON.stringify(driver)
        : `(await import('node:module')).createRequire(${JSON.stringify(storeModule)})(${JSON.stringify(packageName)})`;
    const script = `const { redisStore } = await import(${JSON.stringify(storeModule)});\nconst driver = ${driverCode};\n${body}`;
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let printedAt = 0;
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        printedAt = Date.now();
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.once('error', reject);
      child.once('close', (status) => {
        if (status !== 0 || printedAt === 0) reject(new Error(`the child node exited with ${status}: ${stderr}`));
        else resolve({ output: JSON.parse(stdout) as Record<string, unknown>, exitAfterMs: Date.now() - printedAt });
      });
    });
  }

  it(`lets the process exit at once after closing stores whose connection failed (single server${ioredis ? ' and cluster' : ''})`, async () => {
    const { output, exitAfterMs } = await inFreshNode(`
      const stores = [redisStore({ url: 'redis://127.0.0.1:1/0', driver })];
      if (${ioredis}) stores.push(redisStore({ clusterNodes: ['redis://127.0.0.1:1'], driver }));
      const failures = await Promise.all(stores.map((store) => store.load('abcdefgh12345678').then(() => 'loaded', (error) => error.message)));
      await Promise.all(stores.map((store) => store.close()));
      console.log(JSON.stringify({ failures }));
    `);
    expect(output['failures']).toEqual((ioredis ? [1, 2] : [1]).map(() => expect.stringMatching(/could not connect to redis/)));
    // ioredis's disconnect used to wait 2 s for a socket that had closed long before.
    expect(exitAfterMs).toBeLessThan(700);
  });

  it('ends a request waiting for a connection when the store closes, and exits at once', async () => {
    // Accepts connections and never answers: the store waits for the server to become ready.
    const silent = createServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const { output, exitAfterMs } = await inFreshNode(`
        const store = redisStore({ url: 'redis://127.0.0.1:${port}/0', driver, connectTimeoutMs: 10000, commandTimeoutMs: 10000 });
        const started = Date.now();
        const waiting = store.load('abcdefgh12345678').then(() => 'loaded', (error) => error.message);
        await new Promise((resolve) => setTimeout(resolve, 100));
        await store.close();
        const failure = await waiting;
        const after = await store.load('abcdefgh12345678').then(() => 'loaded', (error) => error.message);
        console.log(JSON.stringify({ failure, after, waitedMs: Date.now() - started }));
      `);
      expect(output['failure']).toMatch(/closed/);
      expect(output['after']).toMatch(/closed/);
      expect(output['waitedMs']).toBeLessThan(2000);
      expect(exitAfterMs).toBeLessThan(700);
    } finally {
      silent.close();
    }
  });
});
