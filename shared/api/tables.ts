import * as z from 'zod';
import { tableMappingSchema } from '../mapping/schema.ts';
import { conflictPolicySchema } from '../merge/types.ts';
import { idSchema, regionSchema, timestampSchema } from './common.ts';

/** How often the reconcile job re-reads both sides: at least a minute (API quotas), at most a day. */
export const reconcileIntervalSecondsSchema = z.number().int().min(60).max(86_400);

/** A sheet tab's numeric id (`gid` in its URL); stable across renames, unlike the tab name. */
export const sheetTabIdSchema = z.number().int().min(0);

/**
 * What outreach events do in the CRM. A positive reply creates a deal in `dealPipeline` at `dealStage`
 * (HubSpot pipeline and stage ids, Salesforce `StageName`), closing `dealCloseDays` after the reply.
 */
export const outreachSettingsSchema = z.strictObject({
  dealPipeline: z.string().trim().min(1).max(100),
  dealStage: z.string().trim().min(1).max(100),
  dealCloseDays: z.number().int().min(0).max(3650).default(30),
});
export type OutreachSettings = z.output<typeof outreachSettingsSchema>;

/** A table's behaviour beyond mapping and policy; every key optional, so old tables stay valid. */
export const tableSettingsSchema = z.strictObject({
  outreach: outreachSettingsSchema.exactOptional(),
});
export type TableSettings = z.output<typeof tableSettingsSchema>;

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
  settings: tableSettingsSchema,
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
  settings: tableSettingsSchema.optional(),
});
export type CreateTableRequest = z.input<typeof createTableBodySchema>;

/** `PATCH /api/v1/tables/{tableId}`: only the fields sent change; `region: null` clears the region. */
export const updateTableBodySchema = z.strictObject({
  mapping: tableMappingSchema.optional(),
  policy: conflictPolicySchema.optional(),
  region: regionSchema.nullable().optional(),
  reconcileIntervalSeconds: reconcileIntervalSecondsSchema.optional(),
  settings: tableSettingsSchema.optional(),
});
export type UpdateTableRequest = z.input<typeof updateTableBodySchema>;
