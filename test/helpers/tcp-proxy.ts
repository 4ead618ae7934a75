/**
 * A TCP proxy on a free local port, for fault tests: point a store at the proxy instead of the real
 * server, then make "the server" die, hang or come back without touching the real one.
 *
 *   const proxy = await startTcpProxy(5432);
 *   const store = postgresStore({ url: `postgres://postgres@127.0.0.1:${proxy.port}/test` });
 *   await proxy.pause();   // the server is down: connections are cut, new ones refused
 *   await proxy.resume();  // it is back, on the same port
 *   await proxy.close();
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * How a paused proxy behaves:
 * - `down`: like a crashed server: open connections are reset and new ones are refused;
 * - `hang`: like a frozen server or a dead network: connections stay open (new ones are accepted) but
 *   nothing is delivered either way until {@link TcpProxy.resume}.
 */
export type PauseMode = 'down' | 'hang';

/** A running proxy. */
export interface TcpProxy {
  /** The local port clients connect to (on 127.0.0.1). */
  readonly port: number;
  /** Connections currently open through the proxy. */
  readonly openConnections: number;
  /** Simulates a failure of the target; see {@link PauseMode}. @default mode 'down' */
  pause(mode?: PauseMode): Promise<void>;
  /** Ends the failure: listens again after `down`, delivers the held data after `hang`. */
  resume(): Promise<void>;
  /** Cuts every connection and stops listening. */
  close(): Promise<void>;
}

interface Link {
  readonly client: Socket;
  upstream: Socket | undefined;
  /** Data held while hanging, per direction. */
  readonly toUpstream: Buffer[];
  readonly toClient: Buffer[];
}

/** Starts a proxy from a free port on 127.0.0.1 to `targetHost:targetPort`. */
export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const links = new Set<Link>();
  let state: 'running' | PauseMode | 'closed' = 'running';
  let port = 0;
  let server: Server = createServer();

  const connectUpstream = (link: Link): void => {
    const upstream = connect({ host: targetHost, port: targetPort });
    link.upstream = upstream;
    upstream.setNoDelay(true);
    upstream.on('data', (chunk: Buffer) => {
      if (state === 'hang') link.toClient.push(chunk);
      else link.client.write(chunk);
    });
    upstream.on('error', () => link.client.destroy());
    upstream.on('close', () => link.client.destroy());
    for (const chunk of link.toUpstream.splice(0)) upstream.write(chunk);
  };

  const accept = (client: Socket): void => {
    if (state === 'down' || state === 'closed') {
      client.resetAndDestroy();
      return;
    }
    const link: Link = { client, upstream: undefined, toUpstream: [], toClient: [] };
    links.add(link);
    client.setNoDelay(true);
    client.on('data', (chunk: Buffer) => {
      if (state === 'hang' || link.upstream === undefined) link.toUpstream.push(chunk);
      else link.upstream.write(chunk);
    });
    client.on('error', () => link.upstream?.destroy());
    client.on('close', () => {
      link.upstream?.destroy();
      links.delete(link);
    });
    if (state === 'running') connectUpstream(link);
  };

  const listen = (onPort: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server = createServer(accept);
      server.once('error', reject);
      server.listen(onPort, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as { port: number }).port;
        resolve();
      });
    });

  const stopListening = (): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

  const cutAll = (): void => {
    for (const link of links) {
      link.client.resetAndDestroy();
      link.upstream?.destroy();
    }
    links.clear();
  };

  await listen(0);

  return {
    get port() {
      return port;
    },
    get openConnections() {
      return links.size;
    },
    async pause(mode: PauseMode = 'down') {
      if (state !== 'running') throw new Error(`tcp-proxy: cannot pause while ${state}`);
      state = mode;
      if (mode === 'down') {
        const closed = stopListening();
        cutAll();
        await closed;
      }
    },
    async resume() {
      if (state === 'running') return;
      if (state === 'closed') throw new Error('tcp-proxy: closed');
      const was = state;
      state = 'running';
      if (was === 'down') {
        await listen(port);
        return;
      }
      for (const link of links) {
        if (link.upstream === undefined) connectUpstream(link);
        else for (const chunk of link.toUpstream.splice(0)) link.upstream.write(chunk);
        for (const chunk of link.toClient.splice(0)) link.client.write(chunk);
      }
    },
    async close() {
      if (state === 'closed') return;
      const wasListening = state !== 'down';
      state = 'closed';
      cutAll();
      if (wasListening) await stopListening();
    },
  };
}
