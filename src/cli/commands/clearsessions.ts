/** `sessionkit clearsessions`: Django's `clearsessions`, deleting expired sessions. */
import type { SessionStore } from '../../core/store-contract.js';
import { positiveIntegerOption } from '../arguments.js';
import type { Command } from '../command.js';
import { type CliIO, note, plural, printLine } from '../output.js';
import { progressLine } from '../progress.js';

const LABEL = 'Deleting expired sessions';

/** The `clearsessions` command. */
export const clearsessionsCommand: Command = {
  name: 'clearsessions',
  summary: 'delete expired sessions (run it from cron)',
  args: [],
  description: `Deletes the sessions that have expired, as Django's "manage.py clearsessions" does, and prints how
many were deleted. Can be run as a cron job.

  db, cached_db  deletes the rows whose expire_date has passed, a batch at a time, so the
                 requests of a busy site get in between
  file           deletes the expired files in SESSION_FILE_PATH (and what crashed writers left)
  cache          nothing to do: the cache server expires sessions itself
  signed_cookies nothing to do: each cookie expires by itself

On a terminal, a progress bar shows how many of the expired sessions are gone.`,
  options: {
    'batch-size': { type: 'string', valueName: 'N', description: 'rows deleted per statement (files examined per step with the file engine; default 5000)' },
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
    const removed = await clearExpired(io, store, batchSize);
    printLine(io, `Deleted ${plural(removed, 'expired session')}.`);
  },
};

/** Runs the store's batched clearing with progress on a terminal, or its plain `clearExpired`. */
async function clearExpired(io: CliIO, store: SessionStore, batchSize: number | undefined): Promise<number> {
  if (typeof store.clearExpiredInBatches !== 'function') {
    if (batchSize !== undefined) note(io, `sessionkit: --batch-size is ignored: the ${store.name} store deletes expired sessions in one go.`);
    return store.clearExpired();
  }
  // Counting costs a query, worth it only for a bar someone watches.
  const total = io.stderr.isTTY === true && typeof store.countExpired === 'function' ? await store.countExpired() : undefined;
  const progress = progressLine(io.stderr, LABEL, { total });
  try {
    return await store.clearExpiredInBatches({ ...(batchSize !== undefined && { batchSize }), onProgress: (count) => progress.update(count) });
  } finally {
    progress.finish();
  }
}
