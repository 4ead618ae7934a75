/**
 * The table a server store creates, compared with the one Django 3.2's schema editor creates for a
 * custom session model's table (§6.3), catalog against catalog, on PostgreSQL and MySQL alike. Django's
 * own `django_session`, made by its migrate, is compared in test/django/interop-*.test.ts.
 */
import { expect, it } from 'vitest';
import { generateSessionKey } from '../../src/core/session-key.js';
import { describeWithDjango, django, djangoDriverFor } from '../django/bridge.js';
import { describeWith, type SqlStoreTarget } from './sql-target.js';

/** Where Django creates its tables beside the store's, and how a table's catalog is read. */
export interface DjangoSchemaSide {
  /** The server's URL, for the driver Django needs. */
  readonly url: string;
  /** The longest table name the server takes (Django shortens index names to fit it). */
  readonly maxNameLength: number;
  /** Makes a namespace of Django's own (a schema, a database): Django's settings for it, and how to drop it. */
  openNamespace(): Promise<{ readonly settings: Record<string, unknown>; drop(): Promise<void> }>;
  /** `table`'s catalog (columns, constraints, indexes) with namespace names left out; in Django's namespace or the test database. */
  catalogOf(table: string, inDjangosNamespace: boolean): Promise<unknown>;
  /** What the catalog must hold besides being Django's: the columns as Django declares them. */
  readonly expected: Record<string, unknown>;
  /** How many indexes the catalog lists, the primary key's included. */
  readonly indexCount: number;
  /** Drops `table` with the test file's other tables. */
  dropLater(table: string): void;
}

/** Registers the comparison for one server dialect. */
export function describeDjangoSchema(target: SqlStoreTarget, side: DjangoSchemaSide): void {
  describeWith(target, `${target.name} store: table and indexes`, () => {
    describeWithDjango("as Django 3.2's schema editor creates them for a custom session model's table (§6.3)", () => {
      it(`creates the same table, index names included, for a custom name and for a ${side.maxNameLength}-character one Django shortens`, async () => {
        const tables = [target.newTable(), `${target.newTable()}_${'x'.repeat(side.maxNameLength)}`.slice(0, side.maxNameLength)];
        const namespace = await side.openNamespace();
        try {
          const created = await django(
            namespace.settings,
            tables.map((table) => ({ op: 'create_session_table', table })),
          );
          expect(created).toEqual(tables.map(() => null));
          for (const table of tables) {
            side.dropLater(table);
            const store = target.store(table);
            expect(await store.exists(generateSessionKey())).toBe(false);
            await store.close();
            const ours = (await side.catalogOf(table, false)) as { indexes: unknown[] };
            expect(ours).toEqual(await side.catalogOf(table, true));
            expect(ours).toMatchObject(side.expected);
            expect(ours.indexes).toHaveLength(side.indexCount);
          }
        } finally {
          await namespace.drop();
        }
      });
    }, [djangoDriverFor(side.url)]);
  });
}
