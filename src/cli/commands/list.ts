/** `sessionkit list`: the live sessions, with their expiry and size. */
import type { Command } from '../command.js';
import { CommandFailure } from '../failures.js';
import { formatInstant, note, plural, printLine } from '../output.js';
import { storedSessions } from './shared.js';

// Most keys are 32 characters (Django's); longer ones simply push their line's other columns right.
const KEY_WIDTH = 32;
const EXPIRES_WIDTH = 23;
const SIZE_WIDTH = 10;

/** The `list` command. */
export const listCommand: Command = {
  name: 'list',
  summary: 'list the live sessions: key, expiry, size',
  args: [],
  description: `Lists the live sessions, one a line: key, expiry (UTC), and size of the stored data in bytes. The
number of sessions goes to stderr, so stdout can be piped, with the number of expired ones that
wait for clearsessions where the store can count them.

The data itself is not shown: "sessionkit show KEY" decodes one session. memcached cannot
enumerate its keys, and signed-cookie sessions are not stored at all, so neither can be listed.
Nothing is created: a SQLite file or a session table that does not exist is reported, not made.`,
  options: {
    json: { type: 'boolean', description: 'one JSON array of {"key", "expireDate", "size"} objects' },
  },
  async run({ io, options, openEngine }) {
    const engine = await openEngine({ usesSecret: false, readOnly: true });
    const store = storedSessions(engine, 'list');
    if (typeof store.list !== 'function') {
      throw new CommandFailure(`the ${store.name} store cannot list its sessions: it has no way to enumerate its keys (${engine.origin.description}).`);
    }
    const json = options.json === true;
    let count = 0;
    for await (const session of store.list()) {
      // The header waits for the first session, so a store that fails at once leaves stdout empty.
      if (count === 0 && !json) printLine(io, `${'KEY'.padEnd(KEY_WIDTH)}  ${'EXPIRES'.padEnd(EXPIRES_WIDTH)}  ${'SIZE'.padStart(SIZE_WIDTH)}`);
      count++;
      if (json) {
        // One array, written as the sessions come (a store may hold millions): an element a line.
        const element = JSON.stringify({ key: session.key, expireDate: session.expireDate?.toISOString() ?? null, size: session.size });
        io.stdout.write(`${count === 1 ? '[\n' : ',\n'}  ${element}`);
      } else {
        const expires = session.expireDate === null ? 'never' : formatInstant(session.expireDate);
        printLine(io, `${session.key.padEnd(KEY_WIDTH)}  ${expires.padEnd(EXPIRES_WIDTH)}  ${String(session.size).padStart(SIZE_WIDTH)}`);
      }
    }
    if (json) printLine(io, count === 0 ? '[]' : '\n]');
    const expired = typeof store.countExpired === 'function' ? await store.countExpired() : 0;
    const waiting = expired > 0 ? `; ${plural(expired, 'expired session')} ${expired === 1 ? 'waits' : 'wait'} for clearsessions` : '';
    note(io, `${plural(count, 'session')}${waiting} (${engine.origin.description}).`);
  },
};
