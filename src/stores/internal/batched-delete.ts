/**
 * Deleting expired sessions a batch at a time. One `DELETE` over a million rows holds its locks (and
 * bloats its transaction) for as long as it runs, stalling logins meanwhile; many short statements,
 * each committed on its own, let concurrent requests in between.
 */
import type { ClearExpiredOptions } from '../../core/store-contract.js';
import { positiveInteger } from './store-options.js';

/** The batch size used when none is given. */
export const DEFAULT_CLEAR_BATCH_SIZE = 5000;

/** What one batch did. */
export interface BatchOutcome {
  /** Records it deleted. */
  readonly removed: number;
  /** Whether records may remain for another batch. */
  readonly more: boolean;
}

/**
 * Runs `deleteBatch(batchSize)` until it reports that nothing is left, calling `options.onProgress` after
 * each batch that removed something, and resolves the total removed. `deleteBatch` handles at most
 * `limit` records, each call going on where the previous one stopped.
 * @throws SessionConfigError (as a rejection) when `options.batchSize` is not a positive whole number.
 */
export async function deleteInBatches(
  deleteBatch: (limit: number) => Promise<BatchOutcome> | BatchOutcome,
  options: ClearExpiredOptions = {},
): Promise<number> {
  const batchSize = positiveInteger(options.batchSize, DEFAULT_CLEAR_BATCH_SIZE, 'batchSize', 'clearExpiredInBatches');
  let removed = 0;
  for (;;) {
    const batch = await deleteBatch(batchSize);
    removed += batch.removed;
    if (batch.removed > 0) options.onProgress?.(removed);
    if (!batch.more) return removed;
  }
}
