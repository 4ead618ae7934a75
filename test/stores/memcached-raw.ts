/** Reading a memcached server directly, behind the store's back, for the memcached tests. */
import { askTcp } from '../helpers/servers.js';

/** The raw value under `key` on the server at `port`, read with the text protocol; `null` when absent. */
export async function rawGet(port: number, key: string): Promise<string | null> {
  const reply = await askTcp(port, `get ${key}\r\n`, (r) => r.endsWith('END\r\n'));
  const match = /^VALUE \S+ \d+ \d+\r\n([\s\S]*)\r\nEND\r\n$/.exec(reply);
  return match ? match[1]! : null;
}
