/**
 * What the sandbox stores: spreadsheets, their tabs and cells, as plain JSON (see `state.ts`).
 */

/** A value as a cell holds it: text, a number, a boolean. */
export type Scalar = string | number | boolean;

/**
 * A formula. The sandbox evaluates none: `result` is what it shows instead, set by the state API
 * ("the sheet computed 42"); without one it shows `#NAME?`, Google's answer for a function it does not know.
 */
export interface Formula {
  readonly formula: string;
  readonly result?: Scalar;
}

/** A stored cell; `null` is empty. */
export type Cell = Scalar | Formula | null;

export interface StoredSheet {
  readonly sheetId: number;
  title: string;
  rowCount: number;
  columnCount: number;
  /** Rows by index; a row may be shorter than `columnCount` and missing rows are empty. */
  cells: Cell[][];
  /** 0-based indexes of rows and columns hidden by a user (`hiddenByUser`). */
  hiddenRows: number[];
  hiddenColumns: number[];
}

export interface StoredSpreadsheet {
  readonly spreadsheetId: string;
  title: string;
  readonly locale: string;
  readonly timeZone: string;
  readonly createdAt: number;
  /** In tab order: a sheet's `index` is its position here. */
  sheets: StoredSheet[];
}

export interface SheetsData {
  readonly version: 1;
  readonly createdAt: number;
  spreadsheets: Record<string, StoredSpreadsheet>;
}

export function emptyData(now: number): SheetsData {
  return { version: 1, createdAt: now, spreadsheets: {} };
}

/** Google's defaults for a new grid sheet: 1,000 rows by 26 columns (A-Z). */
export const DEFAULT_ROWS = 1000;
export const DEFAULT_COLUMNS = 26;

export function isFormula(cell: Cell | undefined): cell is Formula {
  return typeof cell === 'object' && cell !== null;
}

export function isEmpty(cell: Cell | undefined): boolean {
  return cell === undefined || cell === null || cell === '';
}
