/** `sessionkit list`: the live sessions, with their expiry, size and user. */
import { isProduction } from '../../config/env.js';
import { readString } from '../../config/values.js';
import type { Command } from '../command.js';
import { CommandFailure } from '../failures.js';
import { formatInstant, note, plural, printLine } from '../output.js';
import { withUsers } from './session-users.js';
import { storedSessions } from './shared.js';

// Most keys are 32 characters (Django's); longer ones simply push their line's other columns right.
const KEY_WIDTH = 32;
const EXPIRES_WIDTH = 23;
const SIZE_WIDTH = 10;

/** The `list` command. */
export const listCommand: Command = {
  name: 'list',
  summary: 'list the live sessions: key, expiry, size, user',
  args: [],
  description: `Lists the live sessions, one a line: key, expiry (UTC), size of the stored data in bytes, and the
id of the user logged in there (Django's _auth_user_id; "-" when nobody is, "?" when the data
does not verify with SECRET_KEY or SECRET_KEY_FALLBACKS). The number of sessions goes to stderr,
so stdout can be piped, with the number of expired ones that wait for clearsessions where the
store can count them.

The data itself is not shown: "sessionkit show KEY" decodes one session. memcached cannot
enumerate its keys, and signed-cookie sessions are not stored at all, so neither can be listed.
Nothing is created: a SQLite file or a session table that does not exist is reported, not made.
With NODE_ENV=production and no SECRET_KEY, the sessions are listed without their users.`,
  options: {
    json: { type: 'boolean', description: 'one JSON array of {"key", "expireDate", "size", "userId", "readable"} objects' },
  },
  async run({ io, options, openEngine }) {
    // The users need the secret; without one in production the rest is still listed.
    const verify = readString(io.env, 'SECRET_KEY') !== undefined || !isProduction(io.env);
    const engine = await openEngine({ usesSecret: verify, readOnly: true });
    const store = storedSessions(engine, 'list');
    if (typeof store.list !== 'function') {
      throw new CommandFailure(`the ${store.name} store cannot list its sessions: it has no way to enumerate its keys (${engine.origin.description}).`);
    }
    const json = options.json === true;
    let count = 0;
    let unreadable = 0;
    for await (const session of withUsers(engine, store, store.list(), verify)) {
      // The header waits for the first session, so a store that fails at once leaves stdout empty.
      if (count === 0 && !json) printLine(io, `${'KEY'.padEnd(KEY_WIDTH)}  ${'EXPIRES'.padEnd(EXPIRES_WIDTH)}  ${'SIZE'.padStart(SIZE_WIDTH)}  USER`);
      count++;
      if (!session.readable) unreadable++;
      if (json) {
        // One array, written as the sessions come (a store may hold millions): an element a line.
        const { key, expireDate, size, userId, readable } = session;
        const element = JSON.stringify({ key, expireDate: expireDate?.toISOString() ?? null, size, userId, readable });
        io.stdout.write(`${count === 1 ? '[\n' : ',\n'}  ${element}`);
      } else {
        const expires = session.expireDate === null ? 'never' : formatInstant(session.expireDate);
        const user = !session.readable ? '?' : (session.userId ?? '-');
        printLine(io, `${session.key.padEnd(KEY_WIDTH)}  ${expires.padEnd(EXPIRES_WIDTH)}  ${String(session.size).padStart(SIZE_WIDTH)}  ${user}`);
      }
    }
    if (json) printLine(io, count === 0 ? '[]' : '\n]');
    const expired = typeof store.countExpired === 'function' ? await store.countExpired() : 0;
    const waiting = expired > 0 ? `; ${plural(expired, 'expired session')} ${expired === 1 ? 'waits' : 'wait'} for clearsessions` : '';
    note(io, `${plural(count, 'session')}${waiting} (${engine.origin.description}).`);
    if (unreadable > 0) {
      note(
        io,
        verify
          ? `The users of ${plural(unreadable, 'session')} are unknown ("?"): their data does not verify with SECRET_KEY or SECRET_KEY_FALLBACKS.`
          : 'The users are unknown ("?"): SECRET_KEY is not set, so the session data cannot be verified.',
      );
    }
  },
};
