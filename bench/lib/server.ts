import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { get } from './http.js';

export interface Server {
  port: number;
  /** the server's process (taskset execs it, so this is node's or gunicorn's own pid) */
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });

export async function startServer(command: string[], core: string, env: NodeJS.ProcessEnv, port: number): Promise<Server> {
  const child = spawn('taskset', ['-c', core, ...command], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let tail = '';
  // Keep only the end of the output: it is for error reports, and the pipes must never fill up.
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => {
    gone = true;
    live.delete(child);
  });

  const stop = async () => {
    if (gone) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (gone) throw new Error(`server exited during start-up:\n${tail}`);
    try {
      const res = await get(port, '/hello');
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server not ready after 30 s:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, pid: child.pid ?? 0, output: () => tail, stop };
}
