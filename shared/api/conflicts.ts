import * as z from 'zod';
import { fieldValueSchema } from '../fields.ts';
import { sideValueSchema } from '../merge/types.ts';
import { crmRecordIdSchema, idSchema, rowIdSchema, timestampSchema } from './common.ts';

export const CONFLICT_STATUSES = ['open', 'resolved'] as const;
export type ConflictStatus = (typeof CONFLICT_STATUSES)[number];

// The merge module's side value is a plain object (it strips unknown keys); responses are strict so
// extra server-side fields fail the contract check rather than reach the add-on.
const sideSchema = z.strictObject(sideValueSchema.shape);

/** A field both sides changed to different values since the last sync, waiting for a person to choose. */
export const conflictSchema = z.strictObject({
  id: idSchema,
  rowId: rowIdSchema,
  crmId: crmRecordIdSchema,
  field: z.string(),
  /** The last value both sides agreed on. */
  base: fieldValueSchema,
  sheet: sideSchema,
  crm: sideSchema,
  explanation: z.string(),
  status: z.enum(CONFLICT_STATUSES),
  detectedAt: timestampSchema,
  resolvedAt: timestampSchema.optional(),
});
export type Conflict = z.output<typeof conflictSchema>;

export const conflictListQuerySchema = z.strictObject({
  status: z.enum(CONFLICT_STATUSES).default('open'),
});
export type ConflictListQuery = z.input<typeof conflictListQuerySchema>;

export const conflictListSchema = z.strictObject({ conflicts: z.array(conflictSchema) });
export type ConflictList = z.output<typeof conflictListSchema>;

// The shared union reports a missing value as a bare "Invalid input"; say what is expected instead.
const chosenValueSchema = z.union(fieldValueSchema.options, {
  error: 'must be the value to keep: a string, number, true/false or null',
});

/**
 * One decision: keep the sheet's value, the CRM's, or a value the user typed (`custom`, which therefore
 * needs `value`). Whichever wins is written to both sides.
 */
export const conflictResolutionSchema = z.discriminatedUnion('take', [
  z.strictObject({ conflictId: idSchema, take: z.literal('sheet') }),
  z.strictObject({ conflictId: idSchema, take: z.literal('crm') }),
  z.strictObject({ conflictId: idSchema, take: z.literal('custom'), value: chosenValueSchema }),
]);
export type ConflictResolution = z.input<typeof conflictResolutionSchema>;

/** At most 500 per call, the add-on's bulk-choice page size, so one call stays well under the body limit. */
export const resolveConflictsBodySchema = z.strictObject({
  resolutions: z.array(conflictResolutionSchema).min(1).max(500),
});
export type ResolveConflictsRequest = z.input<typeof resolveConflictsBodySchema>;

/**
 * What was recorded for each conflict: the value kept and which sides do not hold it yet. The sync
 * engine writes recorded resolutions to those sides (and audits the writes); until then the sidebar can
 * show them as decided but pending.
 */
export const resolveConflictsResponseSchema = z.strictObject({
  resolved: z.number().int().min(0),
  conflicts: z.array(
    z.strictObject({
      id: idSchema,
      rowId: rowIdSchema,
      field: z.string(),
      value: fieldValueSchema,
      writeSheet: z.boolean(),
      writeCrm: z.boolean(),
    }),
  ),
});
export type ResolveConflictsResponse = z.output<typeof resolveConflictsResponseSchema>;
