import { RowbridgeError } from '../errors.ts';
import type { FieldType, FieldValue } from '../fields.ts';
import { type Comparable, comparable, type NormalizeOptions } from '../normalize/index.ts';
import { explain, fieldLabel } from './explain.ts';
import type {
  ConflictPolicy,
  DecisionRule,
  FieldDecision,
  MergeField,
  MergeInput,
  MergeResult,
  Side,
  SideValue,
} from './types.ts';

const EMPTY: SideValue = { value: null };

/** One field's outcome before it is folded into the record's result. */
interface FieldOutcome {
  readonly decision: FieldDecision;
  /** The normalised value both sides agree on afterwards; the old base when they do not. */
  readonly base: FieldValue;
}

interface FieldState {
  readonly field: MergeField;
  readonly base: FieldValue;
  readonly sheet: SideValue;
  readonly crm: SideValue;
  readonly bothChanged: boolean;
  /** Each side's value normalised once, with its comparison key. */
  readonly normalized: Readonly<Record<Side, Comparable>>;
}

function decide(state: FieldState, rule: DecisionRule, action: FieldDecision['action']): FieldDecision {
  const { base, sheet, crm, bothChanged } = state;
  const explanation = explain(rule, { label: fieldLabel(state.field), base, sheet, crm, bothChanged });
  return { field: state.field.key, action, rule, explanation };
}

function keep(state: FieldState, rule: DecisionRule): FieldOutcome {
  return { decision: decide(state, rule, 'none'), base: state.base };
}

/** `winner`'s value goes to the other side and becomes the base. */
function take(state: FieldState, winner: Side, rule: DecisionRule, resolved: boolean): FieldOutcome {
  const value = state[winner].value;
  const action = resolved ? 'resolved' : winner === 'sheet' ? 'write_crm' : 'write_sheet';
  const decision: FieldDecision = { ...decide(state, rule, action), value };
  return {
    decision: resolved ? { ...decision, winner } : decision,
    base: state.normalized[winner].value,
  };
}

/**
 * Last writer wins on the edit stamps; a missing stamp counts as oldest. On a tie the CRM wins: it is the
 * system of record for sales data, and a fixed side (not "whichever event we saw last") keeps the result
 * independent of the order events arrive in.
 */
function lastWriter(state: FieldState): FieldOutcome {
  const sheetAt = state.sheet.changedAt ?? Number.NEGATIVE_INFINITY;
  const crmAt = state.crm.changedAt ?? Number.NEGATIVE_INFINITY;
  if (sheetAt > crmAt) return take(state, 'sheet', 'policy_lww_sheet_newer', true);
  if (crmAt > sheetAt) return take(state, 'crm', 'policy_lww_crm_newer', true);
  return take(state, 'crm', 'policy_lww_tie', true);
}

function conflict(state: FieldState, policy: ConflictPolicy): FieldOutcome {
  switch (policy) {
    case 'manual':
      return { decision: decide(state, 'policy_manual', 'conflict'), base: state.base };
    case 'sheet-wins':
      return take(state, 'sheet', 'policy_sheet_wins', true);
    case 'crm-wins':
      return take(state, 'crm', 'policy_crm_wins', true);
    case 'last-writer-wins':
      return lastWriter(state);
  }
}

/** The merge rule of DESIGN.md for one field. Equality is always the field type's, never `===`. */
function mergeField(
  field: MergeField,
  rawBase: FieldValue,
  sheet: SideValue,
  crm: SideValue,
  policy: ConflictPolicy,
  options: NormalizeOptions,
): FieldOutcome {
  const type: FieldType = field.type;
  // Normalise each side once: comparing them pairwise would re-normalise (a phone costs ~15 µs).
  // Most fields are unchanged, and an identical value needs no second normalisation.
  const baseValue = comparable(type, rawBase, options);
  const sheetValue = sheet.value === rawBase ? baseValue : comparable(type, sheet.value, options);
  const crmValue =
    crm.value === rawBase
      ? baseValue
      : crm.value === sheet.value
        ? sheetValue
        : comparable(type, crm.value, options);
  const normalized = { sheet: sheetValue, crm: crmValue };
  const base = baseValue.value;
  const sheetChanged = normalized.sheet.key !== baseValue.key;
  // A value equal to the base is already "unchanged"; the echo flag catches our own write that arrives
  // before the base recording it was saved, so it is not mistaken for a user edit.
  const crmDiffers = normalized.crm.key !== baseValue.key;
  const echo = crmDiffers && crm.echo === true;
  const crmChanged = crmDiffers && !echo;
  const state: FieldState = { field, base, sheet, crm, bothChanged: sheetChanged && crmChanged, normalized };

  if (!sheetChanged && !crmChanged) return keep(state, echo ? 'echo' : 'unchanged');
  if (sheetChanged && !crmChanged) {
    return field.direction === 'crm_to_sheet'
      ? keep(state, 'direction_crm_to_sheet')
      : take(state, 'sheet', 'sheet_changed', false);
  }
  if (!sheetChanged) {
    return field.direction === 'sheet_to_crm'
      ? keep(state, 'direction_sheet_to_crm')
      : take(state, 'crm', 'crm_changed', false);
  }
  if (normalized.sheet.key === normalized.crm.key) {
    // Equal under the type, maybe spelled differently; the CRM's spelling is kept, as on a tie.
    const agreed = normalized.crm.value;
    const decision = { ...decide(state, 'both_changed_equal', 'advance_base'), value: agreed };
    return { decision, base: agreed };
  }
  if (field.direction === 'sheet_to_crm') return take(state, 'sheet', 'direction_sheet_to_crm', false);
  if (field.direction === 'crm_to_sheet') return take(state, 'crm', 'direction_crm_to_sheet', false);
  return conflict(state, policy);
}

/**
 * Three-way merge of one record's fields against the last synced base (DESIGN.md "Sync state and the
 * merge rule"). Pure and deterministic: the same input always gives a deep-equal result, and fields are
 * decided independently, so their order only orders `decisions`. Base keys of fields not in `fields` are
 * carried over untouched. Throws `invalid_input` when a field key repeats.
 *
 * @example
 * const result = merge({
 *   fields: [{ key: 'email', type: 'email', direction: 'both' }],
 *   base: { email: 'a@x.com' },
 *   sheet: { email: { value: 'b@x.com' } },
 *   crm: { email: { value: 'A@X.com' } },
 *   policy: 'manual',
 * });
 * // result.toCrm → { email: 'b@x.com' }; result.decisions[0].rule → 'sheet_changed'
 */
export function merge(input: MergeInput): MergeResult {
  const seen = new Set<string>();
  const result: MergeResult = {
    decisions: [],
    toCrm: {},
    toSheet: {},
    base: { ...input.base },
    conflicts: [],
  };
  for (const field of input.fields) {
    if (seen.has(field.key)) {
      throw new RowbridgeError(
        'invalid_input',
        `Field "${field.key}" appears twice in one merge; list it once.`,
      );
    }
    seen.add(field.key);
    const base = input.base[field.key] ?? null;
    const sheet = input.sheet[field.key] ?? EMPTY;
    const crm = input.crm[field.key] ?? EMPTY;
    const outcome = mergeField(field, base, sheet, crm, input.policy, input.options ?? {});
    const { decision } = outcome;
    result.decisions.push(decision);
    result.base[field.key] = outcome.base;
    const value = decision.value ?? null;
    if (decision.action === 'write_crm' || decision.winner === 'sheet') result.toCrm[field.key] = value;
    if (decision.action === 'write_sheet' || decision.winner === 'crm') result.toSheet[field.key] = value;
    if (decision.action === 'conflict') {
      result.conflicts.push({
        field: field.key,
        base: outcome.base,
        sheet,
        crm,
        explanation: decision.explanation,
      });
    }
  }
  return result;
}
