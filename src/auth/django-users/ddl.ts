/**
 * Django's `auth_user` table exactly as Django 3.2's `migrate` leaves it on each database (after all of
 * `django.contrib.auth`'s migrations), for `sessionkit migrate --auth`: same columns, types, constraints,
 * index names and, on SQLite, the same schema text. Django's `auth_user` has no foreign keys, so no other
 * table is needed; the tables that refer to it (groups, permissions) are left to Django.
 * @module
 */

import { djangoIndexName } from '../../stores/sql/django-index-name.js';
import { POSTGRES_MAX_IDENTIFIER_LENGTH } from '../../stores/sql/postgres.js';
import type { UserStatements } from './statements.js';

/** The statements creating the table when it is missing (each idempotent), and the query telling whether it is there. */
export interface UserTableDdl {
  /** `IF NOT EXISTS` statements, run one after the other. */
  readonly create: readonly string[];
  /** Resolves rows (one, when the table exists) from {@link UserTableDdl.existsValues}. */
  readonly exists: string;
  readonly existsValues: readonly unknown[];
}

/** The DDL of Django's `User` under the table `statements` are for. */
export function djangoUserTableDdl(statements: UserStatements): UserTableDdl {
  const t = statements.quotedTable;
  const { table, schema } = statements.table;
  switch (statements.dialect) {
    case 'sqlite':
      // SQLite keeps the text of the last table rebuild Django's migrations made (first_name last), without IF NOT EXISTS.
      return {
        create: [
          `CREATE TABLE IF NOT EXISTS ${t} ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "password" varchar(128) NOT NULL, "last_login" datetime NULL, ` +
            `"is_superuser" bool NOT NULL, "username" varchar(150) NOT NULL UNIQUE, "last_name" varchar(150) NOT NULL, "email" varchar(254) NOT NULL, ` +
            `"is_staff" bool NOT NULL, "is_active" bool NOT NULL, "date_joined" datetime NOT NULL, "first_name" varchar(150) NOT NULL)`,
        ],
        exists: `SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = ?`,
        existsValues: [table],
      };
    case 'postgres': {
      const like = djangoIndexName(table, ['username'], '_like', POSTGRES_MAX_IDENTIFIER_LENGTH);
      // serial gives Django 3.2's <table>_id_seq; UNIQUE inline gives its <table>_username_key.
      return {
        create: [
          `CREATE TABLE IF NOT EXISTS ${t} ("id" serial NOT NULL PRIMARY KEY, "password" varchar(128) NOT NULL, "last_login" timestamp with time zone NULL, ` +
            `"is_superuser" boolean NOT NULL, "username" varchar(150) NOT NULL UNIQUE, "first_name" varchar(150) NOT NULL, "last_name" varchar(150) NOT NULL, ` +
            `"email" varchar(254) NOT NULL, "is_staff" boolean NOT NULL, "is_active" boolean NOT NULL, "date_joined" timestamp with time zone NOT NULL)`,
          `CREATE INDEX IF NOT EXISTS "${like}" ON ${t} ("username" varchar_pattern_ops)`,
        ],
        exists: 'SELECT 1 AS found WHERE to_regclass($1) IS NOT NULL',
        existsValues: [t],
      };
    }
    case 'mysql':
      // UNIQUE inline: MySQL names the key after the column, as it did for Django.
      return {
        create: [
          `CREATE TABLE IF NOT EXISTS ${t} (\`id\` integer AUTO_INCREMENT NOT NULL PRIMARY KEY, \`password\` varchar(128) NOT NULL, \`last_login\` datetime(6) NULL, ` +
            `\`is_superuser\` bool NOT NULL, \`username\` varchar(150) NOT NULL UNIQUE, \`first_name\` varchar(150) NOT NULL, \`last_name\` varchar(150) NOT NULL, ` +
            `\`email\` varchar(254) NOT NULL, \`is_staff\` bool NOT NULL, \`is_active\` bool NOT NULL, \`date_joined\` datetime(6) NOT NULL)`,
        ],
        exists: 'SELECT 1 AS found FROM information_schema.tables WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ?',
        existsValues: [schema ?? null, table],
      };
  }
}
