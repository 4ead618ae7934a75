/** Where the memcached store's own client connects: its servers, from `url` or `servers`. */
import { SessionConfigError } from '../../errors.js';

/** The servers of a `memcached://host:port[,host:port…]` URL. */
export function serversOfUrl(storeName: string, url: string): string[] {
  const match = /^memcached:\/\/([^/?#]+)\/?$/.exec(url);
  if (!match) {
    throw new SessionConfigError(
      `${storeName}: ${JSON.stringify(url)} is not a memcached URL; write it as 'memcached://host:11211' or 'memcached://host1:11211,host2:11211'.`,
    );
  }
  return checkServers(storeName, match[1]!.split(','));
}

/** The servers as `host:port`, port 11211 when left out. */
export function checkServers(storeName: string, servers: readonly string[]): string[] {
  if (!Array.isArray(servers) || servers.length === 0) {
    throw new SessionConfigError(`${storeName}: \`servers\` must list at least one 'host:port', e.g. ['127.0.0.1:11211'].`);
  }
  return servers.map((server) => {
    const match = typeof server === 'string' ? /^([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(server.trim()) : null;
    const port = Number(match?.[2] ?? 11211);
    if (!match || port < 1 || port > 65535) {
      throw new SessionConfigError(`${storeName}: ${JSON.stringify(server)} is not a memcached server; write it as 'host:port', e.g. '127.0.0.1:11211'.`);
    }
    return `${match[1]}:${port}`;
  });
}
