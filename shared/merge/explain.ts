import { CANONICAL_FIELDS, type FieldValue, isCanonicalField } from '../fields.ts';
import type { DecisionRule, MergeField, SideValue } from './types.ts';

/** Long notes would drown the sentence; the sidebar shows the full values next to it anyway. */
const MAX_SHOWN = 80;

/** How a value is shown inside an explanation: `"text"` in quotes, numbers and booleans bare, or `empty`. */
export function describeValue(value: FieldValue): string {
  if (value === null) return 'empty';
  if (typeof value !== 'string') return String(value);
  const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN - 1)}…` : value;
  return `"${shown}"`;
}

/** The name a field goes by in explanations: its own label, a canonical field's label, else its key. */
export function fieldLabel(field: Pick<MergeField, 'key'> & { readonly label?: string }): string {
  if (field.label) return field.label;
  return isCanonicalField(field.key) ? CANONICAL_FIELDS[field.key].label : field.key;
}

// Outside ±8.64e15 ms a Date is invalid and toISOString would throw; an explanation must never throw.
function describeTime(at: number | undefined): string {
  if (at === undefined) return 'an unknown time';
  return Math.abs(at) <= 8.64e15 ? new Date(at).toISOString() : `${at} ms`;
}

/** What an explanation needs to know about one field's merge. */
export interface ExplainContext {
  readonly label: string;
  readonly base: FieldValue;
  readonly sheet: SideValue;
  readonly crm: SideValue;
  /** False when only one side changed; the direction rules read differently then. */
  readonly bothChanged: boolean;
}

/** The sentence shown in the sidebar and audit for a decision, naming the field and the values involved. */
export function explain(rule: DecisionRule, context: ExplainContext): string {
  const { label, bothChanged } = context;
  const base = describeValue(context.base);
  if (rule === 'unchanged') return `${label} has not changed since the last sync (${base}): nothing to do.`;
  // Built only past the common "unchanged" case: a sync explains every field of every record.
  const sheet = describeValue(context.sheet.value);
  const crm = describeValue(context.crm.value);
  const both = `${label} changed on both sides since the last sync (${base}): the sheet has ${sheet}, the CRM has ${crm}`;
  switch (rule) {
    case 'echo':
      return `${label} changed in the CRM (${base} → ${crm}) by our own earlier write coming back: ignoring it.`;
    case 'sheet_changed':
      return `${label} changed in the sheet (${base} → ${sheet}) and not in the CRM: sending the sheet value to the CRM.`;
    case 'crm_changed':
      return `${label} changed in the CRM (${base} → ${crm}) and not in the sheet: writing the CRM value to the sheet.`;
    case 'both_changed_equal':
      return `${label} changed to the same value on both sides (${base} → ${crm}): recording it as the synced value.`;
    case 'direction_sheet_to_crm':
      return bothChanged
        ? `${both}. ${label} syncs only from the sheet to the CRM, so the sheet value replaces the CRM value.`
        : `${label} changed in the CRM (${base} → ${crm}), but it syncs only from the sheet to the CRM: leaving both sides as they are.`;
    case 'direction_crm_to_sheet':
      return bothChanged
        ? `${both}. ${label} syncs only from the CRM to the sheet, so the CRM value replaces the sheet value.`
        : `${label} changed in the sheet (${base} → ${sheet}), but it syncs only from the CRM to the sheet: leaving both sides as they are.`;
    case 'policy_manual':
      return `${both}. Both sides are left as they are until someone chooses.`;
    case 'policy_sheet_wins':
      return `${both}. The table's policy is "sheet wins": the sheet value replaces the CRM value ${crm}.`;
    case 'policy_crm_wins':
      return `${both}. The table's policy is "CRM wins": the CRM value replaces the sheet value ${sheet}.`;
    case 'policy_lww_sheet_newer':
      return `${both}. The last writer wins and the sheet edit (${describeTime(context.sheet.changedAt)}) is newer than the CRM's (${describeTime(context.crm.changedAt)}): the sheet value replaces the CRM value ${crm}.`;
    case 'policy_lww_crm_newer':
      return `${both}. The last writer wins and the CRM edit (${describeTime(context.crm.changedAt)}) is newer than the sheet's (${describeTime(context.sheet.changedAt)}): the CRM value replaces the sheet value ${sheet}.`;
    case 'policy_lww_tie':
      return `${both}. The last writer wins, but both edits have the same time (${describeTime(context.crm.changedAt)}), so the CRM wins as the system of record: the CRM value replaces the sheet value ${sheet}.`;
  }
}
