export {
  createSheetsApi,
  type ServiceAccountKey,
  SHEETS_SCOPES,
  type SheetsApiOptions,
  type SheetsCredentials,
  sheetsAuth,
} from './client.ts';
export { SheetsApiError } from './google-error.ts';
export { ROW_ID_HEADER } from './layout.ts';
export { DEFAULT_RETRY, type RetryPolicy, type WriterClock } from './retry.ts';
export type { CellValue, NewRow, ReadValue, RowChange, RowResult, SheetRow, SheetTable } from './types.ts';
export {
  createSheetsWriter,
  type SheetsWriter,
  type SheetsWriterOptions,
  type WriterStats,
} from './writer.ts';
