import { type ExportResult, exportResultSchema, type SheetRow } from '../../../shared/api/sync.ts';
import { call } from '../companion/client.ts';
import { AddonError } from '../companion/errors.ts';
import { type Deadline, deadlineIn } from '../deadline.ts';
import { toWireCell, type WireCell } from '../sheet/cells.ts';
import { ensureIdColumn, type IdIndex, idFor, readIdIndex, reindex, writeIds } from '../sheet/id-column.ts';
import { columnsOf } from '../sheet/layout.ts';
import { isBlankRow, type RowSpan, readChunks, selectedRows } from '../sheet/rows.ts';
import { writeRowsById } from '../sheet/write.ts';
import { recordSync } from './last-sync.ts';
import { activeSheet, requireTable, sheetById } from './tables.ts';

/**
 * Rows per export request. The API takes up to 5,000 rows and 1 MB a request; a job per 1,000 rows
 * keeps each request well under both for typical rows and gives the sidebar's progress bar steps.
 */
export const ROWS_PER_REQUEST = 1000;
/** Stop adding rows to a request at this many bytes of JSON (the companion refuses bodies over 1 MB). */
export const BYTES_PER_REQUEST = 800_000;

export interface ExportRequest {
  readonly scope: 'selection' | 'all';
  readonly dryRun: boolean;
  /** Where an earlier call stopped (its `nextRow`), to continue a large tab. */
  readonly fromRow?: number;
}

export interface ExportStarted {
  /** The tab exported from: pass it to `exportProgress`. */
  readonly sheetId: number;
  readonly jobIds: readonly string[];
  readonly rows: number;
  /** The first row not sent yet when the time budget ran out; call again with it as `fromRow`. */
  readonly nextRow: number | null;
  /** Rows that had no Rowbridge ID and got one. */
  readonly idsAssigned: number;
  /** Pasted copies of another row that got their own ID. */
  readonly copiesRenewed: number;
}

/** Turns sheet rows into export requests as they are read, one job per full batch. */
export class Batcher {
  readonly jobIds: string[] = [];
  #rows: SheetRow[] = [];
  #bytes = 0;
  sent = 0;

  constructor(
    private readonly tableId: string,
    private readonly dryRun: boolean,
  ) {}

  add(row: SheetRow): void {
    const size = JSON.stringify(row).length;
    if (
      this.#rows.length >= ROWS_PER_REQUEST ||
      (this.#rows.length > 0 && this.#bytes + size > BYTES_PER_REQUEST)
    ) {
      this.flush();
    }
    this.#rows.push(row);
    this.#bytes += size;
  }

  flush(): void {
    if (this.#rows.length === 0) return;
    const { job } = call('exportRows', {
      params: { tableId: this.tableId },
      body: { rows: this.#rows, dryRun: this.dryRun },
    });
    this.jobIds.push(job.id);
    this.sent += this.#rows.length;
    this.#rows = [];
    this.#bytes = 0;
  }
}

/** The sheet and what is needed to turn its rows into API rows. */
interface Source {
  readonly sheet: GoogleAppsScript.Spreadsheet.Sheet;
  readonly idColumn: number;
  readonly width: number;
  readonly columns: ReadonlyMap<string, number>;
  readonly timeZone: string;
  readonly index: IdIndex;
}

/**
 * Reads `spans` of a tab in chunks and sends their non-blank rows to the companion's export route in
 * batches. Rows without an ID get one and pasted copies get their own, written to the sheet before
 * the rows are sent (the companion finds rows by these IDs when it writes back). `isCopy` decides
 * which of two rows sharing an ID is the copy. Stops at the deadline and reports where.
 */
export function pushRows(
  source: Source,
  spans: readonly RowSpan[],
  batcher: Batcher,
  deadline: Deadline,
  isCopy?: (row: number, rows: readonly number[]) => boolean,
): { nextRow: number | undefined; assigned: number; renewed: number } {
  const { sheet, idColumn, width, columns, timeZone, index } = source;
  let assigned = 0;
  let renewed = 0;
  const chunks = readChunks(sheet, spans, width, deadline);
  for (;;) {
    const next = chunks.next();
    if (next.done) {
      batcher.flush();
      return { nextRow: next.value, assigned, renewed };
    }
    const { firstRow, values } = next.value;
    const newIds = new Map<number, string>();
    const rows: SheetRow[] = [];
    values.forEach((cells, i) => {
      if (isBlankRow(cells, idColumn - 1)) return;
      const rowNumber = firstRow + i;
      const current = String(cells[idColumn - 1] ?? '').trim();
      const { id, changed } = idFor(current, rowNumber, index, isCopy);
      if (changed) {
        newIds.set(rowNumber, id);
        reindex(index, rowNumber, current, id);
        if (changed === 'new') assigned += 1;
        else renewed += 1;
      }
      const out: Record<string, WireCell> = {};
      for (const [header, at] of columns) out[header] = toWireCell(cells[at], timeZone);
      rows.push({ rowId: id, rowNumber, cells: out });
    });
    if (newIds.size > 0) writeIds(sheet, idColumn, newIds);
    for (const row of rows) batcher.add(row);
  }
}

/** The tab, its table and an export batcher, ready to push rows. */
export function exportSource(
  sheet: GoogleAppsScript.Spreadsheet.Sheet,
  table: { id: string; headers: readonly string[] },
  dryRun: boolean,
): { source: Source; batcher: Batcher } {
  const layout = ensureIdColumn(sheet);
  const columns = columnsOf(layout, table.headers);
  if (columns.size === 0) {
    throw new AddonError(
      'sheet_header_missing',
      `None of the mapped columns (${table.headers.join(', ')}) is in this tab.`,
    );
  }
  return {
    source: {
      sheet,
      idColumn: layout.idColumn,
      width: Math.max(layout.lastColumn, layout.idColumn),
      columns,
      timeZone: sheet.getParent().getSpreadsheetTimeZone(),
      index: readIdIndex(sheet, layout.idColumn),
    },
    batcher: new Batcher(table.id, dryRun),
  };
}

/**
 * Starts exporting the selected rows, or every row, of the active tab: a dry run first (the sidebar's
 * preview) or the real export. Each batch is a job on the companion; the sidebar follows them with
 * `exportProgress`. A large tab stops at the time budget and returns `nextRow` to continue from.
 */
export function startExport(request: ExportRequest): ExportStarted {
  const deadline = deadlineIn();
  const sheet = activeSheet();
  const table = requireTable(sheet);
  const { source, batcher } = exportSource(
    sheet,
    { id: table.id, headers: table.mapping.fields.map((f) => f.header) },
    request.dryRun,
  );
  const lastRow = sheet.getLastRow();
  const spans =
    request.scope === 'selection'
      ? selectedRows(sheet)
      : [{ first: Math.max(2, request.fromRow ?? 2), last: lastRow }].filter((s) => s.first <= s.last);
  if (spans.length === 0) {
    throw new AddonError(
      'invalid_input',
      request.scope === 'selection' ? 'Select the rows to export first.' : 'This tab has no rows to export.',
    );
  }
  const pushed = pushRows(source, spans, batcher, deadline);
  return {
    sheetId: sheet.getSheetId(),
    jobIds: batcher.jobIds,
    rows: batcher.sent,
    nextRow: pushed.nextRow ?? null,
    idsAssigned: pushed.assigned,
    copiesRenewed: pushed.renewed,
  };
}

/** One row the sidebar lists under "problems" or "duplicates found". */
export interface RowNote {
  readonly row: number | null;
  readonly status: string;
  readonly message: string;
}

/** Where a set of export jobs stands, and when all are done, what they did. */
export interface ExportProgress {
  readonly finished: boolean;
  readonly done: number;
  readonly total: number;
  /** A job failed as a whole (not row by row): its message. */
  readonly failed: string | null;
  readonly dryRun: boolean;
  readonly counts: Readonly<Record<string, number>>;
  /** Rows matched to records already in the CRM (by email, phone, company and name). */
  readonly duplicates: readonly RowNote[];
  /** Rows that failed, were ambiguous or are in conflict, with the reason. */
  readonly problems: readonly RowNote[];
  /** CRM values written into the sheet by the add-on (when the companion cannot write the sheet). */
  readonly cellsWritten: number;
}

const LISTED = 50;

function noteOf(
  row: ExportResult['rows'][number],
  rowOf: (id: string) => number | null,
  dryRun: boolean,
): RowNote {
  const outcome = dryRun ? 'it will be updated, not duplicated' : 'it was updated, not duplicated';
  const message =
    row.error?.message ??
    (row.status === 'conflict'
      ? 'Changed in the sheet and in the CRM since the last sync: review it in Conflicts.'
      : row.match
        ? `Matches an existing record by ${row.match.replace(/_/g, ' ')}; ${outcome}.`
        : row.status);
  return { row: rowOf(row.rowId), status: row.status, message };
}

/**
 * Polls the jobs of one export. While any runs: progress. When all are done: the summed counts, rows
 * matched to existing records, rows with problems (with their current sheet row numbers), and for a real
 * export the CRM values the companion handed back for the add-on to write, written now.
 */
export function exportProgress(jobIds: readonly string[], sheetId?: number | null): ExportProgress {
  const jobs = jobIds.map((jobId) => call('getJob', { params: { jobId } }));
  const done = jobs.reduce((sum, job) => sum + job.progress.done, 0);
  const total = jobs.reduce((sum, job) => sum + (job.progress.total ?? 0), 0);
  const failedJob = jobs.find((job) => job.status === 'failed' || job.status === 'cancelled');
  const running = jobs.some((job) => job.status === 'queued' || job.status === 'running');
  const empty = { dryRun: false, counts: {}, duplicates: [], problems: [], cellsWritten: 0 };
  if (failedJob) {
    const message = failedJob.error
      ? new AddonError(failedJob.error.code, failedJob.error.message).message
      : 'The export job failed.';
    return { finished: !running, done, total, failed: message, ...empty };
  }
  if (running) return { finished: false, done, total, failed: null, ...empty };
  const results = jobs.map((job) => {
    const parsed = exportResultSchema.safeParse(job.result);
    if (!parsed.success)
      throw new AddonError('companion_incompatible', `Export job ${job.id} has no readable result.`);
    return parsed.data;
  });
  const counts: Record<string, number> = {};
  for (const result of results) {
    for (const [status, n] of Object.entries(result.counts))
      counts[status] = (counts[status] ?? 0) + (n ?? 0);
  }
  const rows = results.flatMap((result) => result.rows);
  const sheet = sheetById(sheetId);
  const layout = ensureIdColumn(sheet);
  const index = readIdIndex(sheet, layout.idColumn);
  const rowOf = (id: string) => index.get(id)?.[0] ?? null;
  const dryRun = results.every((result) => result.dryRun);
  const writes = rows.flatMap((row) => (row.cells ? [{ rowId: row.rowId, cells: row.cells }] : []));
  const cellsWritten = dryRun ? 0 : writeRowsById(sheet, writes, { append: false }).written;
  if (!dryRun) recordSync(sheet);
  return {
    finished: true,
    done,
    total,
    failed: null,
    dryRun,
    counts,
    duplicates: rows
      .filter((row) => row.match && row.status !== 'ambiguous')
      .slice(0, LISTED)
      .map((row) => noteOf(row, rowOf, dryRun)),
    problems: rows
      .filter((row) => row.status === 'failed' || row.status === 'ambiguous' || row.status === 'conflict')
      .slice(0, LISTED)
      .map((row) => noteOf(row, rowOf, dryRun)),
    cellsWritten,
  };
}
