/** `sessionkit migrate`: creates Django's `django_session` table on the configured database. */
import type { Command } from '../command.js';
import { printLine } from '../output.js';

// A key no session will have: asking whether it exists makes the store create its table when missing.
const PROBE_KEY = '0'.repeat(32);

/** The `migrate` command. */
export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'create the django_session table (db and cached_db engines)',
  args: [],
  description: `Creates the django_session table, with Django's exact columns and indexes, on the database
DATABASE_URL names, when it is missing; an existing table is left as it is. Only the db and
cached_db engines have a table; for the others there is nothing to do.

If Django will later run "manage.py migrate" on the same database, run it with --fake-initial
(Django refuses to create a table that already exists), or let Django migrate first.`,
  options: {},
  async run({ io, openEngine }) {
    const engine = await openEngine({ usesSecret: false });
    if (engine.engine !== 'db' && engine.engine !== 'cached_db') {
      printLine(io, `Nothing to migrate: SESSION_ENGINE=${engine.engine} keeps no table (${engine.origin.description}).`);
      return;
    }
    await engine.store!.exists(PROBE_KEY);
    printLine(io, `The django_session table is ready (${engine.origin.description}).`);
  },
};
