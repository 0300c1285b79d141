import type { sheets_v4 } from 'googleapis/build/src/apis/sheets/index.js';
import { RowbridgeError } from '../../shared/errors.ts';
import { localRateLimiter, type RateLimiter } from '../connectors/rate-limit.ts';
import { columnLetters, columnRange, firstRowOf, tabPrefix, wholeRow } from './a1.ts';
import { createCoalescer } from './coalescer.ts';
import { isUnknownRange, SheetsApiError } from './google-error.ts';
import {
  type Layout,
  layoutOf,
  missingIdHeader,
  ROW_ID_HEADER,
  rowsById,
  tableFromValues,
} from './layout.ts';
import {
  type Operation,
  type PendingAppend,
  planBatch,
  type TabState,
  type ValueRangeInput,
} from './plan.ts';
import {
  DEFAULT_RETRY,
  REAL_CLOCK,
  type RetryHooks,
  type RetryPolicy,
  type WriterClock,
  withRetry,
} from './retry.ts';
import type { NewRow, ReadValue, RowChange, RowResult, SheetTable } from './types.ts';

export interface SheetsWriterOptions {
  /** A googleapis Sheets client (`createSheetsApi`), with its own retries off. */
  readonly sheets: sheets_v4.Sheets;
  /** Waits and jitter; real time by default. */
  readonly clock?: WriterClock;
  /** How long changes for one spreadsheet are collected before they are written together (default 1 s). */
  readonly coalesceWindowMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /**
   * Paces requests before they are sent. Default: Google's per-user quotas (60 reads and 60 writes a minute),
   * the budget of one service account or OAuth user. `false` sends at once and relies on 429 backoff.
   */
  readonly limiter?: RateLimiter | false;
  /** Largest values.batchUpdate body; bigger batches are split (Google advises staying under about 2 MB). */
  readonly maxRequestBytes?: number;
}

/** Requests sent, retries included (that is what Google's quotas count). */
export interface WriterStats {
  readonly requests: number;
  readonly byOperation: Readonly<Record<string, number>>;
}

/**
 * Reads and writes Rowbridge's rows in Google Sheets. Rows are found by their Rowbridge ID at the moment
 * of each write, so sorting, inserting and deleting rows in the sheet never sends a value to the wrong row.
 */
export interface SheetsWriter {
  /** Reads a whole tab: headers, rows with data and their IDs, and problems (duplicate or missing IDs). */
  readTable(
    spreadsheetId: string,
    tab: string,
    options?: { readonly render?: 'FORMATTED_VALUE' | 'UNFORMATTED_VALUE' },
  ): Promise<SheetTable>;
  /**
   * Updates the given cells of the rows with these IDs, and only those cells. Changes for one spreadsheet
   * submitted within the coalescing window are written together: one read of the header row and ID column,
   * one values.batchUpdate. Resolves with one result per change; rejects only when Google kept failing or
   * refused access (`rate_limited`, `sheets_unavailable`, `sheets_access_denied`, `sheet_not_found`, ...).
   */
  writeRows(spreadsheetId: string, tab: string, changes: readonly RowChange[]): Promise<RowResult[]>;
  /**
   * Adds rows under the tab's table with their IDs, in the same coalesced batch. A row whose ID is already
   * in the sheet is updated instead, so a retried import never adds a copy.
   */
  appendRows(spreadsheetId: string, tab: string, rows: readonly NewRow[]): Promise<RowResult[]>;
  /**
   * Makes sure the tab has a Rowbridge ID column: adds "Rowbridge ID" after the last header and hides it
   * (Sheets' `hiddenByUser`) when there is none. Returns its 0-based column and whether it was added.
   */
  ensureIdColumn(
    spreadsheetId: string,
    tab: string,
  ): Promise<{ readonly column: number; readonly added: boolean }>;
  /** Writes every collected change now and waits for writes in flight (at shutdown). */
  flush(): Promise<void>;
  stats(): WriterStats;
}

/** Google's per-user quotas, paced so that no minute sees more (https://developers.google.com/sheets/api/limits). */
function googleQuotaLimiter(clock: WriterClock): RateLimiter {
  return localRateLimiter(
    [
      { scope: 'token', requests: 60, perSeconds: 60, burst: 10, pathPattern: '^read$' },
      { scope: 'token', requests: 60, perSeconds: 60, burst: 10, pathPattern: '^write$' },
    ],
    clock,
  );
}

const cacheKey = (spreadsheetId: string, tab: string) => `${spreadsheetId}\u0000${tab}`;

/**
 * Creates the Sheets writer the sync engine uses.
 *
 * @example
 * const writer = createSheetsWriter({ sheets: createSheetsApi({ credentials }) });
 * const results = await writer.writeRows(spreadsheetId, 'Leads', [{ rowId: 'rb_1', values: { Status: 'Won' } }]);
 */
export function createSheetsWriter(options: SheetsWriterOptions): SheetsWriter {
  const { sheets } = options;
  const clock = options.clock ?? REAL_CLOCK;
  const policy = { ...DEFAULT_RETRY, ...options.retry };
  const limiter = options.limiter === false ? undefined : (options.limiter ?? googleQuotaLimiter(clock));
  const maxRequestBytes = options.maxRequestBytes ?? 1_500_000;
  // Where each tab's ID column was last seen; checked against the header row on every write.
  const layouts = new Map<string, Layout>();
  const byOperation: Record<string, number> = {};
  let requests = 0;

  /**
   * Every request goes through here: pacing, counting, retries, one error mapping. `send` answers undefined
   * instead of a request when a retry finds nothing left to send.
   */
  function call<T>(
    operation: string,
    kind: 'read' | 'write',
    what: string,
    send: () => Promise<T>,
    hooks?: RetryHooks & { readonly nothingToSend?: () => boolean },
  ): Promise<T> {
    return withRetry(
      what,
      async () => {
        // Only the append passes nothingToSend, and its T includes undefined.
        if (hooks?.nothingToSend?.()) return undefined as T;
        await limiter?.acquire(kind);
        requests += 1;
        byOperation[operation] = (byOperation[operation] ?? 0) + 1;
        return send();
      },
      { clock, policy, ...(hooks ? { hooks } : {}) },
    );
  }

  // https://developers.google.com/workspace/sheets/api/reference/rest/v4/spreadsheets.values/batchGet
  async function batchGet(
    spreadsheetId: string,
    ranges: readonly string[],
    what: string,
  ): Promise<ReadValue[][][]> {
    const { data } = await call('values.batchGet', 'read', what, () =>
      sheets.spreadsheets.values.batchGet({ spreadsheetId, ranges: [...ranges], majorDimension: 'ROWS' }),
    );
    return ranges.map((_, index) => (data.valueRanges?.[index]?.values ?? []) as ReadValue[][]);
  }

  // https://developers.google.com/workspace/sheets/api/reference/rest/v4/spreadsheets/get
  async function tabTitles(spreadsheetId: string): Promise<Set<string>> {
    const { data } = await call('spreadsheets.get', 'read', 'listing the tabs', () =>
      sheets.spreadsheets.get({ spreadsheetId, fields: 'sheets.properties(sheetId,title,gridProperties)' }),
    );
    return new Set((data.sheets ?? []).map((sheet) => sheet.properties?.title ?? ''));
  }

  /**
   * Reads ranges for several tabs at once. A tab that is gone makes Sheets refuse the whole read ("Unable
   * to parse range"), so then the tabs are listed and the read is repeated without the missing ones.
   */
  async function readForTabs(
    spreadsheetId: string,
    tabs: readonly string[],
    rangesOf: (tab: string) => string[],
    what: string,
  ): Promise<Map<string, ReadValue[][][]>> {
    const read = async (present: readonly string[]) => {
      const ranges = present.flatMap(rangesOf);
      const values = ranges.length > 0 ? await batchGet(spreadsheetId, ranges, what) : [];
      const byTab = new Map<string, ReadValue[][][]>();
      let offset = 0;
      for (const tab of present) {
        const count = rangesOf(tab).length;
        byTab.set(tab, values.slice(offset, offset + count));
        offset += count;
      }
      return byTab;
    };
    try {
      return await read(tabs);
    } catch (error) {
      if (!(error instanceof SheetsApiError) || !isUnknownRange(error.failure)) throw error;
      const titles = await tabTitles(spreadsheetId);
      return read(tabs.filter((tab) => titles.has(tab)));
    }
  }

  /** Header row and ID column of every tab of a batch, read just before writing. */
  async function readTabStates(
    spreadsheetId: string,
    tabs: readonly string[],
  ): Promise<Map<string, TabState>> {
    const states = new Map<string, TabState>();
    // A tab never seen before needs its header row first, to know which column holds the IDs.
    const unseen = tabs.filter((tab) => !layouts.has(cacheKey(spreadsheetId, tab)));
    if (unseen.length > 0) {
      const headers = await readForTabs(
        spreadsheetId,
        unseen,
        (tab) => [wholeRow(tab, 1)],
        'reading header rows',
      );
      for (const tab of unseen) {
        const read = headers.get(tab);
        const layout = read ? layoutOf(read[0]?.[0] ?? []) : undefined;
        if (layout) layouts.set(cacheKey(spreadsheetId, tab), layout);
        else states.set(tab, { status: read ? 'no-id-header' : 'no-tab' });
      }
    }
    const known = tabs.filter((tab) => !states.has(tab));
    const idColumnOf = (tab: string) => layouts.get(cacheKey(spreadsheetId, tab))?.idColumn ?? 0;
    const reads = await readForTabs(
      spreadsheetId,
      known,
      (tab) => [wholeRow(tab, 1), columnRange(tab, idColumnOf(tab))],
      'reading Rowbridge IDs',
    );
    const moved: string[] = [];
    for (const tab of known) {
      const read = reads.get(tab);
      if (!read) {
        states.set(tab, { status: 'no-tab' });
        continue;
      }
      const layout = layoutOf(read[0]?.[0] ?? []);
      if (!layout) {
        layouts.delete(cacheKey(spreadsheetId, tab));
        states.set(tab, { status: 'no-id-header' });
        continue;
      }
      const cached = layouts.get(cacheKey(spreadsheetId, tab));
      layouts.set(cacheKey(spreadsheetId, tab), layout);
      if (cached?.idColumn !== layout.idColumn) {
        moved.push(tab);
        continue;
      }
      states.set(tab, { status: 'ready', layout, ids: rowsById((read[1] ?? []).map((row) => row[0] ?? '')) });
    }
    if (moved.length > 0) {
      // A user moved the ID column since the last write: read it where it is now.
      const again = await readForTabs(
        spreadsheetId,
        moved,
        (tab) => [columnRange(tab, idColumnOf(tab))],
        'reading Rowbridge IDs',
      );
      for (const tab of moved) {
        const layout = layouts.get(cacheKey(spreadsheetId, tab));
        const read = again.get(tab);
        if (!layout || !read) states.set(tab, { status: 'no-tab' });
        else
          states.set(tab, {
            status: 'ready',
            layout,
            ids: rowsById((read[0] ?? []).map((row) => row[0] ?? '')),
          });
      }
    }
    return states;
  }

  /** Splits update ranges into requests under `maxRequestBytes`. */
  function chunks(updates: readonly ValueRangeInput[]): ValueRangeInput[][] {
    const out: ValueRangeInput[][] = [];
    let current: ValueRangeInput[] = [];
    let size = 0;
    for (const update of updates) {
      const bytes = Buffer.byteLength(JSON.stringify(update)) + 1;
      if (current.length > 0 && size + bytes > maxRequestBytes) {
        out.push(current);
        current = [];
        size = 0;
      }
      current.push(update);
      size += bytes;
    }
    if (current.length > 0) out.push(current);
    return out;
  }

  // https://developers.google.com/workspace/sheets/api/reference/rest/v4/spreadsheets.values/batchUpdate
  async function sendUpdates(spreadsheetId: string, updates: readonly ValueRangeInput[]): Promise<void> {
    for (const data of chunks(updates)) {
      await call('values.batchUpdate', 'write', 'writing changed cells', () =>
        sheets.spreadsheets.values.batchUpdate({
          spreadsheetId,
          requestBody: { valueInputOption: 'RAW', data },
        }),
      );
    }
  }

  async function idsOf(spreadsheetId: string, tab: string): Promise<Map<string, number[]>> {
    const idColumn = layouts.get(cacheKey(spreadsheetId, tab))?.idColumn ?? 0;
    const [column] = await batchGet(spreadsheetId, [columnRange(tab, idColumn)], 'reading Rowbridge IDs');
    return rowsById((column ?? []).map((row) => row[0] ?? ''));
  }

  // https://developers.google.com/workspace/sheets/api/reference/rest/v4/spreadsheets.values/append
  async function sendAppend(
    spreadsheetId: string,
    append: PendingAppend,
    results: (RowResult | undefined)[],
  ) {
    const done = (row: PendingAppend['rows'][number], rowNumber: number) => {
      for (const index of row.ops) results[index] = { rowId: row.rowId, status: 'appended', rowNumber };
    };
    let rows = append.rows;
    const response = await call<{ data: sheets_v4.Schema$AppendValuesResponse } | undefined>(
      'values.append',
      'write',
      `adding rows to "${append.tab}"`,
      () =>
        sheets.spreadsheets.values.append({
          spreadsheetId,
          range: append.range,
          valueInputOption: 'RAW',
          insertDataOption: 'INSERT_ROWS',
          requestBody: { values: rows.map((row) => row.values) },
        }),
      {
        nothingToSend: () => rows.length === 0,
        // An append whose answer was lost may have been applied: rows whose ID is in the sheet now were
        // added, so only the others are sent again.
        beforeUncertainRetry: async () => {
          const ids = await idsOf(spreadsheetId, append.tab);
          rows = rows.filter((row) => {
            const found = ids.get(row.rowId);
            if (found?.length !== 1 || found[0] === undefined) return true;
            done(row, found[0]);
            return false;
          });
        },
      },
    );
    if (rows.length === 0) return;
    const first = firstRowOf(response?.data.updates?.updatedRange ?? '');
    // Google always answers `updates.updatedRange`; without it, the rows are looked up by ID.
    const ids = first === undefined ? await idsOf(spreadsheetId, append.tab) : undefined;
    for (const [index, row] of rows.entries()) {
      done(row, first === undefined ? (ids?.get(row.rowId)?.[0] ?? 0) : first + index);
    }
  }

  /** One coalesced batch for a spreadsheet: read IDs, plan, update, append. */
  async function applyBatch(spreadsheetId: string, operations: readonly Operation[]): Promise<RowResult[]> {
    const tabs = [...new Set(operations.map((op) => op.tab))];
    const states = await readTabStates(spreadsheetId, tabs);
    const plan = planBatch(operations, states);
    // Updates first: an append inserts rows, which could move rows below a gap in the table.
    await sendUpdates(spreadsheetId, plan.updates);
    for (const append of plan.appends) await sendAppend(spreadsheetId, append, plan.results);
    return plan.results.map((result, index) => {
      if (result) return result;
      throw new RowbridgeError('internal', `No result was planned for change ${index} of a Sheets batch.`);
    });
  }

  const coalescer = createCoalescer<Operation, RowResult>({
    windowMs: options.coalesceWindowMs ?? 1000,
    sleep: clock.sleep,
    run: applyBatch,
  });

  return {
    // https://developers.google.com/workspace/sheets/api/reference/rest/v4/spreadsheets.values/get
    async readTable(spreadsheetId, tab, readOptions = {}) {
      const whole = tabPrefix(tab).slice(0, -1);
      let values: ReadValue[][];
      try {
        const { data } = await call('values.get', 'read', `reading "${tab}"`, () =>
          sheets.spreadsheets.values.get({
            spreadsheetId,
            range: whole,
            valueRenderOption: readOptions.render ?? 'FORMATTED_VALUE',
          }),
        );
        values = (data.values ?? []) as ReadValue[][];
      } catch (error) {
        if (error instanceof SheetsApiError && isUnknownRange(error.failure)) {
          throw new RowbridgeError(
            'sheet_not_found',
            `The spreadsheet has no tab "${tab}" (renamed or deleted?). Rename it back, or pick the tab again.`,
          );
        }
        throw error;
      }
      const { layout, rows, problems } = tableFromValues(tab, values);
      layouts.set(cacheKey(spreadsheetId, tab), layout);
      return {
        headers: layout.headers,
        idHeader: layout.headers[layout.idColumn] ?? ROW_ID_HEADER,
        rows,
        problems,
      };
    },
    writeRows(spreadsheetId, tab, changes) {
      return coalescer.submit(
        spreadsheetId,
        changes.map((change) => ({ kind: 'update', tab, change })),
      );
    },
    appendRows(spreadsheetId, tab, rows) {
      return coalescer.submit(
        spreadsheetId,
        rows.map((change) => ({ kind: 'append', tab, change })),
      );
    },
    async ensureIdColumn(spreadsheetId, tab) {
      const states = await readTabStates(spreadsheetId, [tab]);
      const state = states.get(tab);
      if (state?.status === 'ready') return { column: state.layout.idColumn, added: false };
      if (state?.status === 'no-tab') {
        throw new RowbridgeError(
          'sheet_not_found',
          `The spreadsheet has no tab "${tab}". Create it, or pick another tab.`,
        );
      }
      const { data } = await call('spreadsheets.get', 'read', 'reading the tab', () =>
        sheets.spreadsheets.get({ spreadsheetId, fields: 'sheets.properties(sheetId,title,gridProperties)' }),
      );
      const properties = data.sheets?.find((sheet) => sheet.properties?.title === tab)?.properties;
      if (properties?.sheetId === undefined || properties.sheetId === null) throw missingIdHeader(tab);
      const [headerRow] = await batchGet(spreadsheetId, [`${tabPrefix(tab)}1:1`], 'reading the header row');
      const column = (headerRow?.[0] ?? []).length;
      const sheetId = properties.sheetId;
      const grow = column >= (properties.gridProperties?.columnCount ?? 0);
      // https://developers.google.com/workspace/sheets/api/reference/rest/v4/spreadsheets/request
      await call('spreadsheets.batchUpdate', 'write', `adding the Rowbridge ID column to "${tab}"`, () =>
        sheets.spreadsheets.batchUpdate({
          spreadsheetId,
          requestBody: {
            requests: [
              ...(grow ? [{ appendDimension: { sheetId, dimension: 'COLUMNS', length: 1 } }] : []),
              {
                updateDimensionProperties: {
                  range: { sheetId, dimension: 'COLUMNS', startIndex: column, endIndex: column + 1 },
                  properties: { hiddenByUser: true },
                  fields: 'hiddenByUser',
                },
              },
            ],
          },
        }),
      );
      await call('values.update', 'write', `adding the Rowbridge ID column to "${tab}"`, () =>
        sheets.spreadsheets.values.update({
          spreadsheetId,
          range: `${tabPrefix(tab)}${columnLetters(column)}1`,
          valueInputOption: 'RAW',
          requestBody: { values: [[ROW_ID_HEADER]] },
        }),
      );
      layouts.delete(cacheKey(spreadsheetId, tab));
      return { column, added: true };
    },
    flush: () => coalescer.flush(),
    stats: () => ({ requests, byOperation: { ...byOperation } }),
  };
}
