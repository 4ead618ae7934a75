/**
 * Deleting expired sessions a batch at a time. One `DELETE` over a million rows holds its locks (and
 * bloats its transaction) for as long as it runs, stalling logins meanwhile; many short statements,
 * each committed on its own, let concurrent requests in between.
 */
import { SessionConfigError } from '../../errors.js';

/** Options of a batched `clearExpired`. */
export interface ClearExpiredOptions {
  /**
   * Rows one statement handles: it deletes at most this many.
   * @default 5000
   */
  readonly batchSize?: number;
  /** Called after each batch that removed rows, with the total removed so far. */
  readonly onProgress?: (removedSoFar: number) => void;
}

/** The batch size used when none is given. */
export const DEFAULT_CLEAR_BATCH_SIZE = 5000;

/** What one batch did. */
export interface BatchOutcome {
  /** Rows it deleted. */
  readonly removed: number;
  /** Whether rows may remain for another batch. */
  readonly more: boolean;
}

/**
 * Runs `deleteBatch(batchSize)` until it reports that nothing is left, and resolves the total removed.
 * `deleteBatch` deletes at most `limit` expired rows, each call going on where the previous one stopped.
 */
export async function deleteInBatches(
  deleteBatch: (limit: number) => Promise<BatchOutcome>,
  options: ClearExpiredOptions = {},
): Promise<number> {
  const batchSize = options.batchSize ?? DEFAULT_CLEAR_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new SessionConfigError(`clearExpired: batchSize must be a positive whole number, not ${String(batchSize)}.`);
  }
  let removed = 0;
  for (;;) {
    const batch = await deleteBatch(batchSize);
    removed += batch.removed;
    if (batch.removed > 0) options.onProgress?.(removed);
    if (!batch.more) return removed;
  }
}
