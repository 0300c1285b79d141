import * as z from 'zod';
import { FIELD_TYPES, type FieldValue, fieldValueSchema } from '../fields.ts';
import { DIRECTIONS, type Direction } from '../mapping/schema.ts';
import type { NormalizeOptions } from '../normalize/index.ts';

/**
 * What a table does when both sides changed one field to different values. `manual` (the default) queues
 * the conflict for review and touches neither side; the others decide at once and say so in the audit.
 */
export const conflictPolicySchema = z.enum(['manual', 'last-writer-wins', 'sheet-wins', 'crm-wins']);
export type ConflictPolicy = z.infer<typeof conflictPolicySchema>;

/** Which way a mapped field syncs: the mapping module owns the list. */
export const directionSchema = z.enum(DIRECTIONS);
export type { Direction };

/**
 * One field taking part in a merge. `label` names it in explanations; without one, a canonical field's
 * label is used, else its key.
 */
export const mergeFieldSchema = z.object({
  key: z.string().min(1),
  type: z.enum(FIELD_TYPES),
  direction: directionSchema,
  label: z.string().min(1).exactOptional(),
});
export type MergeField = z.infer<typeof mergeFieldSchema>;

/** A field's current value on one side, with what we know about the edit that produced it. */
export const sideValueSchema = z.object({
  value: fieldValueSchema,
  /** Epoch ms of the edit: the sheet edit time, or the CRM property timestamp. Used by last-writer-wins. */
  changedAt: z.number().exactOptional(),
  /**
   * The CRM reported this change as caused by our own write (HubSpot `changeSource`/`sourceId`,
   * Salesforce `changeOrigin`), so it is not a user edit.
   */
  echo: z.boolean().exactOptional(),
});
export type SideValue = z.infer<typeof sideValueSchema>;

const valuesSchema = z.record(z.string(), fieldValueSchema);
const sideValuesSchema = z.record(z.string(), sideValueSchema);

/**
 * Everything one record's merge needs. A key missing from `base` was never synced (read as `null`); a
 * key missing from `sheet` or `crm` means that side holds no value (read as `{ value: null }`).
 */
export interface MergeInput {
  readonly fields: readonly MergeField[];
  readonly base: Readonly<Record<string, FieldValue>>;
  readonly sheet: Readonly<Record<string, SideValue>>;
  readonly crm: Readonly<Record<string, SideValue>>;
  readonly policy: ConflictPolicy;
  /** How values are normalised for comparison, e.g. the region of phone numbers without a country code. */
  readonly options?: NormalizeOptions;
}
export const mergeInputSchema = z.object({
  fields: z.array(mergeFieldSchema),
  base: valuesSchema,
  sheet: sideValuesSchema,
  crm: sideValuesSchema,
  policy: conflictPolicySchema,
}) satisfies z.ZodType<MergeInput>;

export const DECISION_ACTIONS = [
  'none',
  'write_crm',
  'write_sheet',
  'advance_base',
  'conflict',
  'resolved',
] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

/** Stable codes for the rule that decided a field; the sidebar and audit branch on these, never on text. */
export const DECISION_RULES = [
  'unchanged',
  'echo',
  'sheet_changed',
  'crm_changed',
  'both_changed_equal',
  'direction_sheet_to_crm',
  'direction_crm_to_sheet',
  'policy_manual',
  'policy_sheet_wins',
  'policy_crm_wins',
  'policy_lww_sheet_newer',
  'policy_lww_crm_newer',
  'policy_lww_tie',
] as const;
export type DecisionRule = (typeof DECISION_RULES)[number];

export const sideSchema = z.enum(['sheet', 'crm']);
export type Side = z.infer<typeof sideSchema>;

/**
 * What the merge decided for one field and why. `value` is the value written (or, for `advance_base`,
 * agreed); `winner` is set on `resolved` decisions, whose value was written to the other side.
 */
export const fieldDecisionSchema = z.object({
  field: z.string(),
  action: z.enum(DECISION_ACTIONS),
  rule: z.enum(DECISION_RULES),
  explanation: z.string(),
  value: fieldValueSchema.exactOptional(),
  winner: sideSchema.exactOptional(),
});
export type FieldDecision = z.infer<typeof fieldDecisionSchema>;

/** A conflict left for review: both sides changed the field since `base`, to different values. */
export const fieldConflictSchema = z.object({
  field: z.string(),
  base: fieldValueSchema,
  sheet: sideValueSchema,
  crm: sideValueSchema,
  explanation: z.string(),
});
export type FieldConflict = z.infer<typeof fieldConflictSchema>;

/** The outcome of merging one record: a decision per field (input order), the writes and the new base. */
export interface MergeResult {
  readonly decisions: FieldDecision[];
  readonly toCrm: Record<string, FieldValue>;
  readonly toSheet: Record<string, FieldValue>;
  readonly base: Record<string, FieldValue>;
  readonly conflicts: FieldConflict[];
}
