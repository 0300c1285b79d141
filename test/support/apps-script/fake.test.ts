import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../ports.ts';
import { type AppsScriptEnv, installAppsScript } from './index.ts';

// The fake must behave as Apps Script does wherever the add-on depends on it; these pin that down.
let env: AppsScriptEnv;

afterEach(async () => {
  await env?.restore();
});

describe('SpreadsheetApp fake', () => {
  it('counts rows and columns from 1 and answers 2-D arrays with empty strings for empty cells', () => {
    env = installAppsScript({ spreadsheet: { tabs: [{ name: 'T', rows: [['a', 'b'], ['c']] }] } });
    const sheet = SpreadsheetApp.getActive().getActiveSheet();
    expect(sheet.getRange(1, 1, 2, 3).getValues()).toEqual([
      ['a', 'b', ''],
      ['c', '', ''],
    ]);
    expect(sheet.getRange(2, 1).getValue()).toBe('c');
    expect([sheet.getLastRow(), sheet.getLastColumn(), sheet.getMaxRows(), sheet.getMaxColumns()]).toEqual([
      2, 2, 1000, 26,
    ]);
    expect(() => sheet.getRange(0, 1)).toThrow('Exception: The starting row of the range is too small.');
    expect(() => sheet.getRange(1, 1, 1001, 1)).toThrow(/outside the dimensions of the sheet/);
  });

  it('reads A1 notation: cells, boxes, whole columns and rows, open-ended ranges, quoted tab names', () => {
    env = installAppsScript({ spreadsheet: { tabs: [{ name: 'My tab' }] } });
    const ss = SpreadsheetApp.getActive();
    const sheet = ss.getActiveSheet();
    const box = (a1: string) => {
      const r = sheet.getRange(a1);
      return [r.getRow(), r.getColumn(), r.getNumRows(), r.getNumColumns()];
    };
    expect(box('B3')).toEqual([3, 2, 1, 1]);
    expect(box('$B$3:D5')).toEqual([3, 2, 3, 3]);
    expect(box('C:C')).toEqual([1, 3, 1000, 1]);
    expect(box('2:4')).toEqual([2, 1, 3, 26]);
    expect(box('A2:C')).toEqual([2, 1, 999, 3]);
    expect(ss.getRange("'My tab'!Z10").getA1Notation()).toBe('Z10');
    expect(() => ss.getRange("'My tab'!AA10")).toThrow(/outside the dimensions/);
    expect(() => sheet.getRange('not a range')).toThrow('Exception: Range not found');
  });

  it('keeps Date cells as dates and converts typed text on setValues, refusing a mismatched shape', () => {
    env = installAppsScript({ spreadsheet: { timeZone: 'America/New_York', tabs: [{ name: 'T' }] } });
    const range = SpreadsheetApp.getActive().getActiveSheet().getRange('A1:E1');
    const when = new Date('2025-01-02T15:00:00Z');
    range.setValues([[when, '12', "'12", '3/4/2025', 'text']]);
    const [[date, number, text, parsed, plain]] = range.getValues() as [[Date, number, string, Date, string]];
    expect(date.getTime()).toBe(when.getTime());
    expect(date).not.toBe(when);
    expect([number, text, plain]).toEqual([12, '12', 'text']);
    expect(parsed.toISOString()).toBe('2025-03-04T05:00:00.000Z');
    expect(() => range.setValues([['only one']])).toThrow(
      'Exception: The number of columns in the data does not match the number of columns in the range. The data has 1 but the range has 5.',
    );
  });

  it('fires installed edit triggers for user edits with Apps Script’s event object', () => {
    env = installAppsScript({ spreadsheet: { tabs: [{ name: 'T', rows: [['x']] }] } });
    const events: GoogleAppsScript.Events.SheetsOnEdit[] = [];
    ScriptApp.newTrigger('onSheetEdit').forSpreadsheet(SpreadsheetApp.getActive()).onEdit().create();
    const handlers = { onSheetEdit: (e: GoogleAppsScript.Events.SheetsOnEdit) => events.push(e) };
    env.userEdit('A1', [['y']], handlers);
    env.userEdit(
      'A2:B3',
      [
        ['1', '2'],
        ['3', '4'],
      ],
      handlers,
    );
    expect(events.map((e) => [e.range.getA1Notation(), e.value, e.oldValue])).toEqual([
      ['A1', 'y', 'x'],
      ['A2:B3', undefined, undefined],
    ]);
    expect(() => env.userEdit('A1', [['z']], {})).toThrow(/not a global function/);
    expect(() => ScriptApp.newTrigger('f').timeBased().everyMinutes(5)).toThrow(/once per hour/);
  });
});

describe('UrlFetchApp fake', () => {
  let server: ChildProcess;
  let base = '';

  beforeAll(async () => {
    // A server in another process: UrlFetchApp blocks this thread, so the server cannot live on it.
    const source = `require('node:http').createServer((q, s) => {
      let body = ''; q.on('data', (c) => (body += c)); q.on('end', () => {
        s.writeHead(q.url === '/missing' ? 404 : 200, { 'content-type': 'text/plain', 'x-seen': q.headers['x-test'] || '' });
        s.end(q.method + ' ' + q.url + ' ' + (q.headers['content-type'] || '') + ' ' + body);
      });
    }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
    server = spawn(process.execPath, ['-e', source]);
    const port = await new Promise<string>((resolve) =>
      server.stdout?.once('data', (d: Buffer) => resolve(d.toString().trim())),
    );
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(() => {
    server?.kill();
  });

  it('makes real requests synchronously and returns status, headers and body', () => {
    env = installAppsScript({ allowlist: [`${base}/`] });
    const response = UrlFetchApp.fetch(`${base}/echo`, {
      method: 'post',
      contentType: 'application/json',
      payload: '{"a":1}',
      headers: { 'X-Test': 'yes' },
    });
    expect(response.getResponseCode()).toBe(200);
    expect(response.getContentText()).toBe('POST /echo application/json {"a":1}');
    expect(response.getHeaders()).toMatchObject({ 'x-seen': 'yes' });
    expect(env.fetches).toEqual([
      expect.objectContaining({ method: 'POST', url: `${base}/echo`, status: 200 }),
    ]);
  });

  it('throws on HTTP errors unless muted, and refuses URLs outside the allowlist', () => {
    env = installAppsScript({ allowlist: [`${base}/`] });
    expect(() => UrlFetchApp.fetch(`${base}/missing`)).toThrow(/Request failed for .* returned code 404/);
    expect(UrlFetchApp.fetch(`${base}/missing`, { muteHttpExceptions: true }).getResponseCode()).toBe(404);
    expect(() => UrlFetchApp.fetch('https://elsewhere.example/')).toThrow(
      /not allowed by the urlFetchWhitelist/,
    );
  });

  it('reports a host that does not answer', async () => {
    env = installAppsScript();
    const dead = await freePort();
    expect(() => UrlFetchApp.fetch(`http://127.0.0.1:${dead}/`)).toThrow(/Address unavailable.*ECONNREFUSED/);
  });
});
