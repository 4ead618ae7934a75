/**
 * Reading a whole table in primary-key order a page at a time (keyset pagination): each page starts
 * after the last key of the previous one, so no page re-reads what came before (as OFFSET would), and
 * other queries run between pages.
 */

/**
 * Every row that `fetchPage` yields, page after page. `fetchPage(after, limit)` returns at most `limit`
 * rows with keys greater than `after` (`''` for the first page), in key order; a short page is the last.
 */
export async function* inKeyOrder<R>(
  fetchPage: (after: string, limit: number) => Promise<readonly R[]> | readonly R[],
  keyOf: (row: R) => string,
  pageSize: number,
): AsyncGenerator<R> {
  let after = '';
  for (;;) {
    const rows = await fetchPage(after, pageSize);
    yield* rows;
    if (rows.length < pageSize) return;
    after = keyOf(rows[rows.length - 1]!);
  }
}
