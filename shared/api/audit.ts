import * as z from 'zod';
import { fieldValueSchema } from '../fields.ts';
import { crmRecordIdSchema, cursorSchema, idSchema, rowIdSchema, timestampSchema } from './common.ts';

/** Who caused a change: an edit in the sheet or the CRM, a person resolving a conflict, or Rowbridge itself. */
export const AUDIT_SOURCES = ['sheet', 'crm', 'user', 'system'] as const;
export type AuditSource = (typeof AUDIT_SOURCES)[number];

/**
 * One change Rowbridge made or decided. `field` is null for record-level events (a record created or
 * linked); `action` is storage's open vocabulary (`merge.write_crm`, `export.created`, `row.archived`, ...),
 * shown to people, so new actions need no contract change. `target` says which side was written (`sheet`,
 * `crm`, `conflict`, `table`, ...); `explanation` is the merge's reason in words, when there is one.
 * `actor` is a person's email, a CRM account, a policy or `system`.
 */
export const auditEntrySchema = z.strictObject({
  id: idSchema,
  at: timestampSchema,
  field: z.string().nullable(),
  oldValue: fieldValueSchema,
  newValue: fieldValueSchema,
  source: z.enum(AUDIT_SOURCES),
  target: z.string(),
  actor: z.string(),
  explanation: z.string().nullable(),
  jobId: idSchema.nullable(),
  rowId: rowIdSchema.nullable(),
  crmId: crmRecordIdSchema.nullable(),
  action: z.string().min(1),
});
export type AuditEntry = z.output<typeof auditEntrySchema>;

/** Newest first, filtered to one row or record when given; `limit` is 1 to 200 (default 50). */
export const auditQuerySchema = z.strictObject({
  rowId: rowIdSchema.optional(),
  crmId: crmRecordIdSchema.optional(),
  cursor: cursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.input<typeof auditQuerySchema>;

/** A page of entries; `nextCursor` is absent on the last page. */
export const auditPageSchema = z.strictObject({
  entries: z.array(auditEntrySchema),
  nextCursor: cursorSchema.optional(),
});
export type AuditPage = z.output<typeof auditPageSchema>;
