import type { Deadline } from '../deadline.ts';

/**
 * Rows per `getValues` call. Each call is a round trip to Sheets (tens of milliseconds), so reading in
 * chunks of a few hundred rows keeps a 50,000-row tab at about a hundred calls while each chunk stays
 * small enough to turn into API requests before the next read.
 */
export const READ_CHUNK_ROWS = 500;

/** A run of adjacent sheet rows: `[first, last]`, 1-based, inclusive. */
export interface RowSpan {
  readonly first: number;
  readonly last: number;
}

/** A chunk of rows as `getValues` returns them, with the sheet row number of the first one. */
export interface RowChunk {
  readonly firstRow: number;
  readonly values: unknown[][];
}

/** Merges row numbers into sorted runs of adjacent rows. */
export function spansOf(rows: Iterable<number>): RowSpan[] {
  const sorted = [...new Set(rows)].sort((a, b) => a - b);
  const spans: RowSpan[] = [];
  for (const row of sorted) {
    const last = spans[spans.length - 1];
    if (last && row === last.last + 1) spans[spans.length - 1] = { first: last.first, last: row };
    else spans.push({ first: row, last: row });
  }
  return spans;
}

/**
 * The data rows (below the header) the user has selected, across every selected range, clipped to the
 * tab's data. A selection of whole columns or of the header only selects nothing.
 */
export function selectedRows(sheet: GoogleAppsScript.Spreadsheet.Sheet): RowSpan[] {
  const lastRow = sheet.getLastRow();
  const list = sheet.getParent().getActiveRangeList();
  const ranges = list ? list.getRanges() : [];
  const rows: number[] = [];
  for (const range of ranges) {
    if (range.getSheet().getSheetId() !== sheet.getSheetId()) continue;
    const first = Math.max(2, range.getRow());
    const last = Math.min(lastRow, range.getLastRow());
    for (let row = first; row <= last; row += 1) rows.push(row);
  }
  return spansOf(rows);
}

/**
 * Reads the given spans in chunks of `chunkRows`, `width` columns from column A, stopping early when the
 * deadline passes. Returns the chunks read and the first row not read (undefined when all were read),
 * so the caller can hand that row back and be called again.
 */
export function* readChunks(
  sheet: GoogleAppsScript.Spreadsheet.Sheet,
  spans: readonly RowSpan[],
  width: number,
  deadline: Deadline,
  chunkRows: number = READ_CHUNK_ROWS,
): Generator<RowChunk, number | undefined> {
  for (const span of spans) {
    for (let first = span.first; first <= span.last; first += chunkRows) {
      if (deadline.expired()) return first;
      const count = Math.min(chunkRows, span.last - first + 1);
      yield { firstRow: first, values: sheet.getRange(first, 1, count, width).getValues() };
    }
  }
  return undefined;
}

/** True when every cell of a row is empty (ignoring the ID column). */
export function isBlankRow(values: readonly unknown[], idIndex0: number): boolean {
  return values.every((cell, i) => i === idIndex0 || cell === '' || cell === null || cell === undefined);
}
