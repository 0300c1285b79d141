import { type Layout, layoutOf } from './layout.ts';
import { spansOf } from './rows.ts';

/** The header of the column Rowbridge adds; `isRowIdHeader` also accepts variants users make of it. */
export const ROW_ID_HEADER = 'Rowbridge ID';
const PROTECTION_NOTE = 'Rowbridge ID: links each row to its CRM record. Editing it unlinks the row.';

/**
 * Makes sure the tab has its Rowbridge ID column: appended after the last column, hidden, and protected
 * with a warning only (everyone may still edit, sort and paste; Sheets asks first), because the ID
 * column is the source of truth for which row is which record (DESIGN.md, Row identity). Returns the
 * tab's layout with the column in it.
 * https://developers.google.com/apps-script/reference/spreadsheet/protection#setwarningonlywarningonly
 */
export function ensureIdColumn(sheet: GoogleAppsScript.Spreadsheet.Sheet): Layout & { idColumn: number } {
  const layout = layoutOf(sheet);
  if (layout.idColumn !== undefined) return { ...layout, idColumn: layout.idColumn };
  const column = layout.lastColumn + 1;
  if (column > sheet.getMaxColumns()) sheet.insertColumnsAfter(sheet.getMaxColumns(), 1);
  sheet.getRange(1, column).setValue(ROW_ID_HEADER);
  sheet.hideColumns(column);
  sheet
    .getRange(1, column, sheet.getMaxRows(), 1)
    .protect()
    .setDescription(PROTECTION_NOTE)
    .setWarningOnly(true);
  return { ...layoutOf(sheet), idColumn: column };
}

/** Where each Rowbridge ID occurs in the tab: id → sheet row numbers, top to bottom. */
export type IdIndex = Map<string, number[]>;

/** Reads the whole ID column once (one call, however long the tab) and indexes it. */
export function readIdIndex(sheet: GoogleAppsScript.Spreadsheet.Sheet, idColumn: number): IdIndex {
  const index: IdIndex = new Map();
  const lastRow = sheet.getLastRow();
  if (lastRow < 2) return index;
  const values = sheet.getRange(2, idColumn, lastRow - 1, 1).getValues();
  values.forEach(([cell], i) => {
    const id = typeof cell === 'string' ? cell.trim() : cell === '' || cell == null ? '' : String(cell);
    if (id === '') return;
    const rows = index.get(id);
    if (rows) rows.push(i + 2);
    else index.set(id, [i + 2]);
  });
  return index;
}

/** A new Rowbridge ID (a UUID, also written to the CRM record's `rowbridge_id`). */
export function newRowId(): string {
  return Utilities.getUuid();
}

/**
 * The ID a row should carry, given what its cell holds now. A row without one gets a new ID; a row whose
 * ID also appears on an earlier row is a pasted copy (Sheets copies the hidden column along with the
 * row) and gets a new one, so the copy becomes a new record instead of overwriting the original's.
 * `copy` decides which occurrence is the copy when the caller knows better (the row a user just pasted).
 */
export function idFor(
  current: string,
  row: number,
  index: IdIndex,
  copy: (row: number, rows: readonly number[]) => boolean = (r, rows) => rows[0] !== r,
): { id: string; changed: 'new' | 'renewed' | undefined } {
  if (current === '') return { id: newRowId(), changed: 'new' };
  const rows = index.get(current) ?? [row];
  if (rows.length > 1 && copy(row, rows)) return { id: newRowId(), changed: 'renewed' };
  return { id: current, changed: undefined };
}

/** Records in the index that `row` now carries `id` instead of `old` (empty when it had none). */
export function reindex(index: IdIndex, row: number, old: string, id: string): void {
  const before = index.get(old)?.filter((r) => r !== row);
  if (before?.length) index.set(old, before);
  else index.delete(old);
  index.set(
    id,
    [...(index.get(id) ?? []), row].sort((a, b) => a - b),
  );
}

/** Writes new IDs into the ID column, one call per run of adjacent rows. */
export function writeIds(
  sheet: GoogleAppsScript.Spreadsheet.Sheet,
  idColumn: number,
  ids: ReadonlyMap<number, string>,
): void {
  for (const span of spansOf(ids.keys())) {
    const values: string[][] = [];
    for (let row = span.first; row <= span.last; row += 1) values.push([ids.get(row) ?? '']);
    sheet.getRange(span.first, idColumn, values.length, 1).setValues(values);
  }
}
