import type { Problem } from '../../shared/errors.ts';

/** A value for a cell. Written RAW: strings stay text (even `=IMPORTXML(...)`), null empties the cell. */
export type CellValue = string | number | boolean | null;

/** A value as read from a cell; empty cells read as "". */
export type ReadValue = string | number | boolean;

/** New values for some cells of the row carrying `rowId`, by header (matched ignoring case and spaces). */
export interface RowChange {
  readonly rowId: string;
  readonly values: Readonly<Record<string, CellValue>>;
}

/** A row to add under the table, with its Rowbridge ID (written into the ID column). */
export type NewRow = RowChange;

/** What happened to one change or new row. Problems are per row: other rows of the batch are still written. */
export type RowResult =
  | { readonly rowId: string; readonly status: 'updated'; readonly rowNumber: number }
  | { readonly rowId: string; readonly status: 'appended'; readonly rowNumber: number }
  | { readonly rowId: string; readonly status: 'failed'; readonly problem: Problem };

/** One data row of a tab. `rowNumber` is the sheet's (the header is row 1). */
export interface SheetRow {
  readonly rowNumber: number;
  /** The Rowbridge ID, trimmed; null when the row has data but no ID. */
  readonly rowId: string | null;
  /** Every header's cell, "" when empty. */
  readonly cells: Readonly<Record<string, ReadValue>>;
}

/** A tab read at one moment: its headers, its non-empty rows, and what is wrong with them. */
export interface SheetTable {
  readonly headers: readonly string[];
  /** The ID column's header as written in the sheet (e.g. "Rowbridge ID (do not edit)"). */
  readonly idHeader: string;
  readonly rows: readonly SheetRow[];
  /** Duplicate IDs (`sheet_row_id_duplicate`), rows without an ID (`sheet_row_id_missing`), repeated headers. */
  readonly problems: readonly Problem[];
}
