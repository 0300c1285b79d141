import { type A1Range, type Box, formatRange, MAX_COLUMNS, parseA1 } from './a1.ts';
import {
  type CellWrite,
  type InputValue,
  renderCell,
  toCell,
  type ValueInputOption,
  type ValueRenderOption,
} from './cells.ts';
import { invalidArgument, unparsableRange } from './errors.ts';
import { type Cell, isEmpty, type Scalar, type StoredSheet, type StoredSpreadsheet } from './model.ts';

/** A range matched to a sheet: the sheet and the block it covers, bounded by the grid. */
export interface ResolvedRange {
  readonly sheet: StoredSheet;
  readonly requested: A1Range;
  readonly box: Box;
}

/**
 * Matches an A1 range to a sheet of the spreadsheet. No sheet name means the first visible sheet (every
 * sandbox sheet is visible). Sheet names match exactly, else case-insensitively (assumed; see README).
 * Unbounded sides take the grid's size; a side past the grid is clipped to it.
 */
export function resolveRange(spreadsheet: StoredSpreadsheet, text: string): ResolvedRange {
  const requested = parseA1(text);
  if (!requested) throw unparsableRange(text);
  const sheet =
    requested.sheet === undefined ? spreadsheet.sheets[0] : findSheet(spreadsheet, requested.sheet);
  if (!sheet) throw unparsableRange(text);
  const box: Box = {
    startRow: Math.min(requested.startRow ?? 0, sheet.rowCount),
    endRow: Math.min(requested.endRow ?? sheet.rowCount, sheet.rowCount),
    startColumn: Math.min(requested.startColumn ?? 0, sheet.columnCount),
    endColumn: Math.min(requested.endColumn ?? sheet.columnCount, sheet.columnCount),
  };
  return { sheet, requested, box };
}

export function findSheet(spreadsheet: StoredSpreadsheet, title: string): StoredSheet | undefined {
  const exact = spreadsheet.sheets.find((sheet) => sheet.title === title);
  if (exact) return exact;
  const folded = spreadsheet.sheets.filter((sheet) => sheet.title.toLowerCase() === title.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}

/** The range as the API echoes it back: sheet name and bounded corners (`Sheet1!A1:Z1000`). */
export function rangeText(resolved: ResolvedRange): string {
  const { sheet, box, requested } = resolved;
  if (box.endRow <= box.startRow || box.endColumn <= box.startColumn) {
    // Entirely past the grid: echo what was asked, bounded where it was unbounded.
    return formatRange(sheet.title, {
      startRow: requested.startRow ?? 0,
      endRow: requested.endRow ?? Math.max(sheet.rowCount, (requested.startRow ?? 0) + 1),
      startColumn: requested.startColumn ?? 0,
      endColumn: requested.endColumn ?? Math.max(sheet.columnCount, (requested.startColumn ?? 0) + 1),
    });
  }
  return formatRange(sheet.title, box);
}

export function cellAt(sheet: StoredSheet, row: number, column: number): Cell | undefined {
  return sheet.cells[row]?.[column];
}

function setCell(sheet: StoredSheet, row: number, column: number, cell: Cell): void {
  while (sheet.cells.length <= row) sheet.cells.push([]);
  const cells = sheet.cells[row] ?? [];
  while (cells.length <= column) cells.push(null);
  cells[column] = cell;
  sheet.cells[row] = cells;
}

export type MajorDimension = 'ROWS' | 'COLUMNS';

/**
 * The values of a block as a read answers them: "For output, empty trailing rows and columns will not be
 * included" (ValueRange.values); each row (or column) also stops at its last non-empty cell.
 */
export function readBox(
  sheet: StoredSheet,
  box: Box,
  render: ValueRenderOption,
  major: MajorDimension,
): Scalar[][] {
  const lines: Scalar[][] = [];
  const outer = major === 'ROWS' ? [box.startRow, box.endRow] : [box.startColumn, box.endColumn];
  const inner = major === 'ROWS' ? [box.startColumn, box.endColumn] : [box.startRow, box.endRow];
  for (let o = outer[0] ?? 0; o < (outer[1] ?? 0); o += 1) {
    const line: Scalar[] = [];
    let last = -1;
    for (let i = inner[0] ?? 0; i < (inner[1] ?? 0); i += 1) {
      const cell = major === 'ROWS' ? cellAt(sheet, o, i) : cellAt(sheet, i, o);
      line.push(renderCell(cell, render));
      if (!isEmpty(cell)) last = line.length - 1;
    }
    lines.push(line.slice(0, last + 1));
  }
  while (lines.length > 0 && lines[lines.length - 1]?.length === 0) lines.pop();
  return lines;
}

/** Counts of what a write touched, as `UpdateValuesResponse` reports them. */
export interface WriteCounts {
  readonly box: Box;
  readonly cells: number;
  readonly rows: number;
  readonly columns: number;
}

/** Turns request values into rows of cell writes, whatever the major dimension. */
export function toRows(
  values: readonly (readonly InputValue[])[],
  major: MajorDimension,
  option: ValueInputOption,
): CellWrite[][] {
  const converted = values.map((line) => line.map((value) => toCell(value, option)));
  if (major === 'ROWS') return converted;
  const rows: CellWrite[][] = [];
  converted.forEach((column, c) => {
    column.forEach((write, r) => {
      const row = rows[r] ?? [];
      row[c] = write;
      rows[r] = row;
    });
  });
  // A shorter column leaves holes: those cells are not written.
  return rows.map((row) => Array.from(row, (write) => write ?? { skip: true as const }));
}

/** The block `rows` covers when written from (row, column). */
export function extentOf(rows: readonly (readonly CellWrite[])[], row: number, column: number): Box {
  const width = Math.max(0, ...rows.map((r) => r.length));
  return { startRow: row, endRow: row + rows.length, startColumn: column, endColumn: column + width };
}

/**
 * Writes rows of cells from (box.startRow, box.startColumn). The caller has checked the extent against the
 * grid and the requested range. Skipped cells (null input) are left as they are and not counted.
 */
export function writeRows(sheet: StoredSheet, rows: readonly (readonly CellWrite[])[], at: Box): WriteCounts {
  const touchedRows = new Set<number>();
  const touchedColumns = new Set<number>();
  let cells = 0;
  rows.forEach((line, r) => {
    line.forEach((write, c) => {
      if (write.skip) return;
      setCell(sheet, at.startRow + r, at.startColumn + c, write.cell);
      touchedRows.add(r);
      touchedColumns.add(c);
      cells += 1;
    });
  });
  return {
    box: extentOf(rows, at.startRow, at.startColumn),
    cells,
    rows: touchedRows.size,
    columns: touchedColumns.size,
  };
}

/** Sheets refuses writes past the grid's edge ("Range (Sheet1!A1001) exceeds grid limits. Max rows: ..."). */
export function checkWithinGrid(sheet: StoredSheet, extent: Box): void {
  if (extent.endRow <= sheet.rowCount && extent.endColumn <= sheet.columnCount) return;
  const first = { ...extent, endRow: extent.startRow + 1, endColumn: extent.startColumn + 1 };
  const outside =
    extent.endRow > sheet.rowCount
      ? { ...first, startRow: sheet.rowCount, endRow: sheet.rowCount + 1 }
      : { ...first, startColumn: sheet.columnCount, endColumn: sheet.columnCount + 1 };
  throw invalidArgument(
    `Range (${formatRange(sheet.title, outside)}) exceeds grid limits. Max rows: ${sheet.rowCount}, max columns: ${sheet.columnCount}`,
  );
}

/** Empties every cell of the block. */
export function clearBox(sheet: StoredSheet, box: Box): void {
  for (let r = box.startRow; r < Math.min(box.endRow, sheet.cells.length); r += 1) {
    const row = sheet.cells[r];
    if (!row) continue;
    for (let c = box.startColumn; c < Math.min(box.endColumn, row.length); c += 1) row[c] = null;
  }
}

/** Inserts `count` empty rows before row `at`; rows below move down, hidden rows with them. */
export function insertRows(sheet: StoredSheet, at: number, count: number): void {
  if (sheet.cells.length > at) sheet.cells.splice(at, 0, ...Array.from({ length: count }, () => []));
  sheet.rowCount += count;
  sheet.hiddenRows = sheet.hiddenRows.map((row) => (row >= at ? row + count : row));
}

/** Deletes rows [start, end); rows below move up. */
export function deleteRows(sheet: StoredSheet, start: number, end: number): void {
  sheet.cells.splice(start, end - start);
  sheet.rowCount -= end - start;
  sheet.hiddenRows = sheet.hiddenRows
    .filter((row) => row < start || row >= end)
    .map((row) => (row >= end ? row - (end - start) : row));
}

export function insertColumns(sheet: StoredSheet, at: number, count: number): void {
  if (sheet.columnCount + count > MAX_COLUMNS)
    throw invalidArgument(`A sheet has at most ${MAX_COLUMNS} columns.`);
  for (const row of sheet.cells)
    if (row.length > at) row.splice(at, 0, ...Array.from({ length: count }, () => null));
  sheet.columnCount += count;
  sheet.hiddenColumns = sheet.hiddenColumns.map((column) => (column >= at ? column + count : column));
}

export function deleteColumns(sheet: StoredSheet, start: number, end: number): void {
  for (const row of sheet.cells) row.splice(start, end - start);
  sheet.columnCount -= end - start;
  sheet.hiddenColumns = sheet.hiddenColumns
    .filter((column) => column < start || column >= end)
    .map((column) => (column >= end ? column - (end - start) : column));
}

export interface SortKey {
  /** 0-based column index in the sheet. */
  readonly column: number;
  readonly descending: boolean;
}

/**
 * Sorts the rows of a block by its columns, as Data → Sort range does: numbers before text before booleans,
 * text case-insensitively, empty cells last whichever the order, ties kept in their order. Cells outside the
 * block's columns stay where they are.
 */
export function sortBox(sheet: StoredSheet, box: Box, keys: readonly SortKey[]): void {
  const rows = [];
  for (let r = box.startRow; r < box.endRow; r += 1) {
    rows.push(
      Array.from(
        { length: box.endColumn - box.startColumn },
        (_, c) => cellAt(sheet, r, box.startColumn + c) ?? null,
      ),
    );
  }
  const sorted = rows
    .map((cells, position) => ({ cells, position }))
    .sort((a, b) => {
      for (const key of keys) {
        const order = compareCells(
          a.cells[key.column - box.startColumn] ?? null,
          b.cells[key.column - box.startColumn] ?? null,
          key.descending,
        );
        if (order !== 0) return order;
      }
      return a.position - b.position;
    });
  sorted.forEach(({ cells }, r) => {
    cells.forEach((cell, c) => {
      if (cell === null && cellAt(sheet, box.startRow + r, box.startColumn + c) === undefined) return;
      setCell(sheet, box.startRow + r, box.startColumn + c, cell);
    });
  });
}

function sortValue(cell: Cell): Scalar | undefined {
  if (cell === null || cell === '') return undefined;
  if (typeof cell === 'object') return cell.result;
  return cell;
}

function typeRank(value: Scalar): number {
  if (typeof value === 'number') return 0;
  if (typeof value === 'string') return 1;
  return 2;
}

function compareCells(a: Cell, b: Cell, descending: boolean): number {
  const x = sortValue(a);
  const y = sortValue(b);
  if (x === undefined || y === undefined) return (x === undefined ? 1 : 0) - (y === undefined ? 1 : 0);
  let order = typeRank(x) - typeRank(y);
  if (order === 0) {
    if (typeof x === 'string' && typeof y === 'string')
      order = x.localeCompare(y, 'en', { sensitivity: 'base' });
    else order = Number(x) - Number(y);
  }
  return descending ? -order : order;
}

function rowHasData(sheet: StoredSheet, row: number, startColumn: number, endColumn: number): boolean {
  const cells = sheet.cells[row];
  if (!cells) return false;
  for (let c = startColumn; c < Math.min(endColumn, cells.length); c += 1)
    if (!isEmpty(cells[c])) return true;
  return false;
}

/** Where `values.append` writes, and the table it found. */
export interface AppendTarget {
  /** The table found, when there was one (AppendValuesResponse.tableRange). */
  readonly table?: Box;
  readonly row: number;
  readonly column: number;
}

/**
 * Finds the "table" `values.append` appends to. Google documents only that "the input range is used to
 * search for existing data and find a table within that range"; the rule here matches what its users
 * report: the table starts at the first row of the range with data in the range's columns (a single cell
 * searches every column from it rightwards) and runs down, past the range's last row, to the row before
 * the first empty one. Values go below it, from its first column. Without data, values go at the range's
 * top-left corner.
 */
export function findAppendTarget(sheet: StoredSheet, box: Box, single: boolean): AppendTarget {
  const startColumn = box.startColumn;
  const endColumn = single ? sheet.columnCount : box.endColumn;
  let first = -1;
  for (let r = box.startRow; r < box.endRow; r += 1) {
    if (rowHasData(sheet, r, startColumn, endColumn)) {
      first = r;
      break;
    }
  }
  if (first === -1) return { row: box.startRow, column: box.startColumn };
  let last = first;
  while (last + 1 < sheet.rowCount && rowHasData(sheet, last + 1, startColumn, endColumn)) last += 1;
  let left = endColumn;
  let right = startColumn;
  for (let r = first; r <= last; r += 1) {
    const cells = sheet.cells[r] ?? [];
    for (let c = startColumn; c < Math.min(endColumn, cells.length); c += 1) {
      if (isEmpty(cells[c])) continue;
      left = Math.min(left, c);
      right = Math.max(right, c + 1);
    }
  }
  return {
    table: { startRow: first, endRow: last + 1, startColumn: left, endColumn: right },
    row: last + 1,
    column: left,
  };
}
