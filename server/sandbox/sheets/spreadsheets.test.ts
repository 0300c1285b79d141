import type { sheets_v4 } from 'googleapis/build/src/apis/sheets/index.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ServedSheets, serveSheets } from './test-harness.ts';

let served: ServedSheets;
let api: sheets_v4.Sheets;
let spreadsheetId: string;
let sheetId: number;

beforeAll(async () => {
  served = await serveSheets({ quota: false });
  api = served.client();
});
afterAll(() => served.close());
beforeEach(() => {
  spreadsheetId = served.sandbox.state.createSpreadsheet({
    title: 'Prospects',
    tabs: [
      {
        title: 'Leads',
        rowCount: 6,
        columnCount: 3,
        rows: [
          ['Name', 'Score'],
          ['Cy', 3],
          ['ann', 1],
          ['Bob', 2],
        ],
      },
    ],
  });
  sheetId = served.sandbox.state.tab(spreadsheetId, 'Leads').sheetId;
});

const column = (index = 0) => served.sandbox.state.grid(spreadsheetId, 'Leads').map((row) => row[index]);

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

describe('spreadsheets.create and .get', () => {
  it('creates with Google defaults and reads the properties back', async () => {
    const created = await api.spreadsheets.create({ requestBody: { properties: { title: 'New' } } });
    const id = created.data.spreadsheetId ?? '';
    expect(id).toMatch(/^[A-Za-z0-9_-]{44}$/);
    const { data } = await api.spreadsheets.get({ spreadsheetId: id });
    expect(data.properties?.title).toBe('New');
    expect(data.sheets?.map((s) => s.properties)).toEqual([
      {
        sheetId: 0,
        title: 'Sheet1',
        index: 0,
        sheetType: 'GRID',
        gridProperties: { rowCount: 1000, columnCount: 26 },
      },
    ]);
  });

  it('answers 404 for an unknown spreadsheet', async () => {
    const { status, error } = await refusal(api.spreadsheets.get({ spreadsheetId: 'nope' }));
    expect(status).toBe(404);
    expect(error.status).toBe('NOT_FOUND');
  });
});

describe('spreadsheets.batchUpdate', () => {
  const batch = (requests: sheets_v4.Schema$Request[]) =>
    api.spreadsheets.batchUpdate({ spreadsheetId, requestBody: { requests } });

  it('adds a tab and replies with its properties', async () => {
    const { data } = await batch([
      { addSheet: { properties: { title: 'Archive', gridProperties: { rowCount: 5, columnCount: 2 } } } },
    ]);
    const properties = data.replies?.[0]?.addSheet?.properties;
    expect(properties).toMatchObject({
      title: 'Archive',
      index: 1,
      gridProperties: { rowCount: 5, columnCount: 2 },
    });
    expect(served.sandbox.state.spreadsheets().find((s) => s.spreadsheetId === spreadsheetId)?.tabs).toEqual([
      'Leads',
      'Archive',
    ]);
  });

  it('inserts and deletes rows, moving the cells below', async () => {
    await batch([{ insertDimension: { range: { sheetId, dimension: 'ROWS', startIndex: 1, endIndex: 3 } } }]);
    expect(column()).toEqual(['Name', undefined, undefined, 'Cy', 'ann', 'Bob']);
    expect(served.sandbox.state.tab(spreadsheetId, 'Leads').rowCount).toBe(8);
    await batch([{ deleteDimension: { range: { sheetId, dimension: 'ROWS', startIndex: 1, endIndex: 4 } } }]);
    expect(column()).toEqual(['Name', 'ann', 'Bob']);
    expect(served.sandbox.state.tab(spreadsheetId, 'Leads').rowCount).toBe(5);
  });

  it('sorts a range: text case-insensitively, empty cells last, descending too', async () => {
    const range = { sheetId, startRowIndex: 1, endRowIndex: 6, startColumnIndex: 0, endColumnIndex: 2 };
    await batch([{ sortRange: { range, sortSpecs: [{ dimensionIndex: 0, sortOrder: 'ASCENDING' }] } }]);
    expect(column()).toEqual(['Name', 'ann', 'Bob', 'Cy']);
    expect(column(1)).toEqual(['Score', '1', '2', '3']);
    await batch([{ sortRange: { range, sortSpecs: [{ dimensionIndex: 1, sortOrder: 'DESCENDING' }] } }]);
    expect(column()).toEqual(['Name', 'Cy', 'Bob', 'ann']);
  });

  it('hides and shows a column by hiddenByUser', async () => {
    const hide = (hiddenByUser: boolean) =>
      batch([
        {
          updateDimensionProperties: {
            range: { sheetId, dimension: 'COLUMNS', startIndex: 2, endIndex: 3 },
            properties: { hiddenByUser },
            fields: 'hiddenByUser',
          },
        },
      ]);
    await hide(true);
    expect(served.sandbox.state.tab(spreadsheetId, 'Leads').hiddenColumns).toEqual([2]);
    await hide(false);
    expect(served.sandbox.state.tab(spreadsheetId, 'Leads').hiddenColumns).toEqual([]);
  });

  it('applies nothing when one request fails, and names it', async () => {
    const { status, error } = await refusal(
      batch([
        { insertDimension: { range: { sheetId, dimension: 'ROWS', startIndex: 1, endIndex: 2 } } },
        { addSheet: { properties: { title: 'leads' } } },
      ]),
    );
    expect(status).toBe(400);
    expect(error.message).toBe(
      'Invalid requests[1].addSheet: A sheet with the name "leads" already exists. Please enter another name.',
    );
    expect(column()).toEqual(['Name', 'Cy', 'ann', 'Bob']);
  });

  it('refuses an unknown grid, deleting every row, and kinds the sandbox does not model', async () => {
    const unknownGrid = await refusal(
      batch([
        { deleteDimension: { range: { sheetId: 999, dimension: 'ROWS', startIndex: 0, endIndex: 1 } } },
      ]),
    );
    expect(unknownGrid.error.message).toBe('Invalid requests[0].deleteDimension: No grid with id: 999');
    const everything = await refusal(
      batch([{ deleteDimension: { range: { sheetId, dimension: 'ROWS', startIndex: 0, endIndex: 6 } } }]),
    );
    expect(everything.error.message).toBe(
      "Invalid requests[0].deleteDimension: You can't delete all the rows on the sheet.",
    );
    const unsupported = await refusal(
      batch([{ mergeCells: { range: { sheetId }, mergeType: 'MERGE_ALL' } }]),
    );
    expect(unsupported.error.message).toMatch(
      /^Invalid requests\[0\]: the sandbox does not support "mergeCells"/,
    );
  });
});

describe('authentication', () => {
  it('answers 401 UNAUTHENTICATED without a bearer token, and with one it was not given', async () => {
    const bare = await fetch(`${served.rootUrl}v4/spreadsheets/${spreadsheetId}`);
    expect(bare.status).toBe(401);
    expect(await bare.json()).toMatchObject({
      error: {
        code: 401,
        status: 'UNAUTHENTICATED',
        message: expect.stringMatching(/^Request is missing required authentication credential\./),
      },
    });
    const strict = await serveSheets({ accessTokens: ['good'] });
    try {
      const id = strict.sandbox.state.createSpreadsheet();
      await expect(strict.client('good').spreadsheets.get({ spreadsheetId: id })).resolves.toMatchObject({
        status: 200,
      });
      const refused = await refusal(strict.client('bad').spreadsheets.get({ spreadsheetId: id }));
      expect(refused.status).toBe(401);
      expect(refused.error.message).toMatch(/^Request had invalid authentication credentials\./);
    } finally {
      await strict.close();
    }
  });
});
