import type { ErrorCode } from '../../shared/errors.ts';

/** A sheet cell as the engine reads and writes it (Sheets API `UNFORMATTED_VALUE` / `RAW`). */
export type CellValue = string | number | boolean | null;

/** Which tab of which spreadsheet a table lives on. */
export interface SheetRef {
  /** Google's spreadsheet id (the long id in its URL). */
  readonly spreadsheetId: string;
  readonly tabName: string;
}

/** One row's new cell values by header; headers not listed keep their cells. */
export interface RowChange {
  readonly rowId: string;
  readonly values: Readonly<Record<string, CellValue>>;
}

export interface RowsRead {
  readonly headers: readonly string[];
  /** Cells by header, for the asked row ids found in the tab. */
  readonly rows: ReadonlyMap<string, Readonly<Record<string, CellValue>>>;
}

export interface SkippedRow {
  readonly rowId: string;
  readonly reason: 'missing' | 'duplicate' | 'rejected';
  readonly code: ErrorCode;
  readonly message: string;
}

export interface RowsWritten {
  readonly written: number;
  /**
   * Rows not written: not found (the row was deleted), found twice (a pasted copy), or refused (a value
   * the sheet cannot hold, a header it lacks); `code` and `message` say which, for the user.
   */
  readonly skipped: readonly SkippedRow[];
}

/**
 * How the sync engine reaches spreadsheets: Google's Sheets API in production, the sandbox Sheets in
 * sandbox mode. Rows are found by their Rowbridge ID immediately before each write, so sorting, inserting
 * and deleting rows between syncs never sends a value to the wrong row.
 */
export interface SheetPort {
  readRows(ref: SheetRef, rowIds: readonly string[]): Promise<RowsRead>;
  writeRows(ref: SheetRef, changes: readonly RowChange[]): Promise<RowsWritten>;
  /** Adds rows with their Rowbridge IDs under the tab's table; a row whose ID is there already is updated. */
  appendRows(ref: SheetRef, rows: readonly RowChange[]): Promise<RowsWritten>;
}
