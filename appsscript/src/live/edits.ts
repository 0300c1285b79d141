import { AddonError } from '../companion/errors.ts';
import { type Deadline, deadlineIn } from '../deadline.ts';
import { idFor, readIdIndex, reindex, writeIds } from '../sheet/id-column.ts';
import { layoutOf } from '../sheet/layout.ts';
import { spansOf } from '../sheet/rows.ts';
import { exportSource, pushRows } from '../sync/export.ts';
import { recordSync } from '../sync/last-sync.ts';
import { cachedTable } from '../sync/tables.ts';
import { addPending, type Pending, pendingSheetIds, readPending, writePending } from './pending.ts';

/** How long an edit waits for another execution of the add-on (a flush in progress) to finish. */
const EDIT_LOCK_MS = 15_000;

export interface FlushReport {
  /** Rows sent to the companion. */
  readonly pushed: number;
  readonly jobIds: readonly string[];
  /** Rows still waiting (the time budget ran out, or the companion could not be reached). */
  readonly waiting: number;
  /** Why the last push failed, when it did. */
  readonly error: string | null;
}

/**
 * Records which rows an edit touched, by Rowbridge ID, and pushes them at once. Runs from the installable
 * onEdit trigger for every user's edit to a tab that syncs (`e.range` is the edited range; a paste is one
 * event with a multi-row range). Rows without an ID have never been exported and wait for the next
 * export. A row whose ID also sits on a row outside the edit is a pasted copy: it gets its own ID and is
 * not pushed as the original. The header row is not data and is ignored.
 * https://developers.google.com/apps-script/guides/triggers/events#edit
 */
export function recordEdit(e: GoogleAppsScript.Events.SheetsOnEdit): FlushReport | undefined {
  const range = e.range;
  const sheet = range.getSheet();
  if (!cachedTable(sheet.getSheetId())) return undefined;
  const first = Math.max(2, range.getRow());
  const last = Math.min(range.getLastRow(), sheet.getLastRow());
  if (first > last) return undefined;
  const lock = LockService.getDocumentLock();
  // If another execution holds the lock past the wait, this edit is caught by the companion's reconcile.
  if (!lock?.tryLock(EDIT_LOCK_MS)) return undefined;
  try {
    const layout = layoutOf(sheet);
    if (layout.idColumn === undefined) return undefined;
    const idColumn = layout.idColumn;
    const cells = sheet.getRange(first, idColumn, last - first + 1, 1).getValues();
    const ids = cells.map(([cell]) => String(cell ?? '').trim());
    // Rows never exported have no ID yet; edits still waiting from before are pushed all the same.
    if (ids.every((id) => id === ''))
      return pendingSheetIds().length > 0 ? flushLocked(deadlineIn(60_000)) : undefined;
    const index = readIdIndex(sheet, idColumn);
    const outside = (rows: readonly number[]) => rows.some((r) => r < first || r > last);
    const renewed = new Map<number, string>();
    const edited: string[] = [];
    ids.forEach((current, i) => {
      if (current === '') return;
      const row = first + i;
      const { id, changed } = idFor(current, row, index, (r, rows) => outside(rows) || rows[0] !== r);
      if (changed) {
        renewed.set(row, id);
        reindex(index, row, current, id);
      } else edited.push(id);
    });
    if (renewed.size > 0) writeIds(sheet, idColumn, renewed);
    if (edited.length > 0) addPending(sheet.getSheetId(), edited);
    return flushLocked(deadlineIn(60_000));
  } finally {
    lock.releaseLock();
  }
}

function flushSheet(
  sheet: GoogleAppsScript.Spreadsheet.Sheet,
  pending: Pending,
  deadline: Deadline,
): { pushed: number; jobIds: string[]; left: Pending } {
  const table = cachedTable(sheet.getSheetId());
  if (!table) return { pushed: 0, jobIds: [], left: { ids: [], overflow: false } };
  const { source, batcher } = exportSource(sheet, table, false);
  if (pending.overflow) {
    const from = Math.max(2, pending.fromRow ?? 2);
    const spans = from <= sheet.getLastRow() ? [{ first: from, last: sheet.getLastRow() }] : [];
    const { nextRow } = pushRows(source, spans, batcher, deadline);
    const left: Pending = nextRow
      ? { ids: [], overflow: true, fromRow: nextRow }
      : { ids: [], overflow: false };
    return { pushed: batcher.sent, jobIds: batcher.jobIds, left };
  }
  // Rows are found by ID now, not where they were when edited: a sort in between moves them.
  const rows = pending.ids.flatMap((id) => source.index.get(id)?.slice(0, 1) ?? []);
  const { nextRow } = pushRows(source, spansOf(rows), batcher, deadline);
  const sentRows = new Set(rows.filter((row) => nextRow === undefined || row < nextRow));
  const left = pending.ids.filter((id) => {
    const row = source.index.get(id)?.[0];
    return row !== undefined && !sentRows.has(row);
  });
  return { pushed: batcher.sent, jobIds: batcher.jobIds, left: { ids: left, overflow: false } };
}

/** Pushes every tab's waiting edits; the caller holds the document lock. */
function flushLocked(deadline: Deadline): FlushReport {
  const spreadsheet = SpreadsheetApp.getActive();
  let pushed = 0;
  let waiting = 0;
  let error: string | null = null;
  const jobIds: string[] = [];
  for (const sheetId of pendingSheetIds()) {
    const pending = readPending(sheetId);
    const sheet = spreadsheet.getSheets().find((s) => s.getSheetId() === sheetId);
    if (!sheet) {
      writePending(sheetId, { ids: [], overflow: false });
      continue;
    }
    try {
      const result = flushSheet(sheet, pending, deadline);
      writePending(sheetId, result.left);
      pushed += result.pushed;
      jobIds.push(...result.jobIds);
      waiting += result.left.overflow ? 1 : result.left.ids.length;
      if (result.pushed > 0) recordSync(sheet);
    } catch (failure) {
      // Keep the edits for the next try; the message tells the sidebar why they wait.
      waiting += pending.overflow ? 1 : pending.ids.length;
      error = failure instanceof Error ? failure.message : String(failure);
    }
  }
  return { pushed, jobIds, waiting, error };
}

/**
 * Pushes the edits waiting in every tab now: from the sidebar (which calls it while open) or the menu.
 * Takes the document lock, so it never runs alongside an edit trigger's own flush.
 */
export function flushPendingEdits(): FlushReport {
  const lock = LockService.getDocumentLock();
  if (!lock?.tryLock(EDIT_LOCK_MS)) throw new AddonError('sheet_busy');
  try {
    return flushLocked(deadlineIn());
  } finally {
    lock.releaseLock();
  }
}

/** How many rows wait to be pushed in a tab (an overflowing tab counts as its data rows). */
export function waitingEdits(sheet: GoogleAppsScript.Spreadsheet.Sheet): number {
  const pending = readPending(sheet.getSheetId());
  return pending.overflow ? Math.max(0, sheet.getLastRow() - 1) : pending.ids.length;
}
