/** `sessionkit list`: the stored sessions, with their expiry and size. */
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
  summary: 'list the stored sessions: key, expiry, size',
  args: [],
  description: `Lists the stored sessions, one a line: key, expiry (UTC), size of the stored data in bytes, and
"expired" for a session that has expired but was not cleared yet (see clearsessions). The
number of sessions goes to stderr, so stdout can be piped.

The data itself is not shown: "sessionkit show KEY" decodes one session. memcached cannot
enumerate its keys, and signed-cookie sessions are not stored at all, so neither can be listed.`,
  options: {
    json: { type: 'boolean', description: 'one JSON object a line: {"key", "expireDate", "size", "expired"}' },
  },
  async run({ io, options, openEngine }) {
    const engine = await openEngine({ usesSecret: false });
    const store = storedSessions(engine, 'list');
    if (typeof store.list !== 'function') {
      throw new CommandFailure(`the ${store.name} store cannot list its sessions: it has no way to enumerate its keys (${engine.origin.description}).`);
    }
    const json = options.json === true;
    const now = Date.now();
    let count = 0;
    let expired = 0;
    for await (const session of store.list()) {
      // The header waits for the first session, so a store that fails at once leaves stdout empty.
      if (count === 0 && !json) printLine(io, `${'KEY'.padEnd(KEY_WIDTH)}  ${'EXPIRES'.padEnd(EXPIRES_WIDTH)}  ${'SIZE'.padStart(SIZE_WIDTH)}`);
      count++;
      const isExpired = session.expireDate !== null && session.expireDate.getTime() <= now;
      if (isExpired) expired++;
      if (json) {
        printLine(io, JSON.stringify({ key: session.key, expireDate: session.expireDate?.toISOString() ?? null, size: session.size, expired: isExpired }));
      } else {
        const expires = session.expireDate === null ? 'never' : formatInstant(session.expireDate);
        printLine(io, `${session.key.padEnd(KEY_WIDTH)}  ${expires.padEnd(EXPIRES_WIDTH)}  ${String(session.size).padStart(SIZE_WIDTH)}${isExpired ? '  expired' : ''}`);
      }
    }
    note(io, `${plural(count, 'session')}${expired > 0 ? `, ${expired.toLocaleString('en-US')} of them expired` : ''} (${engine.origin.description}).`);
  },
};
