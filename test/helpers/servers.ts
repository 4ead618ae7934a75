/**
 * Throwaway Redis and memcached servers for tests: each one runs as a child process on a free loopback
 * port, in a temporary directory of its own, and can be stopped, killed, frozen and started again on the
 * same port (to test how a store behaves while its server is down and after it returns).
 *
 *   const memcached = await startMemcached();
 *   try { ... memcached.port ... await memcached.kill(); await memcached.start(); }
 *   finally { await memcached.stop(); }
 *
 * Every wait is bounded. Every process started here is also killed when the test process exits, so a
 * failing or interrupted test leaves nothing running.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** Path of the `redis-server` binary. */
export const REDIS_SERVER_BIN = '/usr/bin/redis-server';
/** Path of the `redis-cli` binary. */
export const REDIS_CLI_BIN = '/usr/bin/redis-cli';
/** Path of the `memcached` binary. */
export const MEMCACHED_BIN = '/usr/bin/memcached';

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/** Whether `path` is an executable file on this machine. */
export function haveExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

/**
 * Sends `request` to 127.0.0.1:`port` and resolves the reply once `complete(reply)` holds; rejects on a
 * connection error or after `timeoutMs`.
 */
export function askTcp(port: number, request: string, complete: (reply: string) => boolean, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    let reply = '';
    const socket = connect({ port, host: '127.0.0.1' });
    const finish = (error: Error | null): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(reply);
    };
    const timer = setTimeout(() => finish(new Error(`no complete reply from port ${port} within ${timeoutMs} ms`)), timeoutMs);
    socket.setEncoding('utf8');
    socket.once('error', finish);
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk: string) => {
      reply += chunk;
      if (complete(reply)) finish(null);
    });
    socket.once('close', () => finish(new Error(`port ${port} closed the connection; got ${JSON.stringify(reply)}`)));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries `attempt` until it resolves `true`, for at most `timeoutMs`; rejects with `what` otherwise. */
export async function waitUntil(what: string, attempt: () => Promise<boolean>, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await attempt()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(25);
  }
  const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
}

// Children still running, killed when the test process exits however it exits.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A server process the test controls. */
export interface ManagedServer {
  /** `redis` or `memcached`, for messages. */
  readonly kind: string;
  /** Its loopback port; the same across restarts. */
  readonly port: number;
  /** Its temporary working directory. */
  readonly dir: string;
  /** Whether the process is running. */
  readonly running: boolean;
  /** Starts the process again on the same port (after `kill` or `stop`) and waits until it answers. */
  start(): Promise<void>;
  /** Kills it abruptly (SIGKILL), as a crash would, and waits for it to exit. */
  kill(): Promise<void>;
  /** Stops it (SIGTERM, then SIGKILL after 5 s), waits for it to exit and removes its directory. */
  stop(): Promise<void>;
  /**
   * Freezes it (SIGSTOP): connections stay open but nothing is answered, like a hung server. Resolves
   * once every thread of the process has stopped (a stop signal reaches the threads one by one).
   */
  pause(): Promise<void>;
  /** Unfreezes it (SIGCONT). */
  resume(): void;
}

interface ServerRecipe {
  readonly kind: string;
  readonly binary: string;
  args(port: number, dir: string): string[];
  /** Resolves `true` once the server on `port` answers. */
  isReady(port: number): Promise<boolean>;
}

class ServerProcess implements ManagedServer {
  readonly kind: string;
  readonly port: number;
  readonly dir: string;
  readonly #recipe: ServerRecipe;
  #child: ChildProcess | null = null;
  #output = '';

  constructor(recipe: ServerRecipe, port: number) {
    this.kind = recipe.kind;
    this.#recipe = recipe;
    this.port = port;
    this.dir = mkdtempSync(join(tmpdir(), `sessionkit-${recipe.kind}-`));
  }

  get running(): boolean {
    return this.#child !== null;
  }

  async start(): Promise<void> {
    if (this.#child) return;
    const child = spawn(this.#recipe.binary, this.#recipe.args(this.port, this.dir), { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    running.add(child);
    const keep = (chunk: Buffer): void => {
      // The tail of the output explains a server that would not start.
      this.#output = (this.#output + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let exited = false;
    child.once('exit', () => {
      exited = true;
      running.delete(child);
      if (this.#child === child) this.#child = null;
    });
    child.once('error', (error) => keep(Buffer.from(String(error))));
    try {
      await waitUntil(`${this.kind} on port ${this.port}`, async () => {
        if (exited) throw new Error(`${this.kind} exited: ${this.#output}`);
        return this.#recipe.isReady(this.port);
      });
    } catch (error) {
      await this.kill();
      throw error;
    }
  }

  kill(): Promise<void> {
    return this.#end('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.#end('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }

  async pause(): Promise<void> {
    const child = this.#child;
    if (!child?.pid) return;
    child.kill('SIGSTOP');
    const pid = child.pid;
    await waitUntil(`${this.kind} (pid ${pid}) to stop`, async () => allThreadsStopped(pid), 2000);
  }

  resume(): void {
    this.#child?.kill('SIGCONT');
  }

  async #end(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // A frozen process acts on SIGKILL at once, on other signals only after SIGCONT. A kill must not wake
    // it first: between the two signals it would answer the commands queued while it was frozen, and the
    // store would see the server come back for a moment before it dies.
    if (signal !== 'SIGKILL') child.kill('SIGCONT');
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}

/** Whether every thread of `pid` is stopped, from Linux's /proc (elsewhere: assumed after a moment). */
async function allThreadsStopped(pid: number): Promise<boolean> {
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    await sleep(100);
    return true;
  }
  return threads.every((tid) => {
    try {
      // The state follows the parenthesised command name: "T" (stopped) or "t" (traced).
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      return /^[Tt]/.test(stat.slice(stat.lastIndexOf(')') + 2));
    } catch {
      return true;
    }
  });
}

// A free port can be taken by another test file between the probe and the server's bind: a server that
// could not start on a port it was not given tries again on another.
const LAUNCH_ATTEMPTS = 3;

async function launch(recipe: ServerRecipe, port?: number): Promise<ManagedServer> {
  if (!haveExecutable(recipe.binary)) throw new Error(`${recipe.binary} is not installed`);
  for (let attempt = 1; ; attempt++) {
    const server = new ServerProcess(recipe, port ?? (await freePort()));
    try {
      await server.start();
      return server;
    } catch (error) {
      await server.stop();
      if (port !== undefined || attempt >= LAUNCH_ATTEMPTS) throw error;
    }
  }
}

const redisPong = async (port: number): Promise<boolean> => (await askTcp(port, 'PING\r\n', (r) => r.includes('\r\n'))).startsWith('+PONG');

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** @default a free port */
  readonly port?: number;
  /** Extra `redis-server` arguments, e.g. `['--cluster-enabled', 'yes']`. */
  readonly args?: readonly string[];
}

/** Starts a `redis-server` without persistence on a free loopback port and waits until it answers PING. */
export function startRedisServer(options: RedisServerOptions = {}): Promise<ManagedServer> {
  return launch(
    {
      kind: 'redis',
      binary: REDIS_SERVER_BIN,
      args: (port, dir) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...(options.args ?? [])],
      isReady: redisPong,
    },
    options.port,
  );
}

/** Options of {@link startMemcached}. */
export interface MemcachedOptions {
  /** @default a free port */
  readonly port?: number;
}

/** Starts a `memcached` (TCP only) on a free loopback port and waits until it answers `version`. */
export function startMemcached(options: MemcachedOptions = {}): Promise<ManagedServer> {
  // memcached refuses to run as root unless told which user to run as.
  const asRoot = process.getuid?.() === 0 ? ['-u', 'root'] : [];
  return launch(
    {
      kind: 'memcached',
      binary: MEMCACHED_BIN,
      args: (port) => ['-p', String(port), '-U', '0', '-l', '127.0.0.1', ...asRoot],
      isReady: async (port) => (await askTcp(port, 'version\r\n', (r) => r.includes('\r\n'))).startsWith('VERSION'),
    },
    options.port,
  );
}

/** A running Redis Cluster of masters only. */
export interface RedisClusterHandle {
  /** The node processes. */
  readonly nodes: readonly ManagedServer[];
  /** Their client ports. */
  readonly ports: readonly number[];
  /** Stops every node and removes their directories. */
  stop(): Promise<void>;
}

function run(binary: string, args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${binary} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/**
 * Starts `size` cluster-enabled `redis-server`s (each with its own free cluster-bus port, so no `port +
 * 10000` can collide), joins them with `redis-cli --cluster create` (no replicas) and waits until every
 * node reports `cluster_state:ok`.
 */
export async function startRedisCluster(size = 3): Promise<RedisClusterHandle> {
  const nodes: ManagedServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    for (let i = 0; i < size; i++) {
      const busPort = await freePort();
      nodes.push(
        await startRedisServer({
          args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-port', String(busPort), '--cluster-node-timeout', '2000'],
        }),
      );
    }
    const ports = nodes.map((node) => node.port);
    await run(REDIS_CLI_BIN, ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'], 30_000);
    for (const port of ports) {
      await waitUntil(`cluster_state:ok on port ${port}`, async () =>
        (await askTcp(port, 'CLUSTER INFO\r\n', (r) => r.includes('cluster_known_nodes'))).includes('cluster_state:ok'),
      );
    }
    return { nodes, ports, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Why the servers' binaries at `paths` cannot be run here (`"/usr/bin/memcached is not installed"`), or
 * `null` when they all can: the `unavailable` argument of `describeIfAvailable` (helpers/gate.ts).
 */
export function missingExecutables(...paths: readonly string[]): string | null {
  const missing = paths.filter((path) => !haveExecutable(path));
  return missing.length === 0 ? null : `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not installed`;
}

/**
 * Starts a server with `start` before the tests of the enclosing `describe` and stops it after them.
 * Returns the server, for use inside those tests.
 */
export function useServer(start: () => Promise<ManagedServer>): () => ManagedServer {
  let server: ManagedServer | undefined;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('useServer(): the server is not started yet (use it inside a test)');
    return server;
  };
}
