import { afterEach, describe, expect, it } from 'vitest';
import { type AppsScriptEnv, installAppsScript } from '../../../test/support/apps-script/index.ts';
import { deadlineIn } from '../deadline.ts';
import { addPending, PENDING_LIMIT, readPending } from '../live/pending.ts';
import { toSheetCell, toWireCell } from './cells.ts';
import { ensureIdColumn, idFor, readIdIndex } from './id-column.ts';
import { readChunks, selectedRows, spansOf } from './rows.ts';
import { writeRowsById } from './write.ts';

// The add-on's sheet code against the in-memory Apps Script (no companion needed).
let env: AppsScriptEnv;

function open(rows: unknown[][], timeZone = 'Etc/UTC') {
  env = installAppsScript({ spreadsheet: { timeZone, tabs: [{ name: 'Leads', rows }] } });
  return env.spreadsheet.getActiveSheet() as unknown as GoogleAppsScript.Spreadsheet.Sheet;
}

afterEach(async () => {
  await env?.restore();
});

describe('cells to the API and back', () => {
  it('sends date cells as the calendar day in the spreadsheet’s zone, not shifted to UTC', () => {
    const sheet = open([['Next call'], ['2025-03-04'], ['']], 'Europe/Berlin');
    const [[date], [empty]] = sheet.getRange(2, 1, 2, 1).getValues() as [[Date], [string]];
    expect(date).toBeInstanceOf(Date);
    expect(date.toISOString()).toBe('2025-03-03T23:00:00.000Z');
    expect(toWireCell(date, 'Europe/Berlin')).toBe('2025-03-04');
    expect(toWireCell(new Date('2025-03-04T08:30:00Z'), 'Europe/Berlin')).toBe('2025-03-04T09:30:00+01:00');
    expect(toWireCell(new Date('2025-07-04T08:30:00Z'), 'Etc/UTC')).toBe('2025-07-04T08:30:00Z');
    expect(toWireCell(new Date(Number.NaN), 'Etc/UTC')).toBeNull();
    expect(empty).toBe('');
    expect([toWireCell(empty, 'Etc/UTC'), toWireCell(42, 'Etc/UTC'), toWireCell(true, 'Etc/UTC')]).toEqual([
      '',
      42,
      true,
    ]);
  });

  it('writes CRM text as text: a formula, a phone number, a zip code or a date never turn into something else', () => {
    const sheet = open([['A']]);
    const texts = [
      '=IMPORTXML("https://x.example","//a")',
      '+1 415 555 0101',
      '00123',
      '2025-03-04',
      'TRUE',
      'Acme',
    ];
    const range = sheet.getRange(2, 1, texts.length, 1);
    range.setValues(texts.map((t) => [t]));
    // Written as typed, Sheets would keep none of the first five (this is what the apostrophe prevents).
    expect(range.getValues().map(([v]) => v)).toEqual([
      '#NAME?',
      '#NAME?',
      123,
      expect.any(Date),
      true,
      'Acme',
    ]);
    range.setValues(texts.map((t) => [toSheetCell(t)]));
    expect(range.getValues().map(([v]) => v)).toEqual(texts);
    expect([toSheetCell(42), toSheetCell(null), toSheetCell(false)]).toEqual([42, '', false]);
  });
});

describe('the Rowbridge ID column', () => {
  it('is added after the last column, hidden and protected with a warning only, once', () => {
    const sheet = open([
      ['Email', 'Name'],
      ['a@x.example', 'A'],
    ]);
    const layout = ensureIdColumn(sheet);
    expect(layout.idColumn).toBe(3);
    expect(sheet.getRange('C1').getValue()).toBe('Rowbridge ID');
    expect(sheet.isColumnHiddenByUser(3)).toBe(true);
    const protections = sheet.getProtections(SpreadsheetApp.ProtectionType.RANGE);
    expect(protections.map((p) => [p.isWarningOnly(), p.getRange().getA1Notation()])).toEqual([
      [true, 'C1:C1000'],
    ]);
    expect(ensureIdColumn(sheet).idColumn).toBe(3);
    expect(sheet.getProtections(SpreadsheetApp.ProtectionType.RANGE)).toHaveLength(1);
  });

  it('is found under a variant header, and a full-width tab gets a new column for it', () => {
    expect(ensureIdColumn(open([['Email', 'Rowbridge ID (do not edit)']])).idColumn).toBe(2);
    const wide = open([Array.from({ length: 26 }, (_, i) => `Col ${i + 1}`)]);
    expect(wide.getMaxColumns()).toBe(26);
    expect(ensureIdColumn(wide).idColumn).toBe(27);
    expect(wide.getMaxColumns()).toBe(27);
  });

  it('keeps the first of two rows sharing an ID and gives the copy a new one', () => {
    const sheet = open([
      ['Email', 'Rowbridge ID'],
      ['a@x.example', 'id-1'],
      ['b@x.example', 'id-2'],
      ['a@x.example', 'id-1'],
    ]);
    const index = readIdIndex(sheet, 2);
    expect(index.get('id-1')).toEqual([2, 4]);
    expect(idFor('id-1', 2, index)).toEqual({ id: 'id-1', changed: undefined });
    expect(idFor('id-1', 4, index)).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      changed: 'renewed',
    });
    expect(idFor('', 5, index).changed).toBe('new');
    // The row a user just pasted is the copy, even when it sits above the original.
    expect(idFor('id-1', 2, index, (row) => row === 2).changed).toBe('renewed');
  });
});

describe('reading and writing rows', () => {
  it('reads selected rows in chunks and stops at the deadline, saying where to continue', () => {
    const rows = [['Email'], ...Array.from({ length: 30 }, (_, i) => [`p${i}@x.example`])];
    const sheet = open(rows);
    env.spreadsheet.selectRanges(['A1:A3', 'A10:A12', 'B5:B5', 'A40:A50']);
    expect(selectedRows(sheet)).toEqual([
      { first: 2, last: 3 },
      { first: 5, last: 5 },
      { first: 10, last: 12 },
    ]);
    const all = [...readChunks(sheet, [{ first: 2, last: 31 }], 1, deadlineIn(60_000), 8)];
    expect(all.map((c) => [c.firstRow, c.values.length])).toEqual([
      [2, 8],
      [10, 8],
      [18, 8],
      [26, 6],
    ]);
    expect(all[1]?.values[0]).toEqual(['p8@x.example']);
    let clock = 0;
    const deadline = deadlineIn(2, () => clock);
    const chunks = readChunks(sheet, [{ first: 2, last: 31 }], 1, deadline, 8);
    expect(chunks.next().value).toMatchObject({ firstRow: 2 });
    clock = 5;
    expect(chunks.next()).toEqual({ done: true, value: 10 });
    expect(spansOf([9, 3, 4, 4, 7, 8])).toEqual([
      { first: 3, last: 4 },
      { first: 7, last: 9 },
    ]);
  });

  it('writes only the named cells of rows found by ID, appends new IDs, and reports missing and duplicated IDs', () => {
    const sheet = open([
      ['Email', 'Total', 'City', 'Rowbridge ID'],
      ['a@x.example', '=1+1', 'Leeds', 'id-1'],
      ['b@x.example', '', 'York', 'id-2'],
      ['c@x.example', '', 'Rome', 'id-3'],
      ['c@x.example', '', 'Rome', 'id-3'],
    ]);
    const report = writeRowsById(
      sheet,
      [
        { rowId: 'id-2', cells: { city: 'Paris', Unknown: 'x' } },
        { rowId: 'id-1', cells: { City: 'Oslo' } },
        { rowId: 'id-3', cells: { City: 'Bern' } },
        { rowId: 'gone', cells: { City: 'Nowhere' } },
      ],
      { append: false },
    );
    expect(report).toEqual({ written: 2, appended: 0, missing: ['gone'], duplicate: ['id-3'] });
    expect(
      sheet
        .getRange('C2:C5')
        .getValues()
        .map(([v]) => v),
    ).toEqual(['Oslo', 'Paris', 'Rome', 'Rome']);
    // The formula next to a written cell is still a formula: writes never round-trip other cells.
    expect(sheet.getRange('B2').getFormulas()).toEqual([['=1+1']]);
    const appended = writeRowsById(
      sheet,
      [{ rowId: 'id-9', cells: { Email: 'n@x.example', City: '=HACK()' } }],
      { append: true },
    );
    expect(appended).toMatchObject({ appended: 1 });
    expect(sheet.getRange('A6:D6').getValues()).toEqual([['n@x.example', '', '=HACK()', 'id-9']]);
  });
});

describe('edited rows waiting to be pushed', () => {
  it('are remembered up to the limit, then the tab is marked for a full push instead', () => {
    open([['Email']]);
    const ids = (n: number, from = 0) =>
      Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(from + i).padStart(12, '0')}`);
    expect(addPending(0, ids(PENDING_LIMIT)).ids).toHaveLength(PENDING_LIMIT);
    // The limit keeps the value under Apps Script's 9 KB per property, which the fake enforces.
    expect(() => env.documentProperties.setProperty('big', 'x'.repeat(9 * 1024 + 1))).toThrow(/quota/);
    expect(addPending(0, ids(1, PENDING_LIMIT))).toEqual({ ids: [], overflow: true });
    expect(readPending(0)).toEqual({ ids: [], overflow: true });
  });
});
