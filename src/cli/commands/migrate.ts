/** `sessionkit migrate`: creates Django's `django_session` table (and with `--auth`, `auth_user`) on the configured database. */
import type { Command } from '../command.js';
import { withDjangoUsers } from '../command-users.js';
import { CommandFailure } from '../failures.js';
import { printLine } from '../output.js';

/** The `migrate` command. */
export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'create the django_session table (db and cached_db engines); --auth: auth_user too',
  args: [],
  description: `Creates the django_session table, with Django's exact columns and indexes, on the database
DATABASE_URL names, when it is missing, and says whether it did; an existing table is left as
it is. Only the db and cached_db engines have a table; for the others there is nothing to do.

With --auth it also creates Django's auth_user table (the users createsuperuser, changepassword
and the apps' logins use) in the database DATABASE_URL names, whatever the engine, exactly as
Django 3.2's "manage.py migrate" leaves it. Use it only for a database no Django project migrates:
where a Django project shares the database, run Django's "manage.py migrate" instead; it creates
auth_user with the rest of django.contrib.auth's tables, and stops at a table that already exists.

If Django will later run "manage.py migrate" on the same database, run it with --fake-initial
(Django refuses to create a table that already exists), or let Django migrate first.`,
  options: {
    auth: { type: 'boolean', description: "also create Django's auth_user table (for a database no Django project migrates)" },
  },
  async run({ io, options, openEngine }) {
    const engine = await openEngine({ usesSecret: false });
    const where = engine.origin.description;
    if (engine.engine !== 'db' && engine.engine !== 'cached_db') {
      printLine(io, `Nothing to migrate: SESSION_ENGINE=${engine.engine} keeps no table (${where}).`);
    } else {
      const store = engine.store!;
      if (typeof store.migrate !== 'function') {
        throw new CommandFailure(`the ${store.name} store cannot create its table; create it with Django's "manage.py migrate sessions" (${where}).`);
      }
      const outcome = await store.migrate();
      printLine(
        io,
        outcome === 'created' ? `Created the django_session table (${where}).` : `The django_session table is already there; nothing was changed (${where}).`,
      );
    }
    if (options['auth'] === true) {
      await withDjangoUsers(
        io,
        async (users) => {
          const outcome = await users.migrate();
          printLine(
            io,
            outcome === 'created'
              ? `Created the ${users.table} table (${users.database}).`
              : `The ${users.table} table is already there; nothing was changed (${users.database}).`,
          );
        },
        { create: true },
      );
    }
  },
};
