import { toSheetCell, type WireCell } from './cells.ts';
import { ensureIdColumn, readIdIndex } from './id-column.ts';
import { columnOf } from './layout.ts';
import { spansOf } from './rows.ts';

/** New values for the row carrying `rowId`, by header; headers not listed keep their cells. */
export interface RowWrite {
  readonly rowId: string;
  readonly cells: Readonly<Record<string, WireCell>>;
}

export interface WriteReport {
  readonly written: number;
  readonly appended: number;
  /** Row IDs no row carries any more (deleted rows): nothing written. */
  readonly missing: readonly string[];
  /** Row IDs found on several rows (a pasted copy not yet given its own ID): nothing written. */
  readonly duplicate: readonly string[];
}

/**
 * Writes values the companion sends back (CRM changes when it cannot write the sheet itself, imported
 * rows, conflict choices) into the rows found by their Rowbridge ID just before writing, as the
 * companion's Sheets writer does: sorting or inserting rows in between never sends a value to the wrong
 * row. Only the named cells are written, column by column in runs of adjacent rows, so formulas in other
 * cells stay formulas. With `append`, IDs not found become new rows at the bottom.
 */
export function writeRowsById(
  sheet: GoogleAppsScript.Spreadsheet.Sheet,
  writes: readonly RowWrite[],
  options: { readonly append: boolean },
): WriteReport {
  if (writes.length === 0) return { written: 0, appended: 0, missing: [], duplicate: [] };
  const layout = ensureIdColumn(sheet);
  const index = readIdIndex(sheet, layout.idColumn);
  const missing: string[] = [];
  const duplicate: string[] = [];
  const toAppend: RowWrite[] = [];
  const byColumn = new Map<number, Map<number, WireCell>>();
  let written = 0;
  for (const write of writes) {
    const rows = index.get(write.rowId) ?? [];
    if (rows.length > 1) duplicate.push(write.rowId);
    else if (rows.length === 0) {
      if (options.append) toAppend.push(write);
      else missing.push(write.rowId);
    } else {
      const row = rows[0] ?? 0;
      for (const [header, value] of Object.entries(write.cells)) {
        const at = columnOf(layout, header);
        if (at === undefined || at + 1 === layout.idColumn) continue;
        const column = byColumn.get(at + 1) ?? new Map<number, WireCell>();
        column.set(row, value);
        byColumn.set(at + 1, column);
      }
      written += 1;
    }
  }
  for (const [column, cells] of byColumn) {
    for (const span of spansOf(cells.keys())) {
      const values: (string | number | boolean)[][] = [];
      for (let row = span.first; row <= span.last; row += 1)
        values.push([toSheetCell(cells.get(row) ?? null)]);
      sheet.getRange(span.first, column, values.length, 1).setValues(values);
    }
  }
  if (toAppend.length > 0) appendRows(sheet, layout.headers, layout.idColumn, toAppend);
  return { written, appended: toAppend.length, missing, duplicate };
}

function appendRows(
  sheet: GoogleAppsScript.Spreadsheet.Sheet,
  headers: readonly string[],
  idColumn: number,
  writes: readonly RowWrite[],
): void {
  const width = Math.max(headers.length, idColumn);
  const layout = { headers, idColumn, lastRow: 0, lastColumn: width };
  const rows = writes.map((write) => {
    const row: (string | number | boolean)[] = new Array(width).fill('');
    for (const [header, value] of Object.entries(write.cells)) {
      const at = columnOf(layout, header);
      if (at !== undefined) row[at] = toSheetCell(value);
    }
    row[idColumn - 1] = write.rowId;
    return row;
  });
  const first = sheet.getLastRow() + 1;
  const needed = first + rows.length - 1 - sheet.getMaxRows();
  if (needed > 0) sheet.insertRowsAfter(sheet.getMaxRows(), needed);
  sheet.getRange(first, 1, rows.length, width).setValues(rows);
}
