/**
 * Deleting expired sessions a batch at a time. One `DELETE` over a million rows holds its locks (and
 * bloats its transaction) for as long as it runs, stalling logins meanwhile; many short statements,
 * each committed on its own, let concurrent requests in between.
 */
import { SessionConfigError } from '../../errors.js';

/** Options of a batched `clearExpired`. */
export interface ClearExpiredOptions {
  /**
   * Rows deleted per statement.
   * @default 5000
   */
  readonly batchSize?: number;
  /** Called after each batch that removed rows, with the total removed so far. */
  readonly onProgress?: (removedSoFar: number) => void;
}

/** The batch size used when none is given. */
export const DEFAULT_CLEAR_BATCH_SIZE = 5000;

/**
 * Runs `deleteBatch(limit)` until a batch removes fewer than `limit` rows, and resolves the total.
 * `deleteBatch` deletes at most `limit` expired rows and resolves how many it removed.
 */
export async function deleteInBatches(
  deleteBatch: (limit: number) => Promise<number>,
  options: ClearExpiredOptions = {},
): Promise<number> {
  const batchSize = options.batchSize ?? DEFAULT_CLEAR_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new SessionConfigError(`clearExpired: batchSize must be a positive whole number, not ${String(batchSize)}.`);
  }
  let removed = 0;
  for (;;) {
    const count = await deleteBatch(batchSize);
    removed += count;
    if (count > 0) options.onProgress?.(removed);
    // A short batch means nothing was left (rows locked by a concurrent request are left for next time).
    if (count < batchSize) return removed;
  }
}
