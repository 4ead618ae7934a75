/**
 * Type-level tests of each adapter's session, compiled by `tsc -p tsconfig.json --noEmit`; nothing here
 * runs. Express, Fastify and Koa are typed by interfaces the whole program shares, so the keys declared
 * here are ones the examples and adapter tests declare too (`visit: number`); fixtures/ tests the
 * declarations as a separate project sees them, in `.ts` and `.d.ts` files.
 */
import { createServer } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { expectTypeOf } from 'vitest';
import { session as expressSession, sessionOf } from '../../src/adapters/express.js';
import { sessionPlugin } from '../../src/adapters/fastify.js';
import { commitSession, getSession, withSessions as withFetchSessions } from '../../src/adapters/fetch.js';
import { session as honoSession, type SessionEnv } from '../../src/adapters/hono.js';
import { session as koaSession } from '../../src/adapters/koa.js';
import { withSessions } from '../../src/adapters/node.js';
import { createSessions, type Session } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory.js';
import { TEST_SECRET } from '../helpers/secrets.js';

declare module '../../src/adapters/express.js' {
  interface ExpressSessionData {
    visit: number;
  }
}
declare module '../../src/adapters/fastify.js' {
  interface FastifySessionData {
    visit: number;
  }
}
declare module '../../src/adapters/koa.js' {
  interface KoaSessionData {
    visit: number;
  }
}

type VisitSession = { visit: number };
const untyped = createSessions({ secret: TEST_SECRET, store: memoryStore() });
const typed = createSessions<VisitSession>({ secret: TEST_SECRET, store: memoryStore() });

export function expressApp(): void {
  const app = express();
  app.use(expressSession(untyped));
  app.get('/', async (req, res) => {
    expectTypeOf(await req.session.get('visit')).toEqualTypeOf<number | undefined>();
    await req.session.set('visit', 1);
    // @ts-expect-error: a misspelt key
    await req.session.set('visti', 1);
    // @ts-expect-error: visit is a number
    await req.session.set('visit', '1');
    // A route that needs keys of its own reads the session untyped.
    expectTypeOf(await sessionOf(req).get('visti')).toEqualTypeOf<unknown>();
    res.end();
  });
}

export async function fastifyApp(): Promise<void> {
  const app = Fastify();
  await app.register(sessionPlugin, { sessions: typed });
  await app.register(sessionPlugin, { sessions: untyped });
  app.get('/', async (request) => {
    expectTypeOf(await request.session.get('visit')).toEqualTypeOf<number | undefined>();
    // @ts-expect-error: a misspelt key
    await request.session.set('visti', 1);
    // @ts-expect-error: visit is a number
    await request.session.set('visit', true);
    return 'ok';
  });
}

export function koaApp(): void {
  const app = new Koa();
  app.use(koaSession(untyped));
  app.use(async (ctx) => {
    expectTypeOf(await ctx.session.get('visit')).toEqualTypeOf<number | undefined>();
    // @ts-expect-error: a misspelt key
    await ctx.session.set('visti', 1);
    // @ts-expect-error: visit is a number
    await ctx.session.update({ visit: '1' });
  });
}

export function honoApps(): void {
  const declared = new Hono<SessionEnv<VisitSession>>();
  declared.use(honoSession(typed));
  declared.get('/', async (c) => {
    expectTypeOf(c.get('session')).toEqualTypeOf<Session<VisitSession>>();
    // @ts-expect-error: a misspelt key
    await c.get('session').set('visti', 1);
    // @ts-expect-error: visit is a number
    await c.get('session').set('visit', '1');
    return c.text('ok');
  });
  const inferred = new Hono().use(honoSession(typed));
  inferred.get('/', async (c) => {
    expectTypeOf(await c.get('session').get('visit')).toEqualTypeOf<number | undefined>();
    // @ts-expect-error: a misspelt key
    await c.get('session').get('visti');
    return c.text('ok');
  });
  const loose = new Hono<SessionEnv>().use(honoSession(untyped));
  loose.get('/', async (c) => {
    expectTypeOf(await c.get('session').get('visit')).toEqualTypeOf<unknown>();
    return c.text('ok');
  });
}

export const fetchHandler = withFetchSessions(typed, async (_request, _context, session) => {
  expectTypeOf(session).toEqualTypeOf<Session<VisitSession>>();
  // @ts-expect-error: a misspelt key
  await session.set('visti', 1);
  // @ts-expect-error: visit is a number
  await session.set('visit', null);
  return new Response('ok');
});

export async function fetchHalves(request: Request): Promise<Response> {
  const session = getSession(typed, request);
  expectTypeOf(await session.get('visit')).toEqualTypeOf<number | undefined>();
  // @ts-expect-error: a misspelt key
  await session.delete('visti');
  const loose = getSession(untyped, request);
  expectTypeOf(await loose.get('visit')).toEqualTypeOf<unknown>();
  return commitSession(typed, session, new Response('ok'), request);
}

export const nodeServer = createServer(
  withSessions(typed, async (req, res) => {
    expectTypeOf(await req.session.get('visit')).toEqualTypeOf<number | undefined>();
    // @ts-expect-error: a misspelt key
    await req.session.set('visti', 1);
    // @ts-expect-error: visit is a number
    await req.session.set('visit', '1');
    res.end();
  }),
);
