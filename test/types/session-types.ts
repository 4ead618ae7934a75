/**
 * Type-level tests of `Session<T>`, compiled by `tsc -p tsconfig.json --noEmit` (the first step of
 * `npm test`); nothing here runs. Each `@ts-expect-error` must meet an error, or tsc fails (TS2578).
 */
import { expectTypeOf } from 'vitest';
import { z } from 'zod';
import { createSessions, type Session, type SessionData, type SessionError, type SessionManager, type SessionOptions } from '../../src/index.js';
import type { DeclaredSessionData } from '../../src/session.js';
import { memoryStore } from '../../src/stores/memory.js';
import { TEST_SECRET } from '../helpers/secrets.js';

const options: SessionOptions = { secret: TEST_SECRET, store: memoryStore() };

interface CartSession {
  visit: number;
  cart?: string[];
}
type VisitSession = { visit: number; username?: string };

export async function untypedValuesAreUnknown(): Promise<void> {
  const session = createSessions(options).load(undefined);
  expectTypeOf(session).toEqualTypeOf<Session<SessionData>>();
  expectTypeOf(await session.get('visit')).toEqualTypeOf<unknown>();
  expectTypeOf(await session.get('visit', 0)).toEqualTypeOf<unknown>();
  expectTypeOf(await session.pop('anything')).toEqualTypeOf<unknown>();
  expectTypeOf(await session.keys()).toEqualTypeOf<string[]>();
  expectTypeOf(await session.toJSON()).toEqualTypeOf<Partial<SessionData>>();
  // @ts-expect-error: an unknown value must be checked before arithmetic
  void ((await session.get('visit')) + 1);
  const visit = await session.get('visit');
  if (typeof visit === 'number') await session.set('visit', visit + 1);
  // Any key and any value compile; the value rules are checked when the code runs.
  await session.set('cart', ['book']);
  await session.update({ anything: { nested: true } });
}

export async function typedSessionsKeepTheirTypes(): Promise<void> {
  const session = createSessions<VisitSession>(options).load(undefined);
  expectTypeOf(await session.get('visit')).toEqualTypeOf<number | undefined>();
  expectTypeOf(await session.get('visit', 0)).toEqualTypeOf<number>();
  expectTypeOf(await session.get('username')).toEqualTypeOf<string | undefined>();
  expectTypeOf(await session.setDefault('visit', 0)).toEqualTypeOf<number>();
  await session.set('visit', 1);
  await session.update({ username: 'ada' });
  // @ts-expect-error: a misspelt key
  await session.set('visti', 1);
  // @ts-expect-error: a misspelt key
  await session.get('usernme');
  // @ts-expect-error: a misspelt key
  await session.has('visti');
  // @ts-expect-error: a misspelt key
  await session.update({ visti: 1 });
  // @ts-expect-error: visit is a number
  await session.set('visit', '1');
  // @ts-expect-error: an optional key is still not `undefined` (delete it instead)
  await session.set('username', undefined);
  // @ts-expect-error: visit is a number
  await session.update({ visit: 'one' });
}

export async function interfacesWorkAsTypeLiteralsDo(): Promise<void> {
  const session = createSessions<CartSession>(options).load(undefined);
  expectTypeOf(await session.get('cart')).toEqualTypeOf<string[] | undefined>();
  // @ts-expect-error: a misspelt key
  await session.set('carts', []);
  // @ts-expect-error: cart holds strings
  await session.set('cart', [1]);
}

export async function reservedKeysAreTypedInEveryTypedSession(): Promise<void> {
  const session = createSessions<VisitSession>(options).load(undefined);
  expectTypeOf(await session.get('_session_expiry')).toEqualTypeOf<string | number | undefined>();
  expectTypeOf(await session.get('_auth_user_id')).toEqualTypeOf<string | undefined>();
  expectTypeOf(await session.get('testcookie')).toEqualTypeOf<string | undefined>();
  expectTypeOf(await session.get('_messages')).toEqualTypeOf<string | undefined>();
  // @ts-expect-error: Django keeps the user's primary key as a string
  await session.set('_auth_user_id', 1);
  expectTypeOf<Awaited<ReturnType<typeof session.keys>>>().toEqualTypeOf<
    Array<'visit' | 'username' | '_session_expiry' | 'testcookie' | '_auth_user_id' | '_auth_user_backend' | '_auth_user_hash' | '_messages'>
  >();
}

// Passing sessions around needs no cast: a typed session is a `Session`, and a helper can be generic.
function showVisits(session: Session): Promise<unknown> {
  return session.get('visit');
}
function countVisit<T extends object>(session: Session<T>): Session {
  return session;
}
export function sessionsAreAssignableWhereTheyShouldBe(typed: Session<VisitSession>, cart: Session<CartSession>, untyped: Session): void {
  void showVisits(typed);
  void showVisits(cart);
  void countVisit(typed);
  const optional: Session<{ visit?: number; username?: string }> = typed;
  const manager: SessionManager = createSessions<CartSession>(options);
  void [optional, manager];
  // @ts-expect-error: an untyped session may hold anything under `visit`
  const narrowed: Session<VisitSession> = untyped;
  const untypedManager = createSessions(options);
  // @ts-expect-error: the same for an untyped manager
  const narrowedManager: SessionManager<VisitSession> = untypedManager;
  void narrowedManager;
  // @ts-expect-error: the types of `visit` conflict
  const conflicting: Session<{ visit: string }> = typed;
  // @ts-expect-error: `theme` is required there but missing here
  const missing: Session<{ visit: number; theme: string }> = typed;
  void [narrowed, conflicting, missing];
}

export function declaredDataIsUntypedUntilAKeyIsDeclared(): void {
  // biome-ignore lint/complexity/noBannedTypes: the empty interface of an app that has declared no key yet
  type Nothing = {};
  interface Declared {
    visit: number;
  }
  expectTypeOf<DeclaredSessionData<Nothing>>().toEqualTypeOf<SessionData>();
  expectTypeOf<DeclaredSessionData<Declared>>().toEqualTypeOf<{ visit: number }>();
  // An interface with declared keys still satisfies a `SessionData` constraint.
  expectTypeOf<DeclaredSessionData<Declared>>().toExtend<SessionData>();
}

// A hand-written Standard Schema: what zod, valibot and arktype objects are.
const handWritten = {
  '~standard': {
    version: 1,
    vendor: 'hand-written',
    validate: (value: unknown) => ({ value: value as { visit?: number } }),
  },
} as const;

export async function aSchemaTypesTheSession(): Promise<void> {
  const zodSessions = createSessions({
    ...options,
    schema: z.object({ visit: z.number().optional(), cart: z.array(z.string()).optional() }),
  });
  const session = zodSessions.load(undefined);
  expectTypeOf(await session.get('cart')).toEqualTypeOf<string[] | undefined>();
  // @ts-expect-error: a misspelt key
  await session.set('carts', []);
  // @ts-expect-error: visit is a number
  await session.set('visit', '1');

  const manual = createSessions({ ...options, schema: handWritten }).load(undefined);
  expectTypeOf(await manual.get('visit')).toEqualTypeOf<number | undefined>();

  // A data type given with a schema must be its output.
  createSessions<{ visit?: number }>({ ...options, schema: handWritten });
  // @ts-expect-error: the schema's output has no `theme`
  createSessions<{ visit?: number; theme: string }>({ ...options, schema: handWritten });

  // Options without a schema (from the environment, say) can still be given a data type.
  expectTypeOf(createSessions<VisitSession>(options)).toEqualTypeOf<SessionManager<VisitSession>>();
  expectTypeOf(createSessions(options)).toEqualTypeOf<SessionManager<SessionData>>();
  // @ts-expect-error: a schema must be a Standard Schema
  createSessions({ ...options, schema: { validate: () => true } });
}

export function sessionErrorStatusIsAUnion(error: SessionError): void {
  expectTypeOf(error.status).toEqualTypeOf<400 | 413 | 503>();
}
