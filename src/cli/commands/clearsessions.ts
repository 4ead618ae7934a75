/** `sessionkit clearsessions`: Django's `clearsessions`, deleting expired sessions. */
import type { SessionStore } from '../../stores/contract.js';
import type { ClearExpiredOptions } from '../../stores/internal/batched-delete.js';
import { positiveIntegerOption } from '../arguments.js';
import type { Command } from '../command.js';
import { note, plural, printLine } from '../output.js';
import { progressLine } from '../progress.js';

/** A store that deletes expired sessions a batch at a time (the PostgreSQL and MySQL stores). */
interface BatchClearing {
  clearExpiredInBatches(options: ClearExpiredOptions): Promise<number>;
}

function clearsInBatches(store: SessionStore): store is SessionStore & BatchClearing {
  return typeof (store as Partial<BatchClearing>).clearExpiredInBatches === 'function';
}

/** The `clearsessions` command. */
export const clearsessionsCommand: Command = {
  name: 'clearsessions',
  summary: 'delete expired sessions (run it from cron)',
  args: [],
  description: `Deletes the sessions that have expired, as Django's "manage.py clearsessions" does, and prints how
many were deleted. Can be run as a cron job.

  db, cached_db  deletes the rows whose expire_date has passed; on PostgreSQL and MySQL a batch at
                 a time, so the requests of a busy site get in between
  file           deletes the expired files in SESSION_FILE_PATH
  cache          nothing to do: the cache server expires sessions itself
  signed_cookies nothing to do: each cookie expires by itself

On a terminal, the count so far is shown while it runs.`,
  options: {
    'batch-size': { type: 'string', valueName: 'N', description: 'rows deleted per statement on PostgreSQL and MySQL (default 5000)' },
  },
  async run({ io, options, openEngine }) {
    const batchSize = positiveIntegerOption(options['batch-size'], 'batch-size', 'clearsessions');
    const engine = await openEngine({ usesSecret: false });
    const store = engine.store;
    if (store === null) {
      printLine(io, 'Nothing to clear: with signed_cookies the sessions live in the browsers, and each cookie expires by itself.');
      return;
    }
    if (engine.engine === 'cache') {
      printLine(io, `Nothing to clear: the cache expires sessions by itself (${engine.origin.description}).`);
      return;
    }
    let removed: number;
    if (clearsInBatches(store)) {
      const progress = progressLine(io.stderr, 'Deleting expired sessions');
      try {
        removed = await store.clearExpiredInBatches({ ...(batchSize !== undefined && { batchSize }), onProgress: (count) => progress.update(count) });
      } finally {
        progress.finish();
      }
    } else {
      if (batchSize !== undefined) note(io, `sessionkit: --batch-size is ignored: the ${store.name} store deletes expired sessions in one go.`);
      removed = await store.clearExpired();
    }
    printLine(io, `Deleted ${plural(removed, 'expired session')}.`);
  },
};
