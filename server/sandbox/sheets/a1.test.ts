import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnIndex, columnLetters, formatRange, parseA1, sheetPrefix } from './a1.ts';
import { type ServedSheets, serveSheets } from './test-harness.ts';

describe('parseA1', () => {
  it.each([
    ['Sheet1!A1:B2', { sheet: 'Sheet1', startRow: 0, endRow: 2, startColumn: 0, endColumn: 2 }],
    ['Sheet1!A1', { sheet: 'Sheet1', startRow: 0, endRow: 1, startColumn: 0, endColumn: 1 }],
    ['Sheet1!A:C', { sheet: 'Sheet1', startColumn: 0, endColumn: 3 }],
    ['Sheet1!2:5', { sheet: 'Sheet1', startRow: 1, endRow: 5 }],
    ['Sheet1!A5:A', { sheet: 'Sheet1', startRow: 4, startColumn: 0, endColumn: 1 }],
    ['A2:C', { startRow: 1, startColumn: 0, endColumn: 3 }],
    ['A1:B2', { startRow: 0, endRow: 2, startColumn: 0, endColumn: 2 }],
    ['b2:a1', { startRow: 0, endRow: 2, startColumn: 0, endColumn: 2 }],
    ['$A$1:$B$2', { startRow: 0, endRow: 2, startColumn: 0, endColumn: 2 }],
    ['AA10:ZZZ12', { startRow: 9, endRow: 12, startColumn: 26, endColumn: 18_278 }],
    ['Sheet1', { sheet: 'Sheet1' }],
    ['My Tab', { sheet: 'My Tab' }],
    ["'My Tab'", { sheet: 'My Tab' }],
    ["'My Tab'!A:A", { sheet: 'My Tab', startColumn: 0, endColumn: 1 }],
    ["'Bob''s list'!B2", { sheet: "Bob's list", startRow: 1, endRow: 2, startColumn: 1, endColumn: 2 }],
    ["'Jon's_Data'!A1:D5", { sheet: "Jon's_Data", startRow: 0, endRow: 5, startColumn: 0, endColumn: 4 }],
    ["'A1'!C3", { sheet: 'A1', startRow: 2, endRow: 3, startColumn: 2, endColumn: 3 }],
    ["'Q1!Totals'!A1", { sheet: 'Q1!Totals', startRow: 0, endRow: 1, startColumn: 0, endColumn: 1 }],
    // A lone column or row is not a range, so Google reads it as a sheet name.
    ['A', { sheet: 'A' }],
    ['12', { sheet: '12' }],
  ])('%s', (input, expected) => {
    expect(parseA1(input)).toEqual(expected);
  });

  it.each([
    '',
    'Sheet1!',
    'Sheet1!A0',
    'Sheet1!A2:A0',
    'Sheet1!A1:B2:C3',
    'Sheet1!AAAA1',
    'Sheet1!A:5',
    'Sheet1!5:A',
    'Sheet1!A',
    "'Unclosed!A1",
    "''!A1",
    "'My Tab'A1",
    "Funnel'!'Funnel'!A1",
    '!A1',
    'Sheet1!A1:[5',
  ])('refuses %j', (input) => {
    expect(parseA1(input)).toBeUndefined();
  });
});

describe('column letters and range text', () => {
  it('converts both ways across the letter boundaries', () => {
    for (const [index, letters] of [
      [0, 'A'],
      [25, 'Z'],
      [26, 'AA'],
      [51, 'AZ'],
      [52, 'BA'],
      [701, 'ZZ'],
      [702, 'AAA'],
      [18_277, 'ZZZ'],
    ] as const) {
      expect(columnLetters(index)).toBe(letters);
      expect(columnIndex(letters)).toBe(index);
      expect(columnIndex(letters.toLowerCase())).toBe(index);
    }
  });

  it('quotes sheet names only when Sheets would need it', () => {
    expect(sheetPrefix('Sheet1')).toBe('Sheet1');
    expect(sheetPrefix('leads_2024')).toBe('leads_2024');
    expect(sheetPrefix('My Tab')).toBe("'My Tab'");
    expect(sheetPrefix('A1')).toBe("'A1'");
    expect(sheetPrefix("Bob's")).toBe("'Bob''s'");
    expect(sheetPrefix('2024')).toBe("'2024'");
    expect(formatRange('My Tab', { startRow: 0, endRow: 1, startColumn: 2, endColumn: 3 })).toBe(
      "'My Tab'!C1",
    );
    expect(formatRange('Sheet1', { startRow: 4, endRow: 1000, startColumn: 0, endColumn: 26 })).toBe(
      'Sheet1!A5:Z1000',
    );
  });

  it('reads back what it writes', () => {
    for (const title of ['Sheet1', 'My Tab', "Bob's", 'A1', 'Q1!Totals', "''"]) {
      const text = formatRange(title, { startRow: 2, endRow: 7, startColumn: 1, endColumn: 4 });
      expect(parseA1(text)).toEqual({ sheet: title, startRow: 2, endRow: 7, startColumn: 1, endColumn: 4 });
    }
  });
});

describe('ranges over the wire (googleapis client)', () => {
  let served: ServedSheets;
  let spreadsheetId: string;
  beforeAll(async () => {
    served = await serveSheets({ quota: false });
    spreadsheetId = served.sandbox.state.createSpreadsheet({
      tabs: [
        { title: 'Sheet1', rows: [['first']], rowCount: 10, columnCount: 5 },
        {
          title: 'My Tab',
          rows: [
            ['a', 'b'],
            ['c', 'd'],
          ],
          rowCount: 20,
          columnCount: 4,
        },
      ],
    });
  });
  afterAll(() => served.close());

  const get = (range: string) => served.client().spreadsheets.values.get({ spreadsheetId, range });

  it('echoes each range bounded by the grid, with the sheet name as Sheets writes it', async () => {
    const cases: [string, string][] = [
      ["'My Tab'!A1:B2", "'My Tab'!A1:B2"],
      ['My Tab!B2', "'My Tab'!B2"],
      ["'My Tab'!A:B", "'My Tab'!A1:B20"],
      ["'My Tab'!2:3", "'My Tab'!A2:D3"],
      ["'My Tab'!B2:C", "'My Tab'!B2:C20"],
      ["'My Tab'", "'My Tab'!A1:D20"],
      ['My Tab', "'My Tab'!A1:D20"],
      ['A1:B2', 'Sheet1!A1:B2'],
      ['my tab!A1', "'My Tab'!A1"],
      ["'My Tab'!A1:Z100", "'My Tab'!A1:D20"],
    ];
    for (const [asked, echoed] of cases) {
      expect((await get(asked)).data.range, asked).toBe(echoed);
    }
    expect((await get("'My Tab'!B1:B")).data.values).toEqual([['b'], ['d']]);
  });

  it('answers 400 "Unable to parse range" for ranges it cannot read and for unknown tabs', async () => {
    for (const range of ['Nope!A1', 'Sheet1!A0', "'My Tab'!A1:B2:C3", 'Sheet1!A:5', 'Missing tab']) {
      const error = await get(range).then(
        () => undefined,
        (e: { status?: number; response?: { data?: unknown } }) => e,
      );
      expect(error?.status, range).toBe(400);
      expect(error?.response?.data).toMatchObject({
        error: { code: 400, status: 'INVALID_ARGUMENT', message: `Unable to parse range: ${range}` },
      });
    }
  });
});
