import type { Context } from 'hono';
import * as z from 'zod';
import { type A1Range, type Box, columnLetters, formatRange } from './a1.ts';
import {
  VALUE_INPUT_OPTIONS,
  VALUE_RENDER_OPTIONS,
  type ValueInputOption,
  type ValueRenderOption,
} from './cells.ts';
import { booleanParam, type Core, type Env, enumParam, readJson } from './core.ts';
import { invalidArgument, withinBatch } from './errors.ts';
import {
  checkWithinGrid,
  clearBox,
  extentOf,
  findAppendTarget,
  insertColumns,
  insertRows,
  type MajorDimension,
  type ResolvedRange,
  rangeText,
  readBox,
  resolveRange,
  toRows,
  type WriteCounts,
  writeRows,
} from './grid.ts';
import type { StoredSheet, StoredSpreadsheet } from './model.ts';
import { changeSpreadsheet, readSpreadsheet } from './spreadsheet-access.ts';

/*
 * spreadsheets.values.* (https://developers.google.com/workspace/sheets/api/reference/rest/v4/spreadsheets.values).
 * Answers leave out fields that are zero or empty, as Google's JSON does for proto3 defaults.
 */

const MAJOR_DIMENSIONS = ['ROWS', 'COLUMNS'] as const;
const INSERT_DATA_OPTIONS = ['OVERWRITE', 'INSERT_ROWS'] as const;

const inputValues = z.array(z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])));

const valueRangeSchema = z.looseObject({
  range: z.string().optional(),
  majorDimension: z.enum(MAJOR_DIMENSIONS).optional(),
  values: inputValues.optional(),
});
type ValueRangeInput = z.infer<typeof valueRangeSchema>;

const batchUpdateSchema = z.looseObject({
  valueInputOption: z.enum(VALUE_INPUT_OPTIONS).optional(),
  data: z.array(valueRangeSchema).optional(),
  includeValuesInResponse: z.boolean().optional(),
  responseValueRenderOption: z.enum(VALUE_RENDER_OPTIONS).optional(),
});

const batchClearSchema = z.looseObject({ ranges: z.array(z.string()).optional() });

/** Without a `valueInputOption` Sheets refuses every write (the text clients report). */
function requireInputOption(option: ValueInputOption | undefined): ValueInputOption {
  if (option === undefined) throw invalidArgument("'valueInputOption' is required but not specified");
  return option;
}

function readOptions(c: Context) {
  return {
    major: enumParam(c, 'majorDimension', MAJOR_DIMENSIONS, 'ROWS') ?? 'ROWS',
    render: enumParam(c, 'valueRenderOption', VALUE_RENDER_OPTIONS, 'FORMATTED_VALUE') ?? 'FORMATTED_VALUE',
  };
}

/** A `ValueRange` answer; `values` is left out when the block is empty. */
function valueRange(resolved: ResolvedRange, render: ValueRenderOption, major: MajorDimension) {
  const values = readBox(resolved.sheet, resolved.box, render, major);
  return { range: rangeText(resolved), majorDimension: major, ...(values.length > 0 ? { values } : {}) };
}

function nonZero(fields: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== 0));
}

/** A range naming one cell: writes treat it as the top-left corner and run from there. */
export function isSingleCell(range: A1Range): boolean {
  return (
    range.endRow !== undefined &&
    range.endColumn !== undefined &&
    range.endRow - (range.startRow ?? 0) === 1 &&
    range.endColumn - (range.startColumn ?? 0) === 1
  );
}

/**
 * Checks that values stay inside the requested range, with the texts Sheets uses. A single cell is only a
 * starting point (clients write whole tables to `Sheet1!A1`).
 */
function checkWithinRange(resolved: ResolvedRange, extent: Box): void {
  const { requested } = resolved;
  if (isSingleCell(requested)) return;
  const asked = rangeText(resolved);
  if (requested.endRow !== undefined && extent.endRow > requested.endRow) {
    throw invalidArgument(
      `Requested writing within range [${asked}], but tried writing to row [${requested.endRow + 1}]`,
    );
  }
  if (requested.endColumn !== undefined && extent.endColumn > requested.endColumn) {
    throw invalidArgument(
      `Requested writing within range [${asked}], but tried writing to column [${columnLetters(requested.endColumn)}]`,
    );
  }
}

interface Written {
  readonly resolved: ResolvedRange;
  readonly counts: WriteCounts;
}

/** One `ValueRange` written where it says, all checks first. */
function writeValueRange(
  spreadsheet: StoredSpreadsheet,
  urlRange: string,
  body: ValueRangeInput,
  option: ValueInputOption,
): Written {
  const resolved = resolveRange(spreadsheet, urlRange);
  if (body.range !== undefined && body.range !== urlRange) {
    const other = resolveRange(spreadsheet, body.range);
    if (rangeText(other) !== rangeText(resolved)) {
      throw invalidArgument(
        `Requested range [${urlRange}] and the range in the body [${body.range}] do not match`,
      );
    }
  }
  const rows = toRows(body.values ?? [], body.majorDimension ?? 'ROWS', option);
  const at = { startRow: resolved.requested.startRow ?? 0, startColumn: resolved.requested.startColumn ?? 0 };
  const extent = extentOf(rows, at.startRow, at.startColumn);
  checkWithinRange(resolved, extent);
  checkWithinGrid(resolved.sheet, extent);
  const counts = writeRows(resolved.sheet, rows, extent);
  return { resolved, counts };
}

function updateResponse(
  spreadsheetId: string,
  written: { sheet: StoredSheet; counts: WriteCounts; echo?: ResolvedRange },
  include: boolean,
  render: ValueRenderOption,
) {
  const { sheet, counts } = written;
  const hasExtent = counts.box.endRow > counts.box.startRow && counts.box.endColumn > counts.box.startColumn;
  const updatedRange = hasExtent
    ? formatRange(sheet.title, counts.box)
    : written.echo
      ? rangeText(written.echo)
      : undefined;
  const echo = written.echo ?? { sheet, requested: counts.box, box: counts.box };
  return {
    spreadsheetId,
    ...(updatedRange === undefined ? {} : { updatedRange }),
    ...nonZero({ updatedRows: counts.rows, updatedColumns: counts.columns, updatedCells: counts.cells }),
    ...(include ? { updatedData: valueRange(echo, render, 'ROWS') } : {}),
  };
}

export function valuesGet(core: Core, c: Context<Env>) {
  const { spreadsheetId = '', range = '' } = c.get('call');
  const { major, render } = readOptions(c);
  const resolved = resolveRange(readSpreadsheet(core, spreadsheetId), range);
  return c.json(valueRange(resolved, render, major));
}

export function valuesBatchGet(core: Core, c: Context<Env>) {
  const { spreadsheetId = '' } = c.get('call');
  const { major, render } = readOptions(c);
  const spreadsheet = readSpreadsheet(core, spreadsheetId);
  const ranges = c.req.queries('ranges') ?? [];
  const valueRanges = ranges.map((range) => valueRange(resolveRange(spreadsheet, range), render, major));
  return c.json({ spreadsheetId, ...(valueRanges.length > 0 ? { valueRanges } : {}) });
}

export async function valuesUpdate(core: Core, c: Context<Env>) {
  const { spreadsheetId = '', range = '' } = c.get('call');
  const option = requireInputOption(enumParam(c, 'valueInputOption', VALUE_INPUT_OPTIONS, undefined));
  const include = booleanParam(c, 'includeValuesInResponse');
  const render =
    enumParam(c, 'responseValueRenderOption', VALUE_RENDER_OPTIONS, 'FORMATTED_VALUE') ?? 'FORMATTED_VALUE';
  const body = await readJson(c, valueRangeSchema);
  return c.json(
    changeSpreadsheet(core, spreadsheetId, (spreadsheet) => {
      const { resolved, counts } = writeValueRange(spreadsheet, range, body, option);
      return updateResponse(
        spreadsheetId,
        { sheet: resolved.sheet, counts, echo: resolved },
        include,
        render,
      );
    }),
  );
}

export async function valuesBatchUpdate(core: Core, c: Context<Env>) {
  const { spreadsheetId = '' } = c.get('call');
  const body = await readJson(c, batchUpdateSchema);
  const option = requireInputOption(body.valueInputOption);
  const render = body.responseValueRenderOption ?? 'FORMATTED_VALUE';
  return c.json(
    changeSpreadsheet(core, spreadsheetId, (spreadsheet) => {
      const written = (body.data ?? []).map((item, index) => {
        try {
          if (item.range === undefined) throw invalidArgument('range is required');
          return writeValueRange(spreadsheet, item.range, item, option);
        } catch (error) {
          throw withinBatch(error, `data[${index}]`);
        }
      });
      const responses = written.map(({ resolved, counts }) =>
        updateResponse(
          spreadsheetId,
          { sheet: resolved.sheet, counts, echo: resolved },
          body.includeValuesInResponse ?? false,
          render,
        ),
      );
      const sheets = new Set(written.filter((w) => w.counts.cells > 0).map((w) => w.resolved.sheet.sheetId));
      return {
        spreadsheetId,
        ...nonZero({
          totalUpdatedRows: sum(written.map((w) => w.counts.rows)),
          totalUpdatedColumns: sum(written.map((w) => w.counts.columns)),
          totalUpdatedCells: sum(written.map((w) => w.counts.cells)),
          totalUpdatedSheets: sheets.size,
        }),
        ...(responses.length > 0 ? { responses } : {}),
      };
    }),
  );
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export async function valuesAppend(core: Core, c: Context<Env>) {
  const { spreadsheetId = '', range = '' } = c.get('call');
  const option = requireInputOption(enumParam(c, 'valueInputOption', VALUE_INPUT_OPTIONS, undefined));
  const insert = enumParam(c, 'insertDataOption', INSERT_DATA_OPTIONS, 'OVERWRITE') ?? 'OVERWRITE';
  const include = booleanParam(c, 'includeValuesInResponse');
  const render =
    enumParam(c, 'responseValueRenderOption', VALUE_RENDER_OPTIONS, 'FORMATTED_VALUE') ?? 'FORMATTED_VALUE';
  const body = await readJson(c, valueRangeSchema);
  return c.json(
    changeSpreadsheet(core, spreadsheetId, (spreadsheet) => {
      const resolved = resolveRange(spreadsheet, range);
      const { sheet, requested } = resolved;
      const target = findAppendTarget(sheet, resolved.box, isSingleCell(requested));
      const rows = toRows(body.values ?? [], body.majorDimension ?? 'ROWS', option);
      const extent = extentOf(rows, target.row, target.column);
      const height = extent.endRow - extent.startRow;
      // "INSERT_ROWS: Rows are inserted for the new data"; OVERWRITE still adds rows or columns past the edge.
      if (insert === 'INSERT_ROWS') insertRows(sheet, target.row, height);
      else if (extent.endRow > sheet.rowCount) sheet.rowCount = extent.endRow;
      if (extent.endColumn > sheet.columnCount)
        insertColumns(sheet, sheet.columnCount, extent.endColumn - sheet.columnCount);
      const counts = writeRows(sheet, rows, extent);
      return {
        spreadsheetId,
        ...(target.table ? { tableRange: formatRange(sheet.title, target.table) } : {}),
        updates: updateResponse(spreadsheetId, { sheet, counts }, include, render),
      };
    }),
  );
}

export async function valuesClear(core: Core, c: Context<Env>) {
  const { spreadsheetId = '', range = '' } = c.get('call');
  return c.json(
    changeSpreadsheet(core, spreadsheetId, (spreadsheet) => {
      const resolved = resolveRange(spreadsheet, range);
      clearBox(resolved.sheet, resolved.box);
      return { spreadsheetId, clearedRange: rangeText(resolved) };
    }),
  );
}

export async function valuesBatchClear(core: Core, c: Context<Env>) {
  const { spreadsheetId = '' } = c.get('call');
  const body = await readJson(c, batchClearSchema);
  return c.json(
    changeSpreadsheet(core, spreadsheetId, (spreadsheet) => {
      const resolved = (body.ranges ?? []).map((range, index) => {
        try {
          return resolveRange(spreadsheet, range);
        } catch (error) {
          throw withinBatch(error, `ranges[${index}]`);
        }
      });
      for (const { sheet, box } of resolved) clearBox(sheet, box);
      const clearedRanges = resolved.map(rangeText);
      return { spreadsheetId, ...(clearedRanges.length > 0 ? { clearedRanges } : {}) };
    }),
  );
}
