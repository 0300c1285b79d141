import * as z from 'zod';
import { tableMappingSchema } from '../mapping/schema.ts';
import { conflictPolicySchema } from '../merge/types.ts';
import { idSchema, regionSchema, timestampSchema } from './common.ts';

/** How often the reconcile job re-reads both sides: at least a minute (API quotas), at most a day. */
export const reconcileIntervalSecondsSchema = z.number().int().min(60).max(86_400);

/** A sheet tab's numeric id (`gid` in its URL); stable across renames, unlike the tab name. */
export const sheetTabIdSchema = z.number().int().min(0);

/**
 * A sync table: one sheet tab kept in sync with one CRM object through one connection. `region` is null
 * when phone numbers must carry their country code.
 */
export const syncTableSchema = z.strictObject({
  id: idSchema,
  sheetTabId: sheetTabIdSchema,
  sheetTabName: z.string(),
  connectionId: idSchema,
  crmObject: z.string(),
  mapping: tableMappingSchema,
  policy: conflictPolicySchema,
  region: regionSchema.nullable(),
  reconcileIntervalSeconds: reconcileIntervalSecondsSchema,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type SyncTable = z.output<typeof syncTableSchema>;

export const tableParamsSchema = z.strictObject({ tableId: idSchema });

export const tableListSchema = z.strictObject({ tables: z.array(syncTableSchema) });
export type TableList = z.output<typeof tableListSchema>;

/** `POST /api/v1/tables`. The mapping is checked semantically (known fields, CRM) by the server too. */
export const createTableBodySchema = z.strictObject({
  sheetTabId: sheetTabIdSchema,
  sheetTabName: z.string().trim().min(1).max(100),
  connectionId: idSchema,
  crmObject: z.string().trim().min(1).max(100),
  mapping: tableMappingSchema,
  policy: conflictPolicySchema,
  region: regionSchema.optional(),
});
export type CreateTableRequest = z.input<typeof createTableBodySchema>;

/** `PATCH /api/v1/tables/{tableId}`: only the fields sent change; `region: null` clears the region. */
export const updateTableBodySchema = z.strictObject({
  mapping: tableMappingSchema.optional(),
  policy: conflictPolicySchema.optional(),
  region: regionSchema.nullable().optional(),
  reconcileIntervalSeconds: reconcileIntervalSecondsSchema.optional(),
});
export type UpdateTableRequest = z.input<typeof updateTableBodySchema>;
