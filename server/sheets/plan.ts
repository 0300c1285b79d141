import type { ErrorCode, Problem, RowbridgeError } from '../../shared/errors.ts';
import { isRowIdHeader, sameColumnKey } from '../../shared/mapping/headers.ts';
import { columnLetters, rowRange, tabPrefix } from './a1.ts';
import { duplicateProblem, type Layout, missingIdHeader } from './layout.ts';
import type { CellValue, NewRow, RowChange, RowResult } from './types.ts';

/**
 * Google refuses a whole values request when one cell in it is over 50,000 characters
 * (https://support.google.com/drive/answer/37603), so such a change fails alone, before the request.
 */
export const MAX_CELL_CHARS = 50_000;

/** The problem with a value no Google Sheets cell can hold, or `undefined` when it fits. */
export function cellTooLong(header: string, value: CellValue): Problem | undefined {
  if (typeof value !== 'string' || value.length <= MAX_CELL_CHARS) return undefined;
  return {
    code: 'sheets_rejected',
    message: `The value for "${header}" is ${value.length.toLocaleString('en-US')} characters long; a Google Sheets cell holds at most 50,000. Shorten it in the CRM, or map that field to no column.`,
    path: ['values', header],
  };
}

/**
 * The rows with a value no sheet cell can hold, each with the first such problem: for rows someone else
 * writes (the add-on), refused the way the writer refuses its own.
 */
export function rowsTooLongForSheets(
  rows: readonly NewRow[],
): { rowId: string; reason: 'rejected'; code: ErrorCode; message: string }[] {
  return rows.flatMap((row) => {
    for (const [header, value] of Object.entries(row.values)) {
      const problem = cellTooLong(header, value);
      if (problem)
        return [
          { rowId: row.rowId, reason: 'rejected' as const, code: problem.code, message: problem.message },
        ];
    }
    return [];
  });
}

/** One change or new row submitted for a spreadsheet, in submission order. */
export type Operation =
  | { readonly kind: 'update'; readonly tab: string; readonly change: RowChange }
  | { readonly kind: 'append'; readonly tab: string; readonly change: NewRow };

/** What the writer read of a tab just before writing. */
export type TabState =
  | {
      readonly status: 'ready';
      readonly layout: Layout;
      readonly ids: ReadonlyMap<string, readonly number[]>;
    }
  | { readonly status: 'no-tab' }
  | { readonly status: 'no-id-header' };

/** A values.batchUpdate entry. */
export interface ValueRangeInput {
  readonly range: string;
  readonly values: (string | number | boolean)[][];
}

/** Rows to add under one tab's table, and which operations each row answers. */
export interface PendingAppend {
  readonly tab: string;
  /** The header row's span, which `values.append` searches for the table. */
  readonly range: string;
  readonly rows: {
    readonly rowId: string;
    readonly values: (string | number | boolean | null)[];
    readonly ops: number[];
  }[];
}

/** The requests a batch needs and every result already known; appended rows learn their row number later. */
export interface Plan {
  readonly results: (RowResult | undefined)[];
  readonly updates: ValueRangeInput[];
  readonly appends: PendingAppend[];
}

function failed(rowId: string, problem: Problem): RowResult {
  return { rowId, status: 'failed', problem };
}

function problemOf(error: RowbridgeError): Problem {
  return { code: error.code, message: error.message };
}

/** RAW input: strings verbatim, numbers and booleans as values; "" empties a cell (null would skip it). */
function apiValue(value: CellValue): string | number | boolean {
  return value === null ? '' : value;
}

/** Columns for an operation's headers, or the problem that stops the whole operation. */
function columnsFor(tab: string, layout: Layout, change: RowChange): Map<number, CellValue> | Problem {
  const cells = new Map<number, CellValue>();
  for (const [header, value] of Object.entries(change.values)) {
    const key = sameColumnKey(header);
    if (isRowIdHeader(header)) {
      return {
        code: 'invalid_input',
        message: `"${header}" is the Rowbridge ID column of "${tab}"; it is written only when a row is added.`,
        path: ['values', header],
      };
    }
    const column = layout.columns.get(key);
    if (column === undefined) {
      return {
        code: 'sheet_header_missing',
        message: `The tab "${tab}" has no "${header}" column in its header row (row 1). Add the column back, or change the field mapping.`,
        path: ['values', header],
      };
    }
    if (column === 'ambiguous') {
      return {
        code: 'mapping_duplicate_header',
        message: `The header "${header}" appears on more than one column of "${tab}"; rename one so Rowbridge knows where to write.`,
        path: ['values', header],
      };
    }
    const tooLong = cellTooLong(header, value);
    if (tooLong) return tooLong;
    cells.set(column, value);
  }
  return cells;
}

/** Splits a row's cells into runs of adjacent columns: one range each. */
function runs(tab: string, rowNumber: number, cells: ReadonlyMap<number, CellValue>): ValueRangeInput[] {
  const columns = [...cells.keys()].sort((a, b) => a - b);
  const ranges: ValueRangeInput[] = [];
  let start = 0;
  for (let i = 1; i <= columns.length; i += 1) {
    if (i < columns.length && columns[i] === (columns[i - 1] ?? 0) + 1) continue;
    const first = columns[start] ?? 0;
    const last = columns[i - 1] ?? first;
    const values = columns.slice(start, i).map((column) => apiValue(cells.get(column) ?? null));
    ranges.push({ range: rowRange(tab, rowNumber, first, last + 1), values: [values] });
    start = i;
  }
  return ranges;
}

function planTab(tab: string, state: TabState, entries: readonly [number, Operation][], plan: Plan): void {
  const results = plan.results;
  if (state.status !== 'ready') {
    const problem: Problem =
      state.status === 'no-tab'
        ? {
            code: 'sheet_not_found',
            message: `The spreadsheet has no tab "${tab}" (renamed or deleted?). Rename it back, or pick the tab again.`,
          }
        : problemOf(missingIdHeader(tab));
    for (const [index, op] of entries) results[index] = failed(op.change.rowId, problem);
    return;
  }
  const { layout, ids } = state;
  // Valid operations grouped by row ID, in submission order; later values win.
  const byRow = new Map<string, { ops: number[]; cells: Map<number, CellValue>; append: boolean }>();
  for (const [index, op] of entries) {
    const rowId = op.change.rowId.trim();
    if (rowId === '') {
      results[index] = failed(rowId, { code: 'invalid_input', message: 'A change needs a Rowbridge ID.' });
      continue;
    }
    const cells = columnsFor(tab, layout, op.change);
    if (!(cells instanceof Map)) {
      results[index] = failed(rowId, cells);
      continue;
    }
    const group = byRow.get(rowId) ?? {
      ops: [] as number[],
      cells: new Map<number, CellValue>(),
      append: false,
    };
    group.ops.push(index);
    for (const [column, value] of cells) group.cells.set(column, value);
    group.append ||= op.kind === 'append';
    byRow.set(rowId, group);
  }

  const newRows: PendingAppend['rows'] = [];
  for (const [rowId, group] of byRow) {
    const rowNumbers = ids.get(rowId) ?? [];
    if (rowNumbers.length > 1) {
      for (const index of group.ops) results[index] = failed(rowId, duplicateProblem(tab, rowId, rowNumbers));
      continue;
    }
    const rowNumber = rowNumbers[0];
    if (rowNumber !== undefined) {
      // An append of a row that is already there (a retried import) updates it instead of adding a copy.
      plan.updates.push(...runs(tab, rowNumber, group.cells));
      for (const index of group.ops) results[index] = { rowId, status: 'updated', rowNumber };
      continue;
    }
    if (!group.append) {
      for (const index of group.ops) {
        results[index] = failed(rowId, {
          code: 'sheet_row_not_found',
          message: `No row of "${tab}" has Rowbridge ID "${rowId}" (deleted, or its ID edited). The change was not written.`,
          path: ['rowId', rowId],
        });
      }
      continue;
    }
    const width = Math.max(layout.idColumn, ...group.cells.keys()) + 1;
    const values: (string | number | boolean | null)[] = Array.from({ length: width }, () => null);
    values[layout.idColumn] = rowId;
    for (const [column, value] of group.cells) values[column] = apiValue(value);
    newRows.push({ rowId, values, ops: group.ops });
  }
  if (newRows.length > 0) {
    const lastColumn = Math.max(layout.headers.length, ...newRows.map((row) => row.values.length)) - 1;
    plan.appends.push({ tab, range: `${tabPrefix(tab)}A1:${columnLetters(lastColumn)}1`, rows: newRows });
  }
}

/**
 * Plans one batch for a spreadsheet from what was just read: the cells to update (by row, in runs of
 * adjacent columns), the rows to append, and a result for every operation that fails or updates. Pure.
 */
export function planBatch(operations: readonly Operation[], tabs: ReadonlyMap<string, TabState>): Plan {
  const plan: Plan = { results: operations.map(() => undefined), updates: [], appends: [] };
  const byTab = new Map<string, [number, Operation][]>();
  for (const [index, op] of operations.entries())
    byTab.set(op.tab, [...(byTab.get(op.tab) ?? []), [index, op]]);
  for (const [tab, entries] of byTab) {
    const state = tabs.get(tab) ?? { status: 'no-tab' };
    planTab(tab, state, entries, plan);
  }
  return plan;
}
