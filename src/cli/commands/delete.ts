/** `sessionkit delete KEY`: deletes one stored session (logs its user out). */
import type { Command } from '../command.js';
import { CommandFailure } from '../failures.js';
import { printLine } from '../output.js';
import { sessionKeyArgument, storedSessions } from './shared.js';

/** The `delete` command. */
export const deleteCommand: Command = {
  name: 'delete',
  summary: 'delete one stored session',
  args: ['KEY'],
  description: `Deletes the session KEY from the configured store: the browser holding that cookie gets a new,
empty session on its next request (a logged-in user is logged out). Fails when no session with
that key is stored.`,
  options: {},
  async run({ io, args, openEngine }) {
    const key = sessionKeyArgument(args[0]!, 'delete');
    const engine = await openEngine({ usesSecret: false });
    const store = storedSessions(engine, 'delete');
    if (!(await store.exists(key))) {
      throw new CommandFailure(`no session has the key ${key}, so nothing was deleted (${engine.origin.description}).`);
    }
    await store.delete(key);
    printLine(io, `Deleted session ${key}.`);
  },
};
