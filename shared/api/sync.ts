import * as z from 'zod';
import { ERROR_CODES } from '../errors.ts';
import { crmRecordIdSchema, rowIdSchema, timestampSchema } from './common.ts';
import { jobSchema } from './jobs.ts';

/** A cell as the add-on reads it (`getValues`, dates sent as ISO strings). */
export const cellSchema = z.union([z.string().max(50_000), z.number(), z.boolean(), z.null()]);

/** One sheet row: its Rowbridge ID, its position (for messages) and its cells by header. */
export const sheetRowSchema = z.strictObject({
  rowId: rowIdSchema,
  rowNumber: z.number().int().min(2).optional(),
  cells: z.record(z.string().max(200), cellSchema),
});
export type SheetRow = z.output<typeof sheetRowSchema>;

/**
 * `POST /api/v1/tables/{tableId}/export`: rows to push to the CRM. The add-on assigns Rowbridge IDs
 * before sending and sends large sheets in several requests (each under the 1 MB body limit).
 */
export const exportBodySchema = z.strictObject({
  rows: z.array(sheetRowSchema).min(1).max(5000),
  dryRun: z.boolean().default(false),
});
export type ExportRequest = z.input<typeof exportBodySchema>;

/** A started background job: poll `GET /api/v1/jobs/{id}` for progress and its result. */
export const jobStartedSchema = z.strictObject({ job: jobSchema });

export const EXPORT_STATUSES = [
  'created',
  'updated',
  'unchanged',
  'conflict',
  'failed',
  'ambiguous',
  'skipped',
] as const;

/** What an export job reports when done (the job's `result`). */
export const exportResultSchema = z.strictObject({
  dryRun: z.boolean(),
  counts: z.record(z.enum(EXPORT_STATUSES), z.number().int().min(0)),
  rows: z.array(
    z.strictObject({
      rowId: rowIdSchema,
      status: z.enum(EXPORT_STATUSES),
      crmId: crmRecordIdSchema.optional(),
      match: z.string().optional(),
      error: z.strictObject({ code: z.enum(ERROR_CODES), message: z.string() }).optional(),
      /**
       * CRM values the row should take (changed in the CRM since the last sync), by header. Present only
       * when the companion cannot write the sheet itself; the add-on writes them.
       */
      cells: z.record(z.string(), cellSchema).optional(),
    }),
  ),
  companies: z
    .strictObject({ created: z.number(), existing: z.number(), associated: z.number(), failed: z.number() })
    .optional(),
  apiCalls: z.strictObject({ total: z.number(), byEndpoint: z.record(z.string(), z.number()) }),
});
export type ExportResult = z.output<typeof exportResultSchema>;

/**
 * `POST /api/v1/tables/{tableId}/import`: CRM records into the tab, through the table's mapping. Filter by
 * property values (`where`, CRM property → accepted values), by change time (`since`), or take a saved
 * list (`list`); at most `limit` records. Records already in the tab update their rows; new ones are
 * appended with a new Rowbridge ID.
 */
export const importBodySchema = z
  .strictObject({
    where: z.record(z.string().min(1).max(100), z.array(z.string().max(1000)).min(1).max(100)).optional(),
    since: timestampSchema.optional(),
    list: z.string().min(1).max(100).optional(),
    limit: z.number().int().min(1).max(50_000).default(10_000),
  })
  .refine((body) => body.list === undefined || (body.where === undefined && body.since === undefined), {
    message: 'A list is imported whole: send either list, or where and since.',
    path: ['list'],
  });

/** What an import job reports (the job's `result`). */
export const importResultSchema = z.strictObject({
  imported: z.number().int().min(0),
  appended: z.number().int().min(0),
  updated: z.number().int().min(0),
  /**
   * The rows to write, by Rowbridge ID: present only when the companion cannot write the sheet itself
   * (the add-on then appends or updates them).
   */
  rows: z
    .array(
      z.strictObject({
        rowId: rowIdSchema,
        crmId: crmRecordIdSchema,
        cells: z.record(z.string(), cellSchema),
      }),
    )
    .optional(),
  /** Records the sheet refused (a value over a cell's 50,000 characters): not written, not linked. */
  failed: z
    .array(
      z.strictObject({
        rowId: rowIdSchema,
        crmId: crmRecordIdSchema,
        code: z.string(),
        message: z.string(),
      }),
    )
    .optional(),
  apiCalls: z.strictObject({ total: z.number(), byEndpoint: z.record(z.string(), z.number()) }),
});
export type ImportResult = z.output<typeof importResultSchema>;

/** `POST /api/v1/tables/{tableId}/setup-fields`: the custom properties created or found, per CRM object. */
export const setupFieldsResponseSchema = z.strictObject({
  objects: z.record(
    z.string(),
    z.strictObject({ created: z.array(z.string()), existing: z.array(z.string()) }),
  ),
});

const textOf = (max: number) => z.string().trim().max(max);

/** An outreach email went out to the row's contact: logged as an email on the record. */
const emailSent = z.strictObject({
  type: z.literal('email_sent'),
  rowId: rowIdSchema,
  at: timestampSchema,
  subject: textOf(1000).optional(),
  body: textOf(65_000).optional(),
});

/** The contact replied; a positive reply also opens a deal (the table's outreach settings). */
const replyReceived = z.strictObject({
  type: z.literal('reply_received'),
  rowId: rowIdSchema,
  at: timestampSchema,
  sentiment: z.enum(['positive', 'neutral', 'negative']),
  subject: textOf(1000).optional(),
  body: textOf(65_000).optional(),
});

export const outreachEventSchema = z.discriminatedUnion('type', [emailSent, replyReceived]);
export type OutreachEvent = z.output<typeof outreachEventSchema>;

/** `POST /api/v1/tables/{tableId}/events`: outreach events to log in the CRM, in the order they happened. */
export const outreachEventsBodySchema = z.strictObject({
  events: z.array(outreachEventSchema).min(1).max(500),
});
