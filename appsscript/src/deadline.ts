/**
 * Apps Script stops an execution after 6 minutes. Long loops (reading a large tab, pushing it in
 * batches) check a deadline and hand back where they stopped, so the sidebar can call again; 4.5
 * minutes leaves time for the last batch's request and the answer.
 */
export const EXECUTION_BUDGET_MS = 4.5 * 60_000;

export interface Deadline {
  /** True once the budget is spent: stop before starting the next unit of work. */
  expired(): boolean;
}

/** A deadline `budgetMs` from now. */
export function deadlineIn(budgetMs: number = EXECUTION_BUDGET_MS, now: () => number = Date.now): Deadline {
  const until = now() + budgetMs;
  return { expired: () => now() >= until };
}
