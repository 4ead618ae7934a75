/**
 * How the SQL store deletes expired rows a batch at a time, by the plan its dialect chose
 * (`SqlStatements.clearExpired` in `dialect.ts`).
 */
import type { BatchOutcome } from '../internal/batched-delete.js';
import type { ClearByKeyRange, ClearByLimit } from './dialect.js';

/** How the store runs one statement (inside its table setup and error explanations). */
export interface StatementRunner {
  /** Runs a statement; resolves how many rows it changed. */
  changes(sql: string, values: readonly unknown[]): Promise<number> | number;
  /** Runs a query; resolves its first row. */
  row<R>(sql: string, values: readonly unknown[]): Promise<R | undefined> | R | undefined;
}

/** One step of clearing: deletes up to `limit` rows expired at `now` (as the dialect writes dates). */
export function expiredBatches(plan: ClearByLimit | ClearByKeyRange, now: unknown, run: StatementRunner): (limit: number) => Promise<BatchOutcome> {
  if ('deleteUpTo' in plan) {
    return async (limit) => {
      const removed = await run.changes(plan.deleteUpTo, [now, limit]);
      // A short batch means nothing was left (or only rows a concurrent request holds, left for next time).
      return { removed, more: removed === limit };
    };
  }
  let after = '';
  return async (limit) => {
    const last = await run.row<{ session_key: string }>(plan.keyAt, [after, limit - 1]);
    const removed = await (last === undefined ? run.changes(plan.deleteAfter, [now, after]) : run.changes(plan.deleteBetween, [now, after, last.session_key]));
    if (last !== undefined) after = last.session_key;
    return { removed, more: last !== undefined };
  };
}
