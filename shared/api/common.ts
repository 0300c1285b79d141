import * as z from 'zod';
import { ERROR_CODES } from '../errors.ts';

/**
 * A Rowbridge id (tenant, table, connection, conflict, job, audit entry). Limited to URL-safe characters
 * so ids go into paths unescaped and a stray `../` or space is refused before any lookup.
 */
export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, {
  error: 'must be an id: 1 to 64 letters, digits, "-" or "_"',
});

/** A Google spreadsheet id as in its URL. Sandbox spreadsheets use short ids, so only the alphabet is fixed. */
export const googleSpreadsheetIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, {
  error: 'must be a spreadsheet id: the letters, digits, "-" and "_" between /d/ and /edit in its URL',
});

/** An instant on the wire: ISO 8601 with an offset, as `Date.prototype.toISOString` writes it. */
export const timestampSchema = z.iso.datetime({ offset: true });

/** Where a row or record is identified: the sheet's ID column value, or the CRM's record id. */
export const rowIdSchema = z.string().min(1).max(200);
export const crmRecordIdSchema = z.string().min(1).max(200);

/** A region for reading phone numbers without a country code: ISO 3166-1 alpha-2, upper case. */
export const regionSchema = z
  .string()
  .regex(/^[A-Z]{2}$/, { error: 'must be a two-letter country code, such as US' });

/** An opaque paging cursor: pass back `nextCursor` unchanged. */
export const cursorSchema = z.string().min(1).max(500);

/** `sandbox` talks to the built-in fake CRMs and sheet; `production` to the real services. */
export const MODES = ['sandbox', 'production'] as const;
export type Mode = (typeof MODES)[number];

/**
 * One problem inside an error: where (`path`, from the part of the request: `body`, `query`, `params`)
 * and what, in words a user can act on. `code` is set when a problem has its own, more specific code.
 */
export const errorDetailSchema = z.strictObject({
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
  code: z.enum(ERROR_CODES).optional(),
});
export type ErrorDetail = z.output<typeof errorDetailSchema>;

/**
 * The body of every error response. Clients branch on `code`, which never changes meaning; `message` is
 * for people; `details` lists every problem when a whole input was checked, so all can be fixed at once.
 * Clients should not parse this strictly: a newer server may send codes an older add-on does not know.
 */
export const apiErrorSchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    details: z.array(errorDetailSchema).optional(),
  }),
});
export type ApiError = z.output<typeof apiErrorSchema>;
