import * as z from 'zod';

/**
 * The dashboard's query parameters (`/dashboard` and `/dashboard/data` take the same ones). Empty form
 * fields mean "no filter", as a browser submits an untouched input as `table=`.
 */
export const dashboardQuerySchema = z.preprocess(
  (query) =>
    Object.fromEntries(
      Object.entries(query as Record<string, string>).filter(([, value]) => value.trim() !== ''),
    ),
  z
    .strictObject({
      /** A sync table's id: only its audit entries. */
      table: z.string().trim().max(100).optional(),
      /** A record of that table, by its Rowbridge ID (the sheet row) or its CRM id. */
      record: z.string().trim().max(200).optional(),
      /** Audit paging: entries older than this id (the `nextBefore` of the previous page). */
      before: z.coerce.number().int().positive().optional(),
      /** Audit entries per page, 50 unless told. */
      limit: z.coerce.number().int().min(1).max(200).optional(),
    })
    .refine((query) => query.record === undefined || query.table !== undefined, {
      message: 'choose a table as well: record ids are only unique within their table',
      path: ['record'],
    }),
);
export type DashboardQuery = z.output<typeof dashboardQuerySchema>;

const byKey = z.record(z.string(), z.number());
const seriesByKey = z.record(z.string(), z.array(z.number()));
const gappedByKey = z.record(z.string(), z.array(z.number().nullable()));

/** `GET /dashboard/data`: what the page draws, also for scripts and other dashboards. */
export const dashboardDataSchema = z.strictObject({
  mode: z.enum(['sandbox', 'production']),
  generatedAt: z.iso.datetime(),
  /** How often this process samples its metrics; totals and series are this process's only. */
  intervalSeconds: z.number(),
  totals: z.strictObject({
    synced: byKey,
    failed: byKey,
    apiCalls: byKey,
    apiErrors: byKey,
    rateLimitWaits: byKey,
    rateLimitWaitSeconds: byKey,
    queueDepth: byKey,
  }),
  /** Running counts of sync failures and CRM API errors by code, since this process started. */
  errorCodes: z.array(
    z.strictObject({
      kind: z.enum(['sync', 'crm_api']),
      crm: z.string(),
      code: z.string(),
      count: z.number(),
    }),
  ),
  series: z.strictObject({
    at: z.array(z.number()),
    synced: seriesByKey,
    failed: seriesByKey,
    apiCalls: seriesByKey,
    apiErrors: seriesByKey,
    rateLimitWaitSeconds: seriesByKey,
    latencyP50: gappedByKey,
    latencyP99: gappedByKey,
    queueDepth: gappedByKey,
  }),
  /** The newest failed jobs of every tenant, with their error code; messages are redacted. */
  recentErrors: z.array(
    z.strictObject({
      at: z.iso.datetime(),
      jobId: z.string(),
      kind: z.string(),
      tenantId: z.string(),
      tableId: z.string().nullable(),
      tableName: z.string().nullable(),
      code: z.string(),
      message: z.string(),
    }),
  ),
  audit: z.strictObject({
    table: z.string().optional(),
    record: z.string().optional(),
    entries: z.array(
      z.strictObject({
        id: z.number(),
        at: z.iso.datetime(),
        tenantId: z.string(),
        tableId: z.string().nullable(),
        tableName: z.string().nullable(),
        rowId: z.string().nullable(),
        crmId: z.string().nullable(),
        field: z.string().nullable(),
        oldValue: z.json(),
        newValue: z.json(),
        target: z.string(),
        source: z.string(),
        actor: z.string(),
        action: z.string(),
        explanation: z.string().nullable(),
        jobId: z.string().nullable(),
      }),
    ),
    nextBefore: z.number().optional(),
  }),
});
export type DashboardData = z.output<typeof dashboardDataSchema>;
