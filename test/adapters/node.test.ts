import { createServer, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { attachSession, type SessionRequest, withSessions } from '../../src/adapters/node.js';
import { SessionInterrupted } from '../../src/errors.js';
import { createSessions, type SessionManager } from '../../src/manager.js';
import { memoryStore } from '../../src/stores/memory.js';
import { recordingLogger, TEST_SECRET } from '../helpers/secrets.js';
import { describeAdapterConformance } from './conformance.js';
import { cookiePair, type Listening, listen, setCookies } from './http-helpers.js';
import { answerWithNode } from './node-glue.js';
import { describeAdapterBehaviour } from './scenarios.js';

describeAdapterBehaviour({
  name: 'node:http',
  serve: (manager, handler) => createServer(withSessions(manager, handler)),
  answersHandlerErrors: true,
});

describeAdapterConformance({
  name: 'node:http',
  start: (manager, route, auth) =>
    listen(
      createServer(
        auth
          ? withSessions(manager, (req, res) => answerWithNode(route, req.session, req, res, req.user), { auth })
          : withSessions(manager, (req, res) => answerWithNode(route, req.session, req, res)),
      ),
    ),
});

describe('node:http adapter specifics', () => {
  const running: Listening[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.close()));
  });

  async function serve(handler: (req: SessionRequest, res: ServerResponse) => unknown, manager?: SessionManager) {
    const logger = recordingLogger();
    const sessions = manager ?? createSessions({ secret: TEST_SECRET, store: memoryStore(), logger });
    const server = await listen(createServer(withSessions(sessions, handler)));
    running.push(server);
    return { url: server.url, logger };
  }

  it('sends an untouched response at once, without waiting for a commit', async () => {
    let endedSynchronously: boolean | undefined;
    const { url } = await serve((_req, res) => {
      res.end('now');
      endedSynchronously = res.writableEnded;
    });
    const response = await fetch(`${url}/`);
    expect(await response.text()).toBe('now');
    expect(endedSynchronously).toBe(true);
  });

  it('holds a touched response until the commit is done', async () => {
    let endedSynchronously: boolean | undefined;
    const { url } = await serve(async (req, res) => {
      await req.session.set('x', 1);
      res.end('later');
      endedSynchronously = res.writableEnded;
    });
    const response = await fetch(`${url}/`);
    expect(await response.text()).toBe('later');
    expect(endedSynchronously).toBe(false);
    expect(cookiePair(response)).toMatch(/^sessionid=[a-z0-9]{32}$/);
  });

  it('answers a SessionError thrown by the handler with its status', async () => {
    const { url, logger } = await serve(() => {
      throw new SessionInterrupted();
    });
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe(`400 Bad Request: ${new SessionInterrupted().message}\n`);
    expect(logger.errors).toEqual([]); // a client-side condition, not a server fault
  });

  it('drops headers the handler set before failing, and logs the failure once', async () => {
    const { url, logger } = await serve((_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.setHeader('X-Partial', 'yes');
      throw new Error('boom');
    });
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(500);
    expect(response.headers.get('x-partial')).toBeNull();
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(logger.errors).toHaveLength(1);
    expect(logger.errors[0]).toContain('boom');
  });

  it('cuts off a streamed response whose handler fails midway', async () => {
    const { url } = await serve(async (req, res) => {
      await req.session.set('x', 1);
      res.write('partial');
      throw new Error('failed while streaming');
    });
    await expect(fetch(`${url}/`).then((response) => response.text())).rejects.toThrow();
  });

  it('keeps a wrapper installed on the response after it (as compression does)', async () => {
    const { url } = await serve(async (req, res) => {
      const end = res.end as (chunk: string) => ServerResponse;
      res.end = function (this: ServerResponse, chunk?: unknown) {
        return end.call(this, String(chunk).toUpperCase());
      } as ServerResponse['end'];
      await req.session.set('x', 1);
      res.end('wrapped');
    });
    const response = await fetch(`${url}/`);
    expect(await response.text()).toBe('WRAPPED');
    expect(setCookies(response)).toHaveLength(1);
  });

  it('attachSession works with a hand-written node:http handler', async () => {
    const sessions = createSessions({ secret: TEST_SECRET, store: memoryStore() });
    const server = await listen(
      createServer((req, res) => {
        const session = attachSession(sessions, req, res);
        void session.set('x', 'manual').then(() => res.end('ok'));
      }),
    );
    running.push(server);
    const response = await fetch(`${server.url}/`);
    expect(await response.text()).toBe('ok');
    expect(cookiePair(response)).toMatch(/^sessionid=[a-z0-9]{32}$/);
  });
});
