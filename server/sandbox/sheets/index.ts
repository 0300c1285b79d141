import type { Hono } from 'hono';
import { columnIndex, parseCells } from './a1.ts';
import { createApp, type RequestCounts, type RequestLogEntry } from './app.ts';
import { type InputValue, toCell, type ValueRenderOption } from './cells.ts';
import type { Core, Env } from './core.ts';
import { createFaults, type SandboxFaults } from './faults.ts';
import {
  checkWithinGrid,
  deleteRows,
  extentOf,
  findSheet,
  insertRows,
  readBox,
  resolveRange,
  sortBox,
  writeRows,
} from './grid.ts';
import type { Cell, Formula, Scalar, StoredSheet, StoredSpreadsheet } from './model.ts';
import type { QuotaOptions } from './quota.ts';
import { applyRequest } from './requests.ts';
import { changeSpreadsheet, readSpreadsheet } from './spreadsheet-access.ts';
import { createSpreadsheet } from './spreadsheets.ts';
import { openSheetsStore } from './state.ts';

export type { RequestLogEntry } from './app.ts';
export { tokenHint } from './app.ts';
export type { ValueRenderOption } from './cells.ts';
export type { Operation } from './core.ts';
export type { FaultMatch, SandboxFaults } from './faults.ts';
export type { Formula, Scalar } from './model.ts';
export { DEFAULT_QUOTAS, type PerMinute, type QuotaOptions } from './quota.ts';

export interface SandboxSheetsOptions {
  /** JSON state file in the data folder (e.g. `<dataDir>/sandbox/sheets.json`); undefined keeps state in memory. */
  readonly stateFile?: string;
  /** Milliseconds since the epoch; drives quota minutes and timestamps. */
  readonly clock?: () => number;
  /** For new spreadsheet and sheet ids (default `Math.random`). */
  readonly random?: () => number;
  /** Per-minute quotas (Google's defaults unless given); false turns them off. */
  readonly quota?: QuotaOptions | false;
  /** When given, only these bearer tokens are accepted; otherwise any token is. */
  readonly accessTokens?: readonly string[];
}

/** A cell as a user types it (a leading `=` is a formula, numbers become numbers), or a formula with the result to show. */
export type UserCell = InputValue | Formula;

export interface TabInput {
  readonly title: string;
  /** Rows from A1, as a user would type them. */
  readonly rows?: readonly (readonly UserCell[])[];
  readonly rowCount?: number;
  readonly columnCount?: number;
}

/** A tab's shape and what a user has hidden (0-based indexes). */
export interface TabInfo {
  readonly sheetId: number;
  readonly title: string;
  readonly index: number;
  readonly rowCount: number;
  readonly columnCount: number;
  readonly hiddenRows: readonly number[];
  readonly hiddenColumns: readonly number[];
}

/** In-process access to the spreadsheets, for tests and the preview page: what a user would do in Sheets. */
export interface SandboxSheetsState {
  /** Creates a spreadsheet with these tabs (default one empty "Sheet1"); returns its id. */
  createSpreadsheet(input?: { readonly title?: string; readonly tabs?: readonly TabInput[] }): string;
  /** Adds a tab at the end; returns its sheetId. */
  addTab(spreadsheetId: string, tab: TabInput): number;
  /** Every spreadsheet, with its tab titles in order. */
  spreadsheets(): { spreadsheetId: string; title: string; tabs: string[] }[];
  tab(spreadsheetId: string, title: string): TabInfo;
  /** The tab's cells as a user sees them (default) or as stored, trailing empty cells and rows left out. */
  grid(spreadsheetId: string, title: string, render?: ValueRenderOption): Scalar[][];
  /** Types values into the cells from the range's top-left corner (`'Leads'!B3`), as a user would. */
  editAsUser(spreadsheetId: string, range: string, rows: readonly (readonly UserCell[])[]): void;
  /** Sorts the rows below the header rows by a column (a letter), as Data → Sort sheet does. */
  sortAsUser(
    spreadsheetId: string,
    title: string,
    by: { readonly column: string; readonly descending?: boolean; readonly headerRows?: number },
  ): void;
  /** Inserts empty rows before `row` (1-based). */
  insertRowsAsUser(spreadsheetId: string, title: string, row: number, count?: number): void;
  /** Deletes rows from `row` (1-based). */
  deleteRowsAsUser(spreadsheetId: string, title: string, row: number, count?: number): void;
  renameTabAsUser(spreadsheetId: string, title: string, newTitle: string): void;
  /** Every request answered so far (method, path, status, operation, spreadsheet, token hint). */
  requests(): readonly RequestLogEntry[];
  /** Read and write requests per spreadsheet since the start (or the last `clearRequests`). */
  requestCounts(spreadsheetId: string): { readonly read: number; readonly write: number };
  clearRequests(): void;
}

export interface SandboxSheets {
  readonly app: Hono<Env>;
  readonly state: SandboxSheetsState;
  readonly faults: SandboxFaults;
}

function userCell(value: UserCell): Cell | undefined {
  if (value !== null && typeof value === 'object') return value;
  const write = toCell(value, 'USER_ENTERED');
  return write.skip ? undefined : write.cell;
}

function tabOf(spreadsheet: StoredSpreadsheet, title: string): StoredSheet {
  const sheet = findSheet(spreadsheet, title);
  if (!sheet) throw new Error(`The sandbox spreadsheet ${spreadsheet.spreadsheetId} has no tab "${title}".`);
  return sheet;
}

function fillTab(sheet: StoredSheet, rows: readonly (readonly UserCell[])[]): void {
  sheet.rowCount = Math.max(sheet.rowCount, rows.length);
  sheet.columnCount = Math.max(sheet.columnCount, ...rows.map((row) => row.length));
  const writes = rows.map((row) =>
    row.map((value) => {
      const cell = userCell(value);
      return cell === undefined ? ({ skip: true } as const) : ({ skip: false, cell } as const);
    }),
  );
  writeRows(sheet, writes, extentOf(writes, 0, 0));
}

/**
 * A wire-compatible stand-in for the Google Sheets API v4 (spreadsheets, values, the batchUpdate requests
 * for tabs, rows and sorting), with quotas and fault injection, served by a Hono app. The official
 * `googleapis` client works against it unchanged with `rootUrl` set to where the app listens. See
 * README.md in this folder for what is modelled and what is assumed.
 */
export function createSandboxSheets(options: SandboxSheetsOptions = {}): SandboxSheets {
  const now = options.clock ?? Date.now;
  const core: Core = {
    store: openSheetsStore(options.stateFile, now),
    now,
    random: options.random ?? Math.random,
  };
  const { faults, middleware } = createFaults();
  const log: RequestLogEntry[] = [];
  const counts: RequestCounts = new Map();
  const app = createApp({
    core,
    faults: middleware,
    quota: options.quota ?? {},
    acceptedTokens: options.accessTokens ? new Set(options.accessTokens) : undefined,
    log,
    counts,
  });
  const change = (
    spreadsheetId: string,
    title: string,
    apply: (sheet: StoredSheet, draft: StoredSpreadsheet) => void,
  ) => changeSpreadsheet(core, spreadsheetId, (draft) => apply(tabOf(draft, title), draft));

  const state: SandboxSheetsState = {
    createSpreadsheet(input = {}) {
      const tabs = input.tabs?.length ? input.tabs : [{ title: 'Sheet1' }];
      const created = createSpreadsheet(core, {
        properties: { title: input.title ?? 'Untitled spreadsheet' },
        sheets: tabs.map((tab) => ({
          properties: {
            title: tab.title,
            gridProperties: {
              ...(tab.rowCount ? { rowCount: tab.rowCount } : {}),
              ...(tab.columnCount ? { columnCount: tab.columnCount } : {}),
            },
          },
        })),
      });
      changeSpreadsheet(core, created.spreadsheetId, (draft) => {
        tabs.forEach((tab, index) => {
          const sheet = draft.sheets[index];
          if (sheet && tab.rows) fillTab(sheet, tab.rows);
        });
      });
      return created.spreadsheetId;
    },
    addTab(spreadsheetId, tab) {
      return changeSpreadsheet(core, spreadsheetId, (draft) => {
        const gridProperties = {
          ...(tab.rowCount ? { rowCount: tab.rowCount } : {}),
          ...(tab.columnCount ? { columnCount: tab.columnCount } : {}),
        };
        applyRequest(draft, 'addSheet', { properties: { title: tab.title, gridProperties } }, core.random);
        const sheet = tabOf(draft, tab.title);
        if (tab.rows) fillTab(sheet, tab.rows);
        return sheet.sheetId;
      });
    },
    spreadsheets: () =>
      Object.values(core.store.read().spreadsheets).map((s) => ({
        spreadsheetId: s.spreadsheetId,
        title: s.title,
        tabs: s.sheets.map((sheet) => sheet.title),
      })),
    tab(spreadsheetId, title) {
      const spreadsheet = readSpreadsheet(core, spreadsheetId);
      const sheet = tabOf(spreadsheet, title);
      return {
        sheetId: sheet.sheetId,
        title: sheet.title,
        index: spreadsheet.sheets.indexOf(sheet),
        rowCount: sheet.rowCount,
        columnCount: sheet.columnCount,
        hiddenRows: [...sheet.hiddenRows],
        hiddenColumns: [...sheet.hiddenColumns],
      };
    },
    grid(spreadsheetId, title, render = 'FORMATTED_VALUE') {
      const sheet = tabOf(readSpreadsheet(core, spreadsheetId), title);
      const box = { startRow: 0, endRow: sheet.rowCount, startColumn: 0, endColumn: sheet.columnCount };
      return readBox(sheet, box, render, 'ROWS');
    },
    editAsUser(spreadsheetId, range, rows) {
      changeSpreadsheet(core, spreadsheetId, (draft) => {
        const resolved = resolveRange(draft, range);
        const writes = rows.map((row) =>
          row.map((value) => {
            const cell = userCell(value);
            return cell === undefined ? ({ skip: true } as const) : ({ skip: false, cell } as const);
          }),
        );
        const extent = extentOf(
          writes,
          resolved.requested.startRow ?? 0,
          resolved.requested.startColumn ?? 0,
        );
        checkWithinGrid(resolved.sheet, extent);
        writeRows(resolved.sheet, writes, extent);
      });
    },
    sortAsUser(spreadsheetId, title, by) {
      if (!parseCells(`${by.column}:${by.column}`)) throw new Error(`"${by.column}" is not a column letter.`);
      change(spreadsheetId, title, (sheet) => {
        const box = {
          startRow: by.headerRows ?? 1,
          endRow: sheet.rowCount,
          startColumn: 0,
          endColumn: sheet.columnCount,
        };
        sortBox(sheet, box, [{ column: columnIndex(by.column), descending: by.descending ?? false }]);
      });
    },
    insertRowsAsUser(spreadsheetId, title, row, count = 1) {
      change(spreadsheetId, title, (sheet) => insertRows(sheet, row - 1, count));
    },
    deleteRowsAsUser(spreadsheetId, title, row, count = 1) {
      change(spreadsheetId, title, (sheet) =>
        deleteRows(sheet, row - 1, Math.min(row - 1 + count, sheet.rowCount)),
      );
    },
    renameTabAsUser(spreadsheetId, title, newTitle) {
      changeSpreadsheet(core, spreadsheetId, (draft) => {
        const sheet = tabOf(draft, title);
        applyRequest(
          draft,
          'updateSheetProperties',
          { properties: { sheetId: sheet.sheetId, title: newTitle }, fields: 'title' },
          core.random,
        );
      });
    },
    requests: () => log,
    requestCounts: (spreadsheetId) => ({ ...(counts.get(spreadsheetId) ?? { read: 0, write: 0 }) }),
    clearRequests: () => {
      log.length = 0;
      counts.clear();
    },
  };
  return { app, state, faults };
}
