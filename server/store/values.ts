import * as z from 'zod';
import { RowbridgeError } from '../../shared/errors.ts';
import { fieldValueSchema } from '../../shared/fields.ts';
import type { ConflictPolicy } from '../../shared/merge/types.ts';

// The fixed value lists the schema CHECKs, and zod schemas for every jsonb shape read back from storage.
// Reads are parsed, not trusted: a row edited by hand or written by an older version fails loudly here
// with `storage_corrupt` instead of flowing into a merge.

export const TENANT_KINDS = ['domain', 'user'] as const;
export type TenantKind = (typeof TENANT_KINDS)[number];

export const CONNECTION_STATUSES = ['active', 'expired', 'revoked', 'error'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** The merge module's policies (a test checks the lists agree), as a tuple the schema can CHECK. */
export const CONFLICT_POLICIES = [
  'manual',
  'last-writer-wins',
  'sheet-wins',
  'crm-wins',
] as const satisfies readonly ConflictPolicy[];

export const TABLE_STATUSES = ['active', 'paused', 'error'] as const;
export type TableStatus = (typeof TABLE_STATUSES)[number];

/**
 * `orphaned`: the row left the sheet (deleted, or its Rowbridge ID removed); the CRM record stays and the
 * link waits for the row to come back.
 */
export const LINK_STATES = ['linked', 'pending', 'archived', 'error', 'orphaned'] as const;
export type LinkState = (typeof LINK_STATES)[number];

export const CONFLICT_STATUSES = ['open', 'resolved'] as const;
export type ConflictStatus = (typeof CONFLICT_STATUSES)[number];

export const AUDIT_SOURCES = ['sheet', 'crm', 'user', 'system'] as const;
export type AuditSource = (typeof AUDIT_SOURCES)[number];

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export const jsonValueSchema: z.ZodType<JsonValue> = z.json();

/** Where each side of a table has read up to. Opaque to storage: each connector defines its own cursor. */
export const syncCursorsSchema = z.object({
  crm: z.string().exactOptional(),
  sheet: z.string().exactOptional(),
  reconciledAt: z.string().exactOptional(),
});
export type SyncCursors = z.infer<typeof syncCursorsSchema>;

/**
 * When each side last changed a field (epoch ms), for last-writer-wins and echo checks, and when the
 * field's base last took a new value (`baseAt`), so cells pushed before that can be told apart as stale.
 */
export const fieldStampSchema = z.object({
  sheetAt: z.number().exactOptional(),
  crmAt: z.number().exactOptional(),
  baseAt: z.number().exactOptional(),
});
export const linkStampsSchema = z.record(z.string(), fieldStampSchema);
export type LinkStamps = z.infer<typeof linkStampsSchema>;

export const baseValuesSchema = z.record(z.string(), fieldValueSchema);

/**
 * How a conflict was settled: a person chose one side's value or typed one, or the two sides came to
 * agree on their own (`agreed`: both edited to an equal value later).
 */
export const conflictResolutionSchema = z.object({
  choice: z.enum(['sheet', 'crm', 'custom', 'agreed']),
  value: fieldValueSchema,
});
export type ConflictResolution = z.infer<typeof conflictResolutionSchema>;

export const jobProgressSchema = z.object({ done: z.number(), total: z.number().nullable() });
export type JobProgress = z.infer<typeof jobProgressSchema>;

export const jobErrorSchema = z.object({ code: z.string(), message: z.string() });
export type JobError = z.infer<typeof jobErrorSchema>;

/**
 * Parses a stored jsonb value. `where` names the row ("sync table 1f2e… mapping") so whoever reads the
 * error can find and fix it.
 */
export function readStored<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const detail = issue ? `${issue.path.join('.') || '(value)'}: ${issue.message}` : 'invalid';
  throw new RowbridgeError(
    'storage_corrupt',
    `Stored ${where} is unreadable (${detail}). The row was changed outside Rowbridge or by an ` +
      'incompatible version; restore it from a backup or recreate it.',
  );
}
