import { mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSandboxSheets } from './index.ts';
import { type ServedSheets, serveSheets } from './test-harness.ts';

const opened: ServedSheets[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((served) => served.close()));
});

async function stateFile(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'rowbridge-sheets-')), 'sandbox', 'sheets.json');
}

describe('state persistence', () => {
  it('shares one state file between instances: each sees the other’s writes on its next request', async () => {
    const file = await stateFile();
    const server = await serveSheets({ stateFile: file, quota: false });
    opened.push(server);
    const cli = createSandboxSheets({ stateFile: file });

    const spreadsheetId = cli.state.createSpreadsheet({
      title: 'Shared',
      tabs: [{ title: 'Leads', rows: [['Name'], ['Ann']] }],
    });
    const api = server.client();
    const seen = await api.spreadsheets.values.get({ spreadsheetId, range: 'Leads!A:A' });
    expect(seen.data.values).toEqual([['Name'], ['Ann']]);

    await api.spreadsheets.values.append({
      spreadsheetId,
      range: 'Leads!A1',
      valueInputOption: 'RAW',
      requestBody: { values: [['Bob']] },
    });
    expect(cli.state.grid(spreadsheetId, 'Leads')).toEqual([['Name'], ['Ann'], ['Bob']]);

    cli.state.editAsUser(spreadsheetId, 'Leads!A2', [['Ann (edited in the other process)']]);
    const again = await api.spreadsheets.values.get({ spreadsheetId, range: 'Leads!A2' });
    expect(again.data.values).toEqual([['Ann (edited in the other process)']]);

    // Written atomically, private to the user, no temp files left behind.
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(file, '..'))).toEqual(['sheets.json']);

    // A restart loads everything back.
    const restarted = createSandboxSheets({ stateFile: file });
    expect(restarted.state.spreadsheets()).toEqual([{ spreadsheetId, title: 'Shared', tabs: ['Leads'] }]);
    expect(restarted.state.grid(spreadsheetId, 'Leads')).toEqual([
      ['Name'],
      ['Ann (edited in the other process)'],
      ['Bob'],
    ]);
  });

  it('refuses a state file it cannot read instead of starting afresh over it', async () => {
    const file = await stateFile();
    createSandboxSheets({ stateFile: file });
    await writeFile(file, '{"version":1,');
    expect(() => createSandboxSheets({ stateFile: file })).toThrow(
      /Google Sheets state file .* not valid JSON; delete it/,
    );
    await writeFile(file, '{"version":2}');
    expect(() => createSandboxSheets({ stateFile: file })).toThrow(/unknown layout; delete it/);
  });
});

describe('what a user does in the sheet', () => {
  const rows = [
    ['Name', 'Score', 'Rowbridge ID'],
    ['Cy', 3, 'r3'],
    ['Ann', 1, 'r1'],
    ['Bob', 2, 'r2'],
  ];

  it('sorts below the header, inserts and deletes rows, renames the tab', () => {
    const { state } = createSandboxSheets();
    const id = state.createSpreadsheet({ tabs: [{ title: 'Leads', rows, rowCount: 10, columnCount: 4 }] });
    state.sortAsUser(id, 'Leads', { column: 'A' });
    expect(state.grid(id, 'Leads').map((r) => r[2])).toEqual(['Rowbridge ID', 'r1', 'r2', 'r3']);
    state.sortAsUser(id, 'Leads', { column: 'B', descending: true });
    expect(state.grid(id, 'Leads').map((r) => r[2])).toEqual(['Rowbridge ID', 'r3', 'r2', 'r1']);
    state.insertRowsAsUser(id, 'Leads', 2, 2);
    expect(state.grid(id, 'Leads').map((r) => r[2])).toEqual([
      'Rowbridge ID',
      undefined,
      undefined,
      'r3',
      'r2',
      'r1',
    ]);
    expect(state.tab(id, 'Leads').rowCount).toBe(12);
    state.deleteRowsAsUser(id, 'Leads', 2, 3);
    expect(state.grid(id, 'Leads').map((r) => r[2])).toEqual(['Rowbridge ID', 'r2', 'r1']);
    state.renameTabAsUser(id, 'Leads', 'Prospects');
    expect(state.spreadsheets()[0]?.tabs).toEqual(['Prospects']);
    expect(() => state.grid(id, 'Leads')).toThrow(/no tab "Leads"/);
  });

  it('types values as a user would, and refuses typing past the grid', () => {
    const { state } = createSandboxSheets();
    const id = state.createSpreadsheet({ tabs: [{ title: 'Leads', rows, rowCount: 5, columnCount: 3 }] });
    state.editAsUser(id, 'Leads!B2', [['=A1', '12'], [{ formula: '=B2+1', result: 13 }]]);
    expect(state.grid(id, 'Leads', 'UNFORMATTED_VALUE').slice(1, 3)).toEqual([
      ['Cy', '#NAME?', 12],
      ['Ann', 13, 'r1'],
    ]);
    expect(() => state.editAsUser(id, 'Leads!A6', [['x']])).toThrow(/exceeds grid limits/);
  });
});
