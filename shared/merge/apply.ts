import type { FieldValue } from '../fields.ts';
import type { MergeResult, SideValue } from './types.ts';

/** Both sides' values and the base for one record: what a merge reads and its writes change. */
export interface SyncState {
  readonly sheet: Readonly<Record<string, SideValue>>;
  readonly crm: Readonly<Record<string, SideValue>>;
  readonly base: Readonly<Record<string, FieldValue>>;
}

function write(
  side: Readonly<Record<string, SideValue>>,
  values: Readonly<Record<string, FieldValue>>,
): Record<string, SideValue> {
  const next = { ...side };
  // A written value is ours, not a user edit: its old stamp and echo flag described another value.
  for (const [key, value] of Object.entries(values)) next[key] = { value };
  return next;
}

/**
 * The state after `result`'s writes reached both sides and its base was saved. Pure: `state` is not
 * changed. Merging the returned state again decides `none` for every field except open conflicts.
 *
 * @example
 * const next = applyMerge({ sheet, crm, base }, merge({ fields, base, sheet, crm, policy }));
 */
export function applyMerge(
  state: SyncState,
  result: Pick<MergeResult, 'toCrm' | 'toSheet' | 'base'>,
): SyncState {
  return {
    sheet: write(state.sheet, result.toSheet),
    crm: write(state.crm, result.toCrm),
    base: { ...result.base },
  };
}
