import { STATE_VERSION } from '@newsledger/domain';

/**
 * Whether any view row was written under another `STATE_VERSION` (an earlier release's rules), or
 * before rows held summaries: the rows the projector's upgrade rebuilds, and that lists must not
 * answer from. A sequential scan that stops at the first such row; callers ask it rarely.
 */
export async function staleViewsExist(q: { query(sql: string, params?: unknown[]): Promise<unknown[]> }): Promise<boolean> {
  const rows = await q.query(
    `SELECT 1 FROM views WHERE summary IS NULL OR summary->>'version' IS DISTINCT FROM $1 LIMIT 1`,
    [String(STATE_VERSION)],
  );
  return rows.length > 0;
}
