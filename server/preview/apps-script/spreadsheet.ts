/// <reference types="google-apps-script" />
import { a1Of, type Box, parseA1 } from './a1.ts';
import { cellValue, isFormula, type StoredCell, storedFromInput } from './cells.ts';
import type { Mirrors } from './mirrors.ts';

type Value = string | number | boolean | Date;

/** Google's defaults for a new sheet: 1,000 rows by 26 columns. */
const DEFAULT_ROWS = 1000;
const DEFAULT_COLUMNS = 26;

function gasError(message: string): Error {
  return new Error(`Exception: ${message}`);
}

/** One tab's cells and shape, 1-based like Apps Script (index 0 of each array is unused). */
export class FakeSheet {
  #cells: StoredCell[][] = [];
  readonly hiddenColumns = new Set<number>();
  readonly protections: FakeProtection[] = [];

  constructor(
    readonly spreadsheet: FakeSpreadsheet,
    private name: string,
    private readonly sheetId: number,
    private maxRows = DEFAULT_ROWS,
    private maxColumns = DEFAULT_COLUMNS,
  ) {}

  getName(): string {
    return this.name;
  }

  setName(name: string): this {
    this.name = name;
    return this;
  }

  getSheetId(): number {
    return this.sheetId;
  }

  getParent(): FakeSpreadsheet {
    return this.spreadsheet;
  }

  getMaxRows(): number {
    return this.maxRows;
  }

  getMaxColumns(): number {
    return this.maxColumns;
  }

  /** The last row with any content (0 for an empty sheet). */
  getLastRow(): number {
    for (let row = this.#cells.length - 1; row >= 1; row -= 1) {
      if ((this.#cells[row] ?? []).some((cell) => cell !== '' && cell !== undefined)) return row;
    }
    return 0;
  }

  getLastColumn(): number {
    let last = 0;
    for (const row of this.#cells) {
      if (!row) continue;
      for (let column = row.length - 1; column > last; column -= 1) {
        if (row[column] !== '' && row[column] !== undefined) {
          last = column;
          break;
        }
      }
    }
    return last;
  }

  getRange(a1OrRow: string | number, column?: number, rows = 1, columns = 1): FakeRange {
    if (typeof a1OrRow === 'string') {
      const { sheet, box } = parseA1(a1OrRow, { rows: this.maxRows, columns: this.maxColumns });
      if (sheet !== undefined && sheet !== this.name) return this.spreadsheet.getRange(a1OrRow);
      return this.#range(box);
    }
    return this.#range({ row: a1OrRow, column: column ?? 1, rows, columns });
  }

  getDataRange(): FakeRange {
    return this.#range({
      row: 1,
      column: 1,
      rows: Math.max(1, this.getLastRow()),
      columns: Math.max(1, this.getLastColumn()),
    });
  }

  #range(box: Box): FakeRange {
    if (box.row < 1) throw gasError('The starting row of the range is too small.');
    if (box.column < 1) throw gasError('The starting column of the range is too small.');
    if (box.rows < 1) throw gasError('The number of rows in the range must be at least 1.');
    if (box.columns < 1) throw gasError('The number of columns in the range must be at least 1.');
    if (box.row + box.rows - 1 > this.maxRows || box.column + box.columns - 1 > this.maxColumns) {
      throw gasError('The coordinates of the range are outside the dimensions of the sheet.');
    }
    return new FakeRange(this, box);
  }

  /** @internal */
  cell(row: number, column: number): StoredCell | undefined {
    return this.#cells[row]?.[column];
  }

  /** @internal */
  setCell(row: number, column: number, cell: StoredCell): void {
    const line = this.#cells[row] ?? [];
    line[column] = cell;
    this.#cells[row] = line;
  }

  insertColumnsAfter(afterPosition: number, howMany: number): this {
    for (const row of this.#cells)
      if (row) row.splice(afterPosition + 1, 0, ...new Array<StoredCell>(howMany).fill(''));
    const shifted = [...this.hiddenColumns].map((c) => (c > afterPosition ? c + howMany : c));
    this.hiddenColumns.clear();
    for (const c of shifted) this.hiddenColumns.add(c);
    this.maxColumns += howMany;
    return this;
  }

  insertColumnAfter(afterPosition: number): this {
    return this.insertColumnsAfter(afterPosition, 1);
  }

  insertRowsAfter(afterPosition: number, howMany: number): this {
    this.#cells.splice(afterPosition + 1, 0, ...new Array<StoredCell[]>(howMany).fill([]).map(() => []));
    this.maxRows += howMany;
    return this;
  }

  deleteRows(rowPosition: number, howMany: number): void {
    this.#cells.splice(rowPosition, howMany);
    this.maxRows -= howMany;
  }

  deleteRow(rowPosition: number): this {
    this.deleteRows(rowPosition, 1);
    return this;
  }

  appendRow(values: unknown[]): this {
    this.getRange(this.getLastRow() + 1, 1, 1, values.length).setValues([values]);
    return this;
  }

  hideColumns(columnIndex: number, numColumns = 1): void {
    for (let c = columnIndex; c < columnIndex + numColumns; c += 1) this.hiddenColumns.add(c);
  }

  isColumnHiddenByUser(columnPosition: number): boolean {
    return this.hiddenColumns.has(columnPosition);
  }

  getProtections(_type: unknown): FakeProtection[] {
    return [...this.protections];
  }

  activate(): this {
    this.spreadsheet.setActiveSheet(this);
    return this;
  }

  /** Test helper: sorts the data rows (below the header) by one column, as Data → Sort sheet does. */
  sortRows(column: number, ascending = true): void {
    const header = this.#cells.slice(0, 2);
    const rows = this.#cells.slice(2, this.getLastRow() + 1).map((row) => row ?? []);
    const key = (row: StoredCell[]) => String(cellValue(row[column]));
    rows.sort((a, b) => (ascending ? 1 : -1) * key(a).localeCompare(key(b)));
    this.#cells = [...header, ...rows];
  }
}

/** A rectangle of a tab; `getValues` gives 2-D arrays, empty cells as '' and date cells as `Date`. */
export class FakeRange {
  constructor(
    private readonly sheet: FakeSheet,
    readonly box: Box,
  ) {}

  getSheet(): FakeSheet {
    return this.sheet;
  }

  getRow(): number {
    return this.box.row;
  }

  getColumn(): number {
    return this.box.column;
  }

  getLastRow(): number {
    return this.box.row + this.box.rows - 1;
  }

  getLastColumn(): number {
    return this.box.column + this.box.columns - 1;
  }

  getNumRows(): number {
    return this.box.rows;
  }

  getNumColumns(): number {
    return this.box.columns;
  }

  getA1Notation(): string {
    return a1Of(this.box);
  }

  getValues(): Value[][] {
    const out: Value[][] = [];
    for (let r = 0; r < this.box.rows; r += 1) {
      const row: Value[] = [];
      for (let c = 0; c < this.box.columns; c += 1)
        row.push(cellValue(this.sheet.cell(this.box.row + r, this.box.column + c)));
      out.push(row);
    }
    return out;
  }

  getValue(): Value {
    return cellValue(this.sheet.cell(this.box.row, this.box.column));
  }

  getFormulas(): string[][] {
    return this.getValues().map((row, r) =>
      row.map((_, c) => {
        const cell = this.sheet.cell(this.box.row + r, this.box.column + c);
        return cell !== undefined && isFormula(cell) ? cell.formula : '';
      }),
    );
  }

  getDisplayValues(): string[][] {
    const timeZone = this.sheet.getParent().getSpreadsheetTimeZone();
    return this.getValues().map((row) =>
      row.map((value) =>
        value instanceof Date
          ? new Intl.DateTimeFormat('en-US', {
              timeZone,
              year: 'numeric',
              month: 'numeric',
              day: 'numeric',
            }).format(value)
          : String(value),
      ),
    );
  }

  setValues(values: unknown[][]): this {
    if (!Array.isArray(values) || values.length !== this.box.rows) {
      throw gasError(
        `The number of rows in the data does not match the number of rows in the range. The data has ${values?.length ?? 0} but the range has ${this.box.rows}.`,
      );
    }
    const timeZone = this.sheet.getParent().getSpreadsheetTimeZone();
    values.forEach((row) => {
      if (!Array.isArray(row) || row.length !== this.box.columns) {
        throw gasError(
          `The number of columns in the data does not match the number of columns in the range. The data has ${row?.length ?? 0} but the range has ${this.box.columns}.`,
        );
      }
    });
    values.forEach((row, r) => {
      row.forEach((value, c) => {
        this.sheet.setCell(this.box.row + r, this.box.column + c, storedFromInput(value, timeZone));
      });
    });
    return this;
  }

  setValue(value: unknown): this {
    return this.setValues(
      Array.from({ length: this.box.rows }, () => new Array(this.box.columns).fill(value)),
    );
  }

  clearContent(): this {
    return this.setValue('');
  }

  protect(): FakeProtection {
    const protection = new FakeProtection(this);
    this.sheet.protections.push(protection);
    return protection;
  }
}

/** A protected range; `setWarningOnly(true)` lets everyone edit after a warning. */
export class FakeProtection {
  #description = '';
  #warningOnly = false;

  constructor(private readonly range: FakeRange) {}

  getRange(): FakeRange {
    return this.range;
  }

  setDescription(description: string): this {
    this.#description = description;
    return this;
  }

  getDescription(): string {
    return this.#description;
  }

  setWarningOnly(warningOnly: boolean): this {
    this.#warningOnly = warningOnly;
    return this;
  }

  isWarningOnly(): boolean {
    return this.#warningOnly;
  }

  getProtectionType(): string {
    return 'RANGE';
  }

  remove(): void {
    const list = this.range.getSheet().protections;
    list.splice(list.indexOf(this), 1);
  }
}

/** The ranges a user selected (Ctrl-click selects several). */
export class FakeRangeList {
  constructor(private readonly ranges: FakeRange[]) {}

  getRanges(): FakeRange[] {
    return [...this.ranges];
  }
}

/** A spreadsheet: tabs, the active tab and selection, time zone and locale. */
export class FakeSpreadsheet {
  readonly sheets: FakeSheet[] = [];
  #active: FakeSheet | undefined;
  #selection: FakeRange[] = [];
  #nextSheetId = 0;

  constructor(
    private readonly id: string,
    private readonly name: string,
    private readonly timeZone = 'Etc/UTC',
    private readonly locale = 'en_US',
  ) {}

  getId(): string {
    return this.id;
  }

  getName(): string {
    return this.name;
  }

  getUrl(): string {
    return `https://docs.google.com/spreadsheets/d/${this.id}/edit`;
  }

  getSpreadsheetTimeZone(): string {
    return this.timeZone;
  }

  getSpreadsheetLocale(): string {
    return this.locale;
  }

  /** Adds a tab; the first one gets sheet id 0, as in a new Google spreadsheet. */
  insertSheet(name: string): FakeSheet {
    if (this.getSheetByName(name))
      throw gasError(`A sheet with the name "${name}" already exists. Please enter another name.`);
    const sheet = new FakeSheet(this, name, this.#nextSheetId === 0 ? 0 : 100_000 + this.#nextSheetId);
    this.#nextSheetId += 1;
    this.sheets.push(sheet);
    this.#active ??= sheet;
    return sheet;
  }

  getSheets(): FakeSheet[] {
    return [...this.sheets];
  }

  getSheetByName(name: string): FakeSheet | null {
    return this.sheets.find((sheet) => sheet.getName() === name) ?? null;
  }

  getActiveSheet(): FakeSheet {
    const sheet = this.#active ?? this.sheets[0];
    if (!sheet) throw gasError('The spreadsheet has no sheets.');
    return sheet;
  }

  setActiveSheet(sheet: FakeSheet): FakeSheet {
    this.#active = sheet;
    this.#selection = [];
    return sheet;
  }

  getRange(a1: string): FakeRange {
    const bang = a1.lastIndexOf('!');
    const name = bang >= 0 ? a1.slice(0, bang).replace(/^'(.*)'$/, '$1') : undefined;
    const sheet = name === undefined ? this.getActiveSheet() : this.getSheetByName(name);
    if (!sheet) throw gasError('Range not found');
    return sheet.getRange(bang >= 0 ? a1.slice(bang + 1) : a1);
  }

  /** Test helper: selects ranges of the active tab (Ctrl-click for several), as a user does before exporting. */
  selectRanges(a1s: readonly string[]): FakeRangeList {
    const sheet = this.getActiveSheet();
    this.#selection = a1s.map((a1) => sheet.getRange(a1));
    return new FakeRangeList(this.#selection);
  }

  setActiveSelection(a1: string): FakeRange {
    const [range] = this.selectRanges([a1]).getRanges();
    if (!range) throw gasError('Range not found');
    return range;
  }

  getActiveRange(): FakeRange | null {
    return this.#selection[0] ?? null;
  }

  getActiveRangeList(): FakeRangeList | null {
    return this.#selection.length > 0 ? new FakeRangeList(this.#selection) : null;
  }
}

/**
 * The fake's methods as Apps Script types them: each listed method must exist on the fake and accept
 * what `@types/google-apps-script` lets the add-on pass, or this file does not compile. Return types are
 * the fakes themselves, so they are not compared; methods taking another service object
 * (`setActiveSheet(sheet)`) are left out, as the fake accepts only its own.
 */
type GasRange = GoogleAppsScript.Spreadsheet.Range;
type GasSheet = GoogleAppsScript.Spreadsheet.Sheet;
type GasSpreadsheet = GoogleAppsScript.Spreadsheet.Spreadsheet;
type GasProtection = GoogleAppsScript.Spreadsheet.Protection;

export const RANGE_CONFORMS: Mirrors<
  GasRange,
  | 'getSheet'
  | 'getRow'
  | 'getColumn'
  | 'getLastRow'
  | 'getLastColumn'
  | 'getNumRows'
  | 'getNumColumns'
  | 'getA1Notation'
  | 'getValues'
  | 'getValue'
  | 'getFormulas'
  | 'getDisplayValues'
  | 'setValues'
  | 'setValue'
  | 'clearContent'
  | 'protect'
> = FakeRange.prototype;

export const SHEET_CONFORMS: Mirrors<
  GasSheet,
  | 'getName'
  | 'setName'
  | 'getSheetId'
  | 'getParent'
  | 'getMaxRows'
  | 'getMaxColumns'
  | 'getLastRow'
  | 'getLastColumn'
  | 'getRange'
  | 'getDataRange'
  | 'insertColumnsAfter'
  | 'insertColumnAfter'
  | 'insertRowsAfter'
  | 'deleteRows'
  | 'deleteRow'
  | 'appendRow'
  | 'hideColumns'
  | 'isColumnHiddenByUser'
  | 'getProtections'
  | 'activate'
> = FakeSheet.prototype;

export const SPREADSHEET_CONFORMS: Mirrors<
  GasSpreadsheet,
  | 'getId'
  | 'getName'
  | 'getUrl'
  | 'getSpreadsheetTimeZone'
  | 'getSpreadsheetLocale'
  | 'insertSheet'
  | 'getSheets'
  | 'getSheetByName'
  | 'getActiveSheet'
  | 'getRange'
  | 'setActiveSelection'
  | 'getActiveRange'
  | 'getActiveRangeList'
> = FakeSpreadsheet.prototype;

export const PROTECTION_CONFORMS: Mirrors<
  GasProtection,
  | 'getRange'
  | 'setDescription'
  | 'getDescription'
  | 'setWarningOnly'
  | 'isWarningOnly'
  | 'getProtectionType'
  | 'remove'
> = FakeProtection.prototype;
