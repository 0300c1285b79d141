import { type Problem, RowbridgeError } from '../../shared/errors.ts';
import { isRowIdHeader, sameColumnKey } from '../../shared/mapping/headers.ts';
import type { ReadValue, SheetRow } from './types.ts';

/** Where a tab's columns are, read from its header row (row 1). */
export interface Layout {
  readonly headers: readonly string[];
  /** 0-based column of the Rowbridge ID header. */
  readonly idColumn: number;
  /** Header key (`sameColumnKey`) → 0-based column; a key on two columns maps to `ambiguous`. */
  readonly columns: ReadonlyMap<string, number | 'ambiguous'>;
}

/** The name the ID column has when Rowbridge adds it, and what messages call it. */
export const ROW_ID_HEADER = 'Rowbridge ID';

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

/** Reads the header row; undefined when it has no Rowbridge ID column. */
export function layoutOf(headerRow: readonly unknown[]): Layout | undefined {
  const headers = headerRow.map((cell) => text(cell).trim());
  const idColumn = headers.findIndex((header) => header !== '' && isRowIdHeader(header));
  if (idColumn === -1) return undefined;
  const columns = new Map<string, number | 'ambiguous'>();
  headers.forEach((header, column) => {
    if (header === '' || column === idColumn) return;
    const key = sameColumnKey(header);
    columns.set(key, columns.has(key) ? 'ambiguous' : column);
  });
  return { headers, idColumn, columns };
}

/** The error for a tab whose header row lost its ID column: names the header and says how to fix it. */
export function missingIdHeader(tab: string): RowbridgeError {
  return new RowbridgeError(
    'sheet_header_missing',
    `The tab "${tab}" has no "${ROW_ID_HEADER}" column in its header row (row 1). Rowbridge finds rows by it: ` +
      `put the column back (undo, or restore a version of the sheet), then sync again.`,
  );
}

/** The ID column's values by sheet row number (row 2 on), trimmed, empty ones left out. */
export function rowsById(idColumnValues: readonly unknown[]): Map<string, number[]> {
  const found = new Map<string, number[]>();
  idColumnValues.forEach((value, index) => {
    const rowNumber = index + 1;
    if (rowNumber === 1) return;
    const id = text(value).trim();
    if (id === '') return;
    found.set(id, [...(found.get(id) ?? []), rowNumber]);
  });
  return found;
}

/** The problem of one ID on several rows: neither copy is written until a user removes one. */
export function duplicateProblem(tab: string, rowId: string, rowNumbers: readonly number[]): Problem {
  const rows = rowNumbers.join(', ');
  return {
    code: 'sheet_row_id_duplicate',
    message:
      `Rowbridge ID "${rowId}" is on rows ${rows} of "${tab}", so Rowbridge cannot tell which row is the record; ` +
      'it writes to none of them. Delete the copied row (or clear its Rowbridge ID to make it a new record).',
    path: ['rowId', rowId],
  };
}

/**
 * A tab's values (as `values.get` of the whole tab answers them) as a table: headers, rows with data, and
 * problems (duplicate IDs, rows without an ID, a header used twice). Throws `sheet_header_missing` without
 * an ID column.
 */
export function tableFromValues(
  tab: string,
  values: readonly (readonly ReadValue[])[],
): { layout: Layout; rows: SheetRow[]; problems: Problem[] } {
  const layout = layoutOf(values[0] ?? []);
  if (!layout) throw missingIdHeader(tab);
  const problems: Problem[] = [];
  for (const [key, column] of layout.columns) {
    if (column !== 'ambiguous') continue;
    const named = layout.headers.filter((header) => header !== '' && sameColumnKey(header) === key);
    problems.push({
      code: 'mapping_duplicate_header',
      message: `The header "${named[0]}" appears on ${named.length} columns of "${tab}"; rename one so each column has its own header.`,
      path: ['header', named[0] ?? key],
    });
  }
  const rows: SheetRow[] = [];
  values.slice(1).forEach((line, index) => {
    const rowNumber = index + 2;
    if (!line.some((cell) => text(cell).trim() !== '')) return;
    const cells: Record<string, ReadValue> = {};
    layout.headers.forEach((header, column) => {
      if (header !== '' && !(header in cells)) cells[header] = line[column] ?? '';
    });
    const id = text(line[layout.idColumn]).trim();
    if (id === '') {
      problems.push({
        code: 'sheet_row_id_missing',
        message: `Row ${rowNumber} of "${tab}" has no Rowbridge ID, so it is not linked to a record yet.`,
        path: ['row', rowNumber],
      });
    }
    rows.push({ rowNumber, rowId: id === '' ? null : id, cells });
  });
  for (const [rowId, rowNumbers] of rowsById(values.map((line) => line[layout.idColumn] ?? ''))) {
    if (rowNumbers.length > 1) problems.push(duplicateProblem(tab, rowId, rowNumbers));
  }
  return { layout, rows, problems };
}
