import type { sheets_v4 } from 'googleapis/build/src/apis/sheets/index.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ServedSheets, serveSheets } from './test-harness.ts';

// Everything here goes through the official googleapis client over loopback HTTP.
let served: ServedSheets;
let api: sheets_v4.Sheets;
let spreadsheetId: string;

beforeAll(async () => {
  served = await serveSheets({ quota: false });
  api = served.client();
});
afterAll(() => served.close());
beforeEach(() => {
  spreadsheetId = served.sandbox.state.createSpreadsheet({
    tabs: [
      {
        title: 'Leads',
        rowCount: 20,
        columnCount: 6,
        rows: [
          ['Name', 'Score', 'Active', 'Note'],
          ['Ann', 12.5, true],
          ['Bob', '7', false, 'x'],
        ],
      },
    ],
  });
});

async function refusal(call: Promise<unknown>): Promise<{ status: number; error: Record<string, unknown> }> {
  try {
    await call;
  } catch (e) {
    const { status, response } = e as {
      status: number;
      response: { data: { error: Record<string, unknown> } };
    };
    return { status, error: response.data.error };
  }
  throw new Error('expected the call to fail');
}

const grid = (title = 'Leads') => served.sandbox.state.grid(spreadsheetId, title);
const stored = (title = 'Leads') => served.sandbox.state.grid(spreadsheetId, title, 'UNFORMATTED_VALUE');

describe('values.get', () => {
  it('renders FORMATTED_VALUE, UNFORMATTED_VALUE and FORMULA', async () => {
    served.sandbox.state.editAsUser(spreadsheetId, 'Leads!E2', [[{ formula: '=B2*2', result: 25 }]]);
    const read = async (valueRenderOption: string) =>
      (await api.spreadsheets.values.get({ spreadsheetId, range: 'Leads!A2:E2', valueRenderOption })).data
        .values;
    expect(await read('FORMATTED_VALUE')).toEqual([['Ann', '12.5', 'TRUE', '', '25']]);
    expect(await read('UNFORMATTED_VALUE')).toEqual([['Ann', 12.5, true, '', 25]]);
    expect(await read('FORMULA')).toEqual([['Ann', 12.5, true, '', '=B2*2']]);
    // The default is FORMATTED_VALUE.
    expect((await api.spreadsheets.values.get({ spreadsheetId, range: 'Leads!B2' })).data.values).toEqual([
      ['12.5'],
    ]);
  });

  it('leaves out trailing empty cells per row and trailing empty rows, but keeps empty rows in between', async () => {
    served.sandbox.state.editAsUser(spreadsheetId, 'Leads!A5', [['after a gap']]);
    const { data } = await api.spreadsheets.values.get({ spreadsheetId, range: 'Leads' });
    expect(data).toEqual({
      range: 'Leads!A1:F20',
      majorDimension: 'ROWS',
      values: [
        ['Name', 'Score', 'Active', 'Note'],
        ['Ann', '12.5', 'TRUE'],
        ['Bob', '7', 'FALSE', 'x'],
        [],
        ['after a gap'],
      ],
    });
  });

  it('answers columns with majorDimension=COLUMNS', async () => {
    const { data } = await api.spreadsheets.values.get({
      spreadsheetId,
      range: 'Leads!A1:D3',
      majorDimension: 'COLUMNS',
    });
    expect(data.majorDimension).toBe('COLUMNS');
    expect(data.values).toEqual([
      ['Name', 'Ann', 'Bob'],
      ['Score', '12.5', '7'],
      ['Active', 'TRUE', 'FALSE'],
      ['Note', '', 'x'],
    ]);
  });

  it('has no values at all for an empty block', async () => {
    const { data } = await api.spreadsheets.values.get({ spreadsheetId, range: 'Leads!E5:F9' });
    expect(data).toEqual({ range: 'Leads!E5:F9', majorDimension: 'ROWS' });
  });

  it('reads several ranges in one batchGet, in the order asked', async () => {
    const { data } = await api.spreadsheets.values.batchGet({
      spreadsheetId,
      ranges: ['Leads!A:A', 'Leads!1:1'],
    });
    expect(data.valueRanges?.map((r) => [r.range, r.values])).toEqual([
      ['Leads!A1:A20', [['Name'], ['Ann'], ['Bob']]],
      ['Leads!A1:F1', [['Name', 'Score', 'Active', 'Note']]],
    ]);
  });

  it('answers 404 NOT_FOUND for a spreadsheet that does not exist', async () => {
    const { status, error } = await refusal(
      api.spreadsheets.values.get({ spreadsheetId: 'missing', range: 'A1' }),
    );
    expect(status).toBe(404);
    expect(error).toMatchObject({
      code: 404,
      status: 'NOT_FOUND',
      message: 'Requested entity was not found.',
    });
  });
});

describe('values.update: RAW and USER_ENTERED', () => {
  const inputs = ['=IMPORTXML("http://x.test","//a")', '42', 'true', "'007", '1,234.5', 'plain'];

  it('RAW stores strings verbatim: a formula-looking value stays text, digits stay a string', async () => {
    await api.spreadsheets.values.update({
      spreadsheetId,
      range: 'Leads!A10:F10',
      valueInputOption: 'RAW',
      requestBody: { values: [inputs] },
    });
    expect(stored()[9]).toEqual(inputs);
    const formula = await api.spreadsheets.values.get({
      spreadsheetId,
      range: 'Leads!A10',
      valueRenderOption: 'FORMULA',
    });
    expect(formula.data.values).toEqual([['=IMPORTXML("http://x.test","//a")']]);
  });

  it('USER_ENTERED reads strings as a user typing: formulas, numbers, booleans, forced text', async () => {
    await api.spreadsheets.values.update({
      spreadsheetId,
      range: 'Leads!A10:F10',
      valueInputOption: 'USER_ENTERED',
      requestBody: { values: [inputs] },
    });
    expect(stored()[9]).toEqual(['#NAME?', 42, true, '007', 1234.5, 'plain']);
    const formula = await api.spreadsheets.values.get({
      spreadsheetId,
      range: 'Leads!A10',
      valueRenderOption: 'FORMULA',
    });
    expect(formula.data.values).toEqual([['=IMPORTXML("http://x.test","//a")']]);
  });

  it('keeps JSON numbers and booleans as values either way', async () => {
    await api.spreadsheets.values.update({
      spreadsheetId,
      range: 'Leads!A10',
      valueInputOption: 'RAW',
      requestBody: { values: [[3, false]] },
    });
    expect(stored()[9]).toEqual([3, false]);
  });

  it('skips null cells and empties "" cells', async () => {
    await api.spreadsheets.values.update({
      spreadsheetId,
      range: 'Leads!A2:C2',
      valueInputOption: 'RAW',
      requestBody: { values: [[null, '', 'yes']] },
    });
    expect(grid()[1]).toEqual(['Ann', '', 'yes']);
  });

  it('answers what it updated, and the values when asked to', async () => {
    const { data } = await api.spreadsheets.values.update({
      spreadsheetId,
      range: 'Leads!B2:D5',
      valueInputOption: 'RAW',
      includeValuesInResponse: true,
      requestBody: { values: [['1', null], ['2']] },
    });
    expect(data).toEqual({
      spreadsheetId,
      updatedRange: 'Leads!B2:C3',
      updatedRows: 2,
      updatedColumns: 1,
      updatedCells: 2,
      updatedData: {
        range: 'Leads!B2:D5',
        majorDimension: 'ROWS',
        values: [
          ['1', 'TRUE'],
          ['2', 'FALSE', 'x'],
        ],
      },
    });
  });

  it('writes columns with majorDimension=COLUMNS', async () => {
    await api.spreadsheets.values.update({
      spreadsheetId,
      range: 'Leads!E1:F2',
      valueInputOption: 'RAW',
      requestBody: {
        majorDimension: 'COLUMNS',
        values: [
          ['e1', 'e2'],
          ['f1', 'f2'],
        ],
      },
    });
    expect(
      grid()
        .slice(0, 2)
        .map((row) => row.slice(4)),
    ).toEqual([
      ['e1', 'f1'],
      ['e2', 'f2'],
    ]);
  });

  it('refuses values that overflow the range or the grid, and a missing valueInputOption', async () => {
    const overflow = await refusal(
      api.spreadsheets.values.update({
        spreadsheetId,
        range: 'Leads!A1:B1',
        valueInputOption: 'RAW',
        requestBody: { values: [['a', 'b'], ['c']] },
      }),
    );
    expect(overflow.error.message).toBe(
      'Requested writing within range [Leads!A1:B1], but tried writing to row [2]',
    );
    const wide = await refusal(
      api.spreadsheets.values.update({
        spreadsheetId,
        range: 'Leads!A1:B1',
        valueInputOption: 'RAW',
        requestBody: { values: [['a', 'b', 'c']] },
      }),
    );
    expect(wide.error.message).toBe(
      'Requested writing within range [Leads!A1:B1], but tried writing to column [C]',
    );
    const edge = await refusal(
      api.spreadsheets.values.update({
        spreadsheetId,
        range: 'Leads!A21',
        valueInputOption: 'RAW',
        requestBody: { values: [['x']] },
      }),
    );
    expect(edge.error.message).toBe('Range (Leads!A21) exceeds grid limits. Max rows: 20, max columns: 6');
    const missing = await refusal(
      api.spreadsheets.values.update({ spreadsheetId, range: 'Leads!A1', requestBody: { values: [['x']] } }),
    );
    expect(missing).toMatchObject({
      status: 400,
      error: { message: "'valueInputOption' is required but not specified" },
    });
    expect(grid()[0]).toEqual(['Name', 'Score', 'Active', 'Note']);
  });
});

describe('values.batchUpdate', () => {
  it('writes every range in one request and totals what changed', async () => {
    const { data } = await api.spreadsheets.values.batchUpdate({
      spreadsheetId,
      requestBody: {
        valueInputOption: 'RAW',
        data: [
          { range: 'Leads!B2', values: [['=1+1']] },
          { range: 'Leads!C3:D3', values: [['on', 'off']] },
        ],
      },
    });
    expect(data).toMatchObject({
      spreadsheetId,
      totalUpdatedRows: 2,
      totalUpdatedColumns: 3,
      totalUpdatedCells: 3,
      totalUpdatedSheets: 1,
    });
    expect(data.responses?.map((r) => r.updatedRange)).toEqual(['Leads!B2', 'Leads!C3:D3']);
    expect(grid().slice(1, 3)).toEqual([
      ['Ann', '=1+1', 'TRUE'],
      ['Bob', '7', 'on', 'off'],
    ]);
  });

  it('applies nothing when one range is bad, and says which', async () => {
    const { error } = await refusal(
      api.spreadsheets.values.batchUpdate({
        spreadsheetId,
        requestBody: {
          valueInputOption: 'RAW',
          data: [
            { range: 'Leads!B2', values: [['changed']] },
            { range: 'Nope!A1', values: [['x']] },
          ],
        },
      }),
    );
    expect(error.message).toBe('Invalid data[1]: Unable to parse range: Nope!A1');
    expect(grid()[1]).toEqual(['Ann', '12.5', 'TRUE']);
  });
});

describe('values.append', () => {
  it('INSERT_ROWS inserts below the table found from the header and moves the rest down', async () => {
    served.sandbox.state.editAsUser(spreadsheetId, 'Leads!A6', [['below a gap']]);
    const { data } = await api.spreadsheets.values.append({
      spreadsheetId,
      range: 'Leads!A1:D1',
      valueInputOption: 'RAW',
      insertDataOption: 'INSERT_ROWS',
      requestBody: { values: [['Cy', '=2'], ['Di']] },
    });
    expect(data).toEqual({
      spreadsheetId,
      tableRange: 'Leads!A1:D3',
      updates: {
        spreadsheetId,
        updatedRange: 'Leads!A4:B5',
        updatedRows: 2,
        updatedColumns: 2,
        updatedCells: 3,
      },
    });
    expect(grid().map((row) => row[0])).toEqual([
      'Name',
      'Ann',
      'Bob',
      'Cy',
      'Di',
      undefined,
      undefined,
      'below a gap',
    ]);
    expect(served.sandbox.state.tab(spreadsheetId, 'Leads').rowCount).toBe(22);
  });

  it('OVERWRITE writes into the empty rows below the table without inserting', async () => {
    served.sandbox.state.editAsUser(spreadsheetId, 'Leads!A6', [['below a gap']]);
    const { data } = await api.spreadsheets.values.append({
      spreadsheetId,
      range: 'Leads!A1',
      valueInputOption: 'USER_ENTERED',
      insertDataOption: 'OVERWRITE',
      includeValuesInResponse: true,
      requestBody: { values: [['Cy', '3']] },
    });
    expect(data.updates?.updatedData).toEqual({
      range: 'Leads!A4:B4',
      majorDimension: 'ROWS',
      values: [['Cy', '3']],
    });
    expect(grid().map((row) => row[0])).toEqual(['Name', 'Ann', 'Bob', 'Cy', undefined, 'below a gap']);
    expect(served.sandbox.state.tab(spreadsheetId, 'Leads').rowCount).toBe(20);
  });

  it('starts at the range when there is no table, and grows the grid past its last row', async () => {
    served.sandbox.state.addTab(spreadsheetId, { title: 'Empty', rowCount: 2, columnCount: 2 });
    const { data } = await api.spreadsheets.values.append({
      spreadsheetId,
      range: 'Empty!B1',
      valueInputOption: 'RAW',
      requestBody: { values: [['a'], ['b'], ['c']] },
    });
    expect(data.tableRange).toBeUndefined();
    expect(data.updates?.updatedRange).toBe('Empty!B1:B3');
    expect(grid('Empty')).toEqual([
      ['', 'a'],
      ['', 'b'],
      ['', 'c'],
    ]);
    expect(served.sandbox.state.tab(spreadsheetId, 'Empty').rowCount).toBe(3);
  });
});

describe('values.clear and values.batchClear', () => {
  it('empties the cells and answers the bounded range', async () => {
    const one = await api.spreadsheets.values.clear({ spreadsheetId, range: 'Leads!B:B' });
    expect(one.data).toEqual({ spreadsheetId, clearedRange: 'Leads!B1:B20' });
    const many = await api.spreadsheets.values.batchClear({
      spreadsheetId,
      requestBody: { ranges: ['Leads!D3', 'Leads!A3'] },
    });
    expect(many.data.clearedRanges).toEqual(['Leads!D3', 'Leads!A3']);
    expect(grid()).toEqual([
      ['Name', '', 'Active', 'Note'],
      ['Ann', '', 'TRUE'],
      ['', '', 'FALSE'],
    ]);
  });
});
