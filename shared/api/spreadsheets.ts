import * as z from 'zod';
import { googleSpreadsheetIdSchema, idSchema, timestampSchema } from './common.ts';

/** `POST /api/v1/spreadsheets/bind`: the add-on registers the open spreadsheet with the caller's tenant. */
export const bindSpreadsheetBodySchema = z.strictObject({
  spreadsheetId: googleSpreadsheetIdSchema,
  spreadsheetName: z.string().trim().min(1).max(200).optional(),
});
export type BindSpreadsheetRequest = z.input<typeof bindSpreadsheetBodySchema>;

export const bindSpreadsheetResponseSchema = z.strictObject({
  spreadsheetId: googleSpreadsheetIdSchema,
  /**
   * Sent once, on the first bind: the add-on stores it in document properties and sends it as
   * `X-Rowbridge-Sheet-Secret`. The server keeps only a hash, so it can never be shown again.
   */
  secret: z.string().min(32).max(200).optional(),
  boundAt: timestampSchema,
});
export type BindSpreadsheetResponse = z.output<typeof bindSpreadsheetResponseSchema>;

/** `GET /api/v1/session`: who the caller is and which spreadsheet they act for. */
export const sessionSchema = z.strictObject({
  tenant: z.strictObject({ id: idSchema, name: z.string() }),
  user: z.strictObject({ email: z.email() }),
  spreadsheet: z.strictObject({ id: idSchema, googleSpreadsheetId: googleSpreadsheetIdSchema }),
});
export type Session = z.output<typeof sessionSchema>;
