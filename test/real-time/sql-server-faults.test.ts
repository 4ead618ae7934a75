/**
 * A SQL store on a database server that cannot be reached, hangs or goes down: it fails within its
 * timeouts, fast when nothing answers, with an error that says why, and recovers. A TCP proxy in front of
 * the server hangs or drops it on demand. These bound real time.
 */
import { expect, it } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import { createSessions, SessionLockTimeout, SessionStoreUnavailable } from '../../src/index.js';
import { mysqlStore } from '../../src/stores/mysql.js';
import { TEST_SECRET } from '../helpers/secrets.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { describeWith, messageOf, proxiedStores, rejection } from '../stores/sql-target.js';
import { sqlServers } from './sql-servers.js';

const future = (seconds = 3600): Date => new Date(Date.now() + seconds * 1000);

for (const server of sqlServers) {
  const { name } = server;
  const withUrl = (port: number): string => {
    const url = new URL(server.url);
    url.port = String(port);
    return url.toString();
  };

  describeWith(server, `${name} store: faults in real time`, () => {
    const proxied = proxiedStores(server, server.newTable);

    it('fails fast with a clear error when nothing listens on the port', async () => {
      const store = server.storeAt(withUrl(1), server.newTable(), { connectTimeoutMs: 2000 });
      try {
        const { ms, error } = await rejection(() => store.load(generateSessionKey()));
        expect(ms).toBeLessThan(2000);
        expect(messageOf(error)).toMatch(/ECONNREFUSED 127\.0\.0\.1:1/);
        const sessions = createSessions({ secret: TEST_SECRET, store });
        const session = sessions.load(`sessionid=${generateSessionKey()}`);
        const failure = await rejection(() => session.get('anything'));
        expect(failure.error).toBeInstanceOf(SessionStoreUnavailable);
        expect((failure.error as SessionStoreUnavailable).status).toBe(503);
        expect(messageOf(failure.error)).toBe(`Session store "${name}" is unavailable.`);
        expect(messageOf((failure.error as Error).cause)).toMatch(/ECONNREFUSED/);
      } finally {
        await store.close();
      }
    });

    it('gives up connecting to a server that accepts but never answers within the connect timeout', async () => {
      const { proxy, store } = await proxied({ connectTimeoutMs: 800 });
      try {
        await proxy.pause('hang');
        const { ms, error } = await rejection(() => store.load(generateSessionKey()));
        expect(ms).toBeGreaterThanOrEqual(700);
        expect(ms).toBeLessThan(2500);
        expect(messageOf(error)).toMatch(/ETIMEDOUT|timed? ?out/i);
      } finally {
        await store.close();
      }
    });

    it('gives up on a statement when the server hangs mid-connection, then recovers', async () => {
      const { proxy, store } = await proxied({ statementTimeoutMs: 500, connectTimeoutMs: 1000 });
      try {
        const key = generateSessionKey();
        await store.create(key, 'before-hang', future());
        await proxy.pause('hang');
        const { ms, error } = await rejection(() => store.load(key));
        // MySQL gives up after the statement timeout; pg one second later, the server being out of reach.
        expect(ms).toBeLessThan(3000);
        expect(messageOf(error)).toMatch(/timeout/i);
        await proxy.resume();
        expect((await store.load(key))?.data).toBe('before-hang');
      } finally {
        await store.close();
      }
    });

    it('fails fast while the server is down and works again when it is back', async () => {
      const { proxy, store } = await proxied();
      try {
        const key = generateSessionKey();
        await store.create(key, 'survives', future());
        await proxy.pause('down');
        const down = await rejection(() => store.load(key));
        expect(down.ms).toBeLessThan(1000);
        const lockDown = await rejection(() => store.lock(key, { waitMs: 3000, ttlMs: 10_000 }));
        expect(lockDown.error).not.toBeInstanceOf(SessionLockTimeout);
        expect(lockDown.ms).toBeLessThan(1000);
        await proxy.resume();
        expect((await store.load(key))?.data).toBe('survives');
        expect(await store.update(key, 'updated', future(), 'survives')).toBe('updated');
        await (await store.lock(key, { waitMs: 1000, ttlMs: 10_000 })).release();
      } finally {
        await store.close();
      }
    });
  });
}

const mysql = sqlServers.find((server) => server.name === 'mysql')!;
describeWith(mysql, 'mysql store: its pool in real time', () => {
  it('does not wait forever for a free connection', async () => {
    const proxy = await startTcpProxy(Number(new URL(mysql.url).port));
    const url = new URL(mysql.url);
    url.port = String(proxy.port);
    const store = mysqlStore({
      url: url.toString(),
      table: mysql.newTable(),
      connectionLimit: 1,
      acquireTimeoutMs: 300,
      statementTimeoutMs: 3000,
    });
    try {
      await store.exists(generateSessionKey());
      await proxy.pause('hang');
      const stuck = rejection(() => store.load(generateSessionKey()));
      const { ms, error } = await rejection(() => store.load(generateSessionKey()));
      expect(ms).toBeLessThan(1000);
      expect(messageOf(error)).toMatch(/no database connection became available within 300 ms/);
      await proxy.resume();
      await stuck.catch(() => {});
    } finally {
      await store.close();
      await proxy.close();
    }
  });
});
