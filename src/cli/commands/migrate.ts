/** `sessionkit migrate`: creates Django's `django_session` table on the configured database. */
import type { Command } from '../command.js';
import { CommandFailure } from '../failures.js';
import { printLine } from '../output.js';

/** The `migrate` command. */
export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'create the django_session table (db and cached_db engines)',
  args: [],
  description: `Creates the django_session table, with Django's exact columns and indexes, on the database
DATABASE_URL names, when it is missing, and says whether it did; an existing table is left as
it is. Only the db and cached_db engines have a table; for the others there is nothing to do.

If Django will later run "manage.py migrate" on the same database, run it with --fake-initial
(Django refuses to create a table that already exists), or let Django migrate first.`,
  options: {},
  async run({ io, openEngine }) {
    const engine = await openEngine({ usesSecret: false });
    const where = engine.origin.description;
    if (engine.engine !== 'db' && engine.engine !== 'cached_db') {
      printLine(io, `Nothing to migrate: SESSION_ENGINE=${engine.engine} keeps no table (${where}).`);
      return;
    }
    const store = engine.store!;
    if (typeof store.migrate !== 'function') {
      throw new CommandFailure(`the ${store.name} store cannot create its table; create it with Django's "manage.py migrate sessions" (${where}).`);
    }
    const outcome = await store.migrate();
    printLine(io, outcome === 'created' ? `Created the django_session table (${where}).` : `The django_session table is already there; nothing was changed (${where}).`);
  },
};
