import { fileURLToPath } from 'node:url';
import { cellValue } from './cells.ts';
import {
  type FakeHtmlOutput,
  FakeLock,
  FakeProperties,
  type FakeTrigger,
  FakeUi,
  type FetchRecord,
  fakeHtmlService,
  fakeScriptApp,
  fakeUrlFetchApp,
  fakeUtilities,
} from './services.ts';
import { FakeSpreadsheet } from './spreadsheet.ts';
import { SyncFetcher } from './sync-fetch.ts';

export type { FakeHtmlOutput, FetchRecord } from './services.ts';
export { FakeProperties, FakeTrigger } from './services.ts';
export { FakeRange, FakeSheet, FakeSpreadsheet } from './spreadsheet.ts';

const DIST = fileURLToPath(new URL('../../../appsscript/dist', import.meta.url));

export interface TabInput {
  readonly name: string;
  /** Rows from A1, written as a user would type them (Dates stay dates). */
  readonly rows?: readonly (readonly unknown[])[];
}

export interface AppsScriptOptions {
  readonly spreadsheet?: {
    readonly id?: string;
    readonly name?: string;
    readonly timeZone?: string;
    readonly locale?: string;
    readonly tabs?: readonly TabInput[];
  };
  /** What `ScriptApp.getIdentityToken()` answers (a token minted by the sandbox issuer). */
  readonly identityToken?: () => string | null;
  /** Baked into `ROWBRIDGE_BUILD`, as the build does. */
  readonly companionUrl?: string;
  /** The manifest's `urlFetchWhitelist`; other URLs are refused. Empty: everything allowed. */
  readonly allowlist?: readonly string[];
  /** Where `HtmlService.createHtmlOutputFromFile` reads pages (default: appsscript/dist). */
  readonly pagesDir?: string;
  /** The email `Session` and edit events report. */
  readonly user?: string;
}

/** A handler Apps Script can call by name: the add-on's entry points (src/main.ts exports). */
export type EntryPoints = Readonly<Record<string, unknown>>;

export interface AppsScriptEnv {
  readonly spreadsheet: FakeSpreadsheet;
  readonly ui: FakeUi;
  readonly triggers: FakeTrigger[];
  readonly fetches: FetchRecord[];
  readonly documentProperties: FakeProperties;
  readonly userProperties: FakeProperties;
  readonly documentLock: FakeLock;
  /** The manifest's `urlFetchWhitelist`, changeable by a test (a companion moved, a port closed). */
  readonly allowlist: string[];
  /**
   * A user types or pastes `values` at `a1` (`'Leads'!B2` or `B2` on the active tab): the cells change,
   * then every installed onEdit trigger of the spreadsheet runs with Apps Script's event object
   * (`value`/`oldValue` only for a single cell). Script writes never come through here, as in Sheets.
   */
  userEdit(a1: string, values: readonly (readonly unknown[])[], entryPoints: EntryPoints): void;
  /**
   * Runs the installed onEdit triggers for an edit already in the cells at `a1` (the preview applies a
   * user's edit to the sandbox spreadsheet first); `value`/`oldValue` as Apps Script gives them for one cell.
   */
  editTriggers(a1: string, values: { value?: unknown; oldValue?: unknown }, entryPoints: EntryPoints): void;
  /** The page last shown in the sidebar or a dialog. */
  shown(kind: 'sidebar' | 'dialog'): FakeHtmlOutput | undefined;
  /** Removes the globals and stops the HTTP worker. */
  restore(): Promise<void>;
}

const GLOBALS = [
  'SpreadsheetApp',
  'PropertiesService',
  'LockService',
  'UrlFetchApp',
  'ScriptApp',
  'HtmlService',
  'Utilities',
  'Session',
  'ROWBRIDGE_BUILD',
] as const;

/**
 * Installs an in-memory Apps Script on `globalThis`, as the add-on code finds it in Google's runtime:
 * `SpreadsheetApp` over an in-memory spreadsheet (1-based rows and columns, 2-D `getValues` with '' for
 * empty cells and `Date` for dates, A1 ranges, typed-input conversion on `setValues`), the property
 * stores with their size limits, locks, `HtmlService` serving the built pages, `ScriptApp` with the
 * identity token and installable triggers, and `UrlFetchApp` doing real synchronous HTTP.
 */
export function installAppsScript(options: AppsScriptOptions = {}): AppsScriptEnv {
  const input = options.spreadsheet ?? {};
  const spreadsheet = new FakeSpreadsheet(
    input.id ?? 'sheet-under-test',
    input.name ?? 'Outreach',
    input.timeZone ?? 'Etc/UTC',
    input.locale ?? 'en_US',
  );
  for (const tab of input.tabs ?? [{ name: 'Sheet1' }]) {
    const sheet = spreadsheet.insertSheet(tab.name);
    const rows = tab.rows ?? [];
    const width = Math.max(0, ...rows.map((r) => r.length));
    if (rows.length > 0 && width > 0) {
      const padded = rows.map((row) => [...row, ...new Array(width - row.length).fill('')]);
      if (padded.length > sheet.getMaxRows())
        sheet.insertRowsAfter(sheet.getMaxRows(), padded.length - sheet.getMaxRows());
      sheet.getRange(1, 1, padded.length, width).setValues(padded);
    }
  }
  const ui = new FakeUi();
  const triggers: FakeTrigger[] = [];
  const fetches: FetchRecord[] = [];
  const documentProperties = new FakeProperties();
  const userProperties = new FakeProperties();
  const scriptProperties = new FakeProperties();
  const documentLock = new FakeLock();
  const user = options.user ?? 'ann@acme.com';
  const allowlist = [...(options.allowlist ?? [])];
  let fetcher: SyncFetcher | undefined;
  const previous = new Map(GLOBALS.map((name) => [name, (globalThis as Record<string, unknown>)[name]]));

  const globals: Record<(typeof GLOBALS)[number], unknown> = {
    SpreadsheetApp: {
      ProtectionType: { RANGE: 'RANGE', SHEET: 'SHEET' },
      getActive: () => spreadsheet,
      getActiveSpreadsheet: () => spreadsheet,
      getActiveSheet: () => spreadsheet.getActiveSheet(),
      getActiveRange: () => spreadsheet.getActiveRange(),
      getUi: () => ui,
      flush: () => undefined,
    },
    PropertiesService: {
      getDocumentProperties: () => documentProperties,
      getUserProperties: () => userProperties,
      getScriptProperties: () => scriptProperties,
    },
    LockService: {
      getDocumentLock: () => documentLock,
      getScriptLock: () => new FakeLock(),
      getUserLock: () => new FakeLock(),
    },
    UrlFetchApp: fakeUrlFetchApp(
      () => {
        fetcher ??= new SyncFetcher();
        return fetcher;
      },
      allowlist,
      fetches,
    ),
    ScriptApp: fakeScriptApp(options.identityToken ?? (() => null), triggers),
    HtmlService: fakeHtmlService(options.pagesDir ?? DIST),
    Utilities: fakeUtilities,
    Session: {
      getActiveUser: () => ({ getEmail: () => user }),
      getEffectiveUser: () => ({ getEmail: () => user }),
      getScriptTimeZone: () => 'Etc/UTC',
    },
    ROWBRIDGE_BUILD: { companionUrl: options.companionUrl ?? 'http://127.0.0.1:9', version: '0.0.0-test' },
  };
  Object.assign(globalThis, globals);

  return {
    spreadsheet,
    ui,
    triggers,
    fetches,
    documentProperties,
    userProperties,
    documentLock,
    allowlist,
    userEdit(a1, values, entryPoints) {
      const range = spreadsheet.getRange(a1);
      const single = range.getNumRows() === 1 && range.getNumColumns() === 1;
      const oldValue = single
        ? cellValue(range.getSheet().cell(range.getRow(), range.getColumn()))
        : undefined;
      range.setValues(values.map((row) => [...row]));
      this.editTriggers(a1, single ? { value: values[0]?.[0], oldValue } : {}, entryPoints);
    },
    editTriggers(a1, values, entryPoints) {
      const range = spreadsheet.getRange(a1);
      for (const trigger of triggers.filter(
        (t) => t.eventType === 'ON_EDIT' && t.sourceId === spreadsheet.getId(),
      )) {
        const handler = entryPoints[trigger.getHandlerFunction()];
        if (typeof handler !== 'function') {
          throw new Error(
            `The edit trigger calls ${trigger.getHandlerFunction()}, which is not a global function of the add-on`,
          );
        }
        handler({
          authMode: 'FULL',
          range,
          source: spreadsheet,
          triggerUid: trigger.getUniqueId(),
          user: { getEmail: () => user, getNickname: () => user.split('@')[0] },
          ...('value' in values ? { value: values.value, oldValue: values.oldValue } : {}),
        });
      }
    },
    shown(kind) {
      return kind === 'sidebar' ? ui.sidebar : ui.dialogs[ui.dialogs.length - 1]?.output;
    },
    async restore() {
      for (const [name, value] of previous) {
        if (value === undefined) delete (globalThis as Record<string, unknown>)[name];
        else (globalThis as Record<string, unknown>)[name] = value;
      }
      await fetcher?.close();
    },
  };
}

/** The built pages folder the fake HtmlService reads by default. */
export const DIST_DIR = DIST;
