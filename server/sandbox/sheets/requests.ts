import * as z from 'zod';
import { MAX_COLUMNS } from './a1.ts';
import { invalidArgument } from './errors.ts';
import { deleteColumns, deleteRows, insertColumns, insertRows, sortBox } from './grid.ts';
import { DEFAULT_COLUMNS, DEFAULT_ROWS, type StoredSheet, type StoredSpreadsheet } from './model.ts';

/*
 * The `spreadsheets.batchUpdate` requests the sandbox applies
 * (https://developers.google.com/workspace/sheets/api/reference/rest/v4/spreadsheets/request): enough for
 * tabs, row operations, sorting and hiding a column. Each works on a draft; the batch is all or nothing.
 */

export const REQUEST_KINDS = [
  'addSheet',
  'deleteSheet',
  'updateSheetProperties',
  'insertDimension',
  'appendDimension',
  'deleteDimension',
  'sortRange',
  'updateDimensionProperties',
] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

const dimension = z.enum(['ROWS', 'COLUMNS']);

const dimensionRange = z.looseObject({
  sheetId: z.number().int().optional(),
  dimension,
  startIndex: z.number().int().nonnegative().optional(),
  endIndex: z.number().int().nonnegative().optional(),
});

const gridRange = z.looseObject({
  sheetId: z.number().int().optional(),
  startRowIndex: z.number().int().nonnegative().optional(),
  endRowIndex: z.number().int().nonnegative().optional(),
  startColumnIndex: z.number().int().nonnegative().optional(),
  endColumnIndex: z.number().int().nonnegative().optional(),
});

export const sheetPropertiesInput = z.looseObject({
  sheetId: z.number().int().nonnegative().optional(),
  title: z.string().min(1).optional(),
  index: z.number().int().nonnegative().optional(),
  gridProperties: z
    .looseObject({
      rowCount: z.number().int().positive().optional(),
      columnCount: z.number().int().positive().optional(),
    })
    .optional(),
});
type SheetPropertiesInput = z.infer<typeof sheetPropertiesInput>;

const schemas = {
  addSheet: z.looseObject({ properties: sheetPropertiesInput.optional() }),
  deleteSheet: z.looseObject({ sheetId: z.number().int() }),
  updateSheetProperties: z.looseObject({ properties: sheetPropertiesInput, fields: z.string() }),
  insertDimension: z.looseObject({ range: dimensionRange, inheritFromBefore: z.boolean().optional() }),
  appendDimension: z.looseObject({
    sheetId: z.number().int(),
    dimension,
    length: z.number().int().positive(),
  }),
  deleteDimension: z.looseObject({ range: dimensionRange }),
  sortRange: z.looseObject({
    range: gridRange,
    sortSpecs: z.array(
      z.looseObject({
        dimensionIndex: z.number().int().nonnegative().optional(),
        sortOrder: z.enum(['ASCENDING', 'DESCENDING']).optional(),
      }),
    ),
  }),
  updateDimensionProperties: z.looseObject({
    range: dimensionRange,
    properties: z.looseObject({ hiddenByUser: z.boolean().optional() }),
    fields: z.string(),
  }),
} satisfies Record<RequestKind, z.ZodType>;

/** `SheetProperties` as the API shows a sheet. */
export function sheetProperties(sheet: StoredSheet, index: number) {
  return {
    sheetId: sheet.sheetId,
    title: sheet.title,
    index,
    sheetType: 'GRID',
    gridProperties: { rowCount: sheet.rowCount, columnCount: sheet.columnCount },
  };
}

function sheetById(spreadsheet: StoredSpreadsheet, sheetId: number | undefined): StoredSheet {
  const sheet = spreadsheet.sheets.find((s) => s.sheetId === (sheetId ?? 0));
  if (!sheet) throw invalidArgument(`No grid with id: ${sheetId ?? 0}`);
  return sheet;
}

function checkTitle(spreadsheet: StoredSpreadsheet, title: string, except?: StoredSheet): void {
  const taken = spreadsheet.sheets.some((s) => s !== except && s.title.toLowerCase() === title.toLowerCase());
  if (taken)
    throw invalidArgument(`A sheet with the name "${title}" already exists. Please enter another name.`);
}

/** A new empty grid sheet with Google's defaults (1,000 × 26, a random id, "Sheet<n>" for a title). */
export function newSheet(
  spreadsheet: StoredSpreadsheet,
  properties: SheetPropertiesInput,
  random: () => number,
): StoredSheet {
  const sheetId = properties.sheetId ?? randomSheetId(spreadsheet, random);
  if (spreadsheet.sheets.some((s) => s.sheetId === sheetId)) {
    throw invalidArgument(`A sheet with the id ${sheetId} already exists.`);
  }
  let title = properties.title;
  for (let n = spreadsheet.sheets.length + 1; title === undefined; n += 1) {
    if (!spreadsheet.sheets.some((s) => s.title === `Sheet${n}`)) title = `Sheet${n}`;
  }
  checkTitle(spreadsheet, title);
  const columnCount = properties.gridProperties?.columnCount ?? DEFAULT_COLUMNS;
  if (columnCount > MAX_COLUMNS) throw invalidArgument(`A sheet has at most ${MAX_COLUMNS} columns.`);
  return {
    sheetId,
    title,
    rowCount: properties.gridProperties?.rowCount ?? DEFAULT_ROWS,
    columnCount,
    cells: [],
    hiddenRows: [],
    hiddenColumns: [],
  };
}

function randomSheetId(spreadsheet: StoredSpreadsheet, random: () => number): number {
  for (;;) {
    const id = 1 + Math.floor(random() * 2_000_000_000);
    if (!spreadsheet.sheets.some((s) => s.sheetId === id)) return id;
  }
}

/** A dimension range's bounds, checked against the grid; unbounded sides run to the edge. */
function span(sheet: StoredSheet, range: z.infer<typeof dimensionRange>, bounded: boolean): [number, number] {
  const size = range.dimension === 'ROWS' ? sheet.rowCount : sheet.columnCount;
  if (bounded && (range.startIndex === undefined || range.endIndex === undefined)) {
    throw invalidArgument('range must have both startIndex and endIndex set.');
  }
  const start = range.startIndex ?? 0;
  const end = range.endIndex ?? size;
  if (start >= end)
    throw invalidArgument(
      `Invalid dimension range: startIndex (${start}) must be less than endIndex (${end}).`,
    );
  if (end > size)
    throw invalidArgument(
      `Range exceeds grid limits: the sheet has ${size} ${range.dimension.toLowerCase()}.`,
    );
  return [start, end];
}

function parse<K extends RequestKind>(kind: K, input: unknown): z.infer<(typeof schemas)[K]> {
  const result = schemas[kind].safeParse(input);
  if (result.success) return result.data as z.infer<(typeof schemas)[K]>;
  const issue = result.error.issues[0];
  throw invalidArgument(`${issue?.path.join('.') || kind}: ${issue?.message ?? 'invalid'}`);
}

/** Applies one request to the draft; returns its reply (`{}` for the kinds that have none). */
export function applyRequest(
  spreadsheet: StoredSpreadsheet,
  kind: RequestKind,
  input: unknown,
  random: () => number,
): object {
  switch (kind) {
    case 'addSheet': {
      const { properties = {} } = parse(kind, input);
      const sheet = newSheet(spreadsheet, properties, random);
      const index = Math.min(properties.index ?? spreadsheet.sheets.length, spreadsheet.sheets.length);
      spreadsheet.sheets.splice(index, 0, sheet);
      return { addSheet: { properties: sheetProperties(sheet, index) } };
    }
    case 'deleteSheet': {
      const sheet = sheetById(spreadsheet, parse(kind, input).sheetId);
      if (spreadsheet.sheets.length === 1) {
        throw invalidArgument("You can't remove all the sheets in a document.");
      }
      spreadsheet.sheets = spreadsheet.sheets.filter((s) => s !== sheet);
      return {};
    }
    case 'updateSheetProperties': {
      const { properties, fields } = parse(kind, input);
      const sheet = sheetById(spreadsheet, properties.sheetId);
      const names = fields.split(',').map((f) => f.trim());
      const all = names.includes('*');
      if ((all || names.includes('title')) && properties.title !== undefined) {
        checkTitle(spreadsheet, properties.title, sheet);
        sheet.title = properties.title;
      }
      const grid = properties.gridProperties;
      if ((all || names.includes('gridProperties.rowCount')) && grid?.rowCount !== undefined) {
        if (grid.rowCount < sheet.rowCount) deleteRows(sheet, grid.rowCount, sheet.rowCount);
        else sheet.rowCount = grid.rowCount;
      }
      if ((all || names.includes('gridProperties.columnCount')) && grid?.columnCount !== undefined) {
        if (grid.columnCount < sheet.columnCount) deleteColumns(sheet, grid.columnCount, sheet.columnCount);
        else insertColumns(sheet, sheet.columnCount, grid.columnCount - sheet.columnCount);
      }
      return {};
    }
    case 'insertDimension': {
      const { range } = parse(kind, input);
      const sheet = sheetById(spreadsheet, range.sheetId);
      const start = range.startIndex ?? 0;
      const end = range.endIndex ?? start;
      const size = range.dimension === 'ROWS' ? sheet.rowCount : sheet.columnCount;
      if (range.startIndex === undefined || range.endIndex === undefined || start >= end || start > size) {
        throw invalidArgument(
          'range must be bounded, with startIndex < endIndex and startIndex within the grid.',
        );
      }
      if (range.dimension === 'ROWS') insertRows(sheet, start, end - start);
      else insertColumns(sheet, start, end - start);
      return {};
    }
    case 'appendDimension': {
      const request = parse(kind, input);
      const sheet = sheetById(spreadsheet, request.sheetId);
      if (request.dimension === 'ROWS') sheet.rowCount += request.length;
      else insertColumns(sheet, sheet.columnCount, request.length);
      return {};
    }
    case 'deleteDimension': {
      const { range } = parse(kind, input);
      const sheet = sheetById(spreadsheet, range.sheetId);
      const [start, end] = span(sheet, range, false);
      const size = range.dimension === 'ROWS' ? sheet.rowCount : sheet.columnCount;
      if (end - start >= size) {
        throw invalidArgument(
          `You can't delete all the ${range.dimension === 'ROWS' ? 'rows' : 'columns'} on the sheet.`,
        );
      }
      if (range.dimension === 'ROWS') deleteRows(sheet, start, end);
      else deleteColumns(sheet, start, end);
      return {};
    }
    case 'sortRange': {
      const { range, sortSpecs } = parse(kind, input);
      const sheet = sheetById(spreadsheet, range.sheetId);
      const box = {
        startRow: range.startRowIndex ?? 0,
        endRow: Math.min(range.endRowIndex ?? sheet.rowCount, sheet.rowCount),
        startColumn: range.startColumnIndex ?? 0,
        endColumn: Math.min(range.endColumnIndex ?? sheet.columnCount, sheet.columnCount),
      };
      const keys = sortSpecs.map((spec) => {
        const column = spec.dimensionIndex ?? 0;
        if (column < box.startColumn || column >= box.endColumn) {
          throw invalidArgument(`sortSpecs dimensionIndex ${column} is outside the range being sorted.`);
        }
        return { column, descending: spec.sortOrder === 'DESCENDING' };
      });
      sortBox(sheet, box, keys);
      return {};
    }
    case 'updateDimensionProperties': {
      const { range, properties, fields } = parse(kind, input);
      const sheet = sheetById(spreadsheet, range.sheetId);
      const [start, end] = span(sheet, range, false);
      const names = fields.split(',').map((f) => f.trim());
      if (names.includes('hiddenByUser') || names.includes('*')) {
        const key = range.dimension === 'ROWS' ? 'hiddenRows' : 'hiddenColumns';
        const hidden = new Set(sheet[key]);
        for (let i = start; i < end; i += 1) {
          if (properties.hiddenByUser) hidden.add(i);
          else hidden.delete(i);
        }
        sheet[key] = [...hidden].sort((a, b) => a - b);
      }
      return {};
    }
  }
}
