import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportProgress } from '../appsscript/src/sync/export.ts';
import { type AddonTestbed, addonTestbed } from './support/addon.ts';
import type { FakeSheet } from './support/apps-script/index.ts';
import { freePort } from './support/ports.ts';
import { waitFor } from './support/wait.ts';

/**
 * The add-on's server-side code as Apps Script runs it (in-memory SpreadsheetApp, PropertiesService,
 * ScriptApp, LockService; UrlFetchApp doing real HTTP) against a real companion in sandbox mode, started
 * as its own process: bind, connect, map, preview and export, live edits, a conflict and its resolution.
 */
const HEADERS = ['Email', 'First Name', 'Last Name', 'Company', 'Phone', 'City'];
const TAB = 'Prospects';

let bed: AddonTestbed;
let sheet: FakeSheet;
let tableId = '';

/** Waits for what the companion process does; a timeout shows its stderr. */
function until<T>(probe: () => T | undefined | false, what: string): Promise<T> {
  return waitFor(probe, what, { intervalMs: 100, context: () => bed.companion.stderr() });
}

/** Starts an export and follows its jobs as the sidebar does, until they finish. */
async function exportAll(dryRun: boolean): Promise<ExportProgress> {
  const started = bed.addon.startExport({ scope: 'all', dryRun });
  expect(started.nextRow).toBeNull();
  return until(() => {
    const progress = bed.addon.exportProgress([...started.jobIds], started.sheetId);
    return progress.finished ? progress : undefined;
  }, 'the export jobs');
}

const idOfRow = (row: number) => String(sheet.getRange(row, HEADERS.length + 1).getValue());
const contactOfRow = (row: number) =>
  bed.hubspot.state.list('contacts').find((c) => c.properties.rowbridge_id === idOfRow(row));

beforeAll(async () => {
  bed = await addonTestbed({
    tabs: [
      {
        name: TAB,
        rows: [
          HEADERS,
          ['ann@acme.example', 'Ann', 'Lee', 'Acme', '(415) 555-0101', 'Leeds'],
          ['carol@initech.example', 'Carol', 'New', 'Initech', '', 'Austin'],
          ['not-an-email', 'Bad', 'Row', '', '', ''],
          ['', '', '', '', '', ''],
          ['dan@globex.example', 'Dan', 'Ito', 'Globex', '', 'Osaka'],
        ],
      },
    ],
  });
  sheet = bed.env.spreadsheet.getActiveSheet();
}, 90_000);

afterAll(async () => {
  await bed?.close();
});

describe('the add-on against a real companion', () => {
  it('binds the spreadsheet once, keeps its secret in the document, and sends the identity token', () => {
    const status = bed.addon.getStatus();
    expect(status.error).toBeNull();
    expect(status.user).toBe('ann@acme.com');
    expect(status.connections).toEqual([]);
    bed.addon.getStatus();
    const binds = bed.env.fetches.filter((f) => f.url.endsWith('/api/v1/spreadsheets/bind'));
    expect(binds).toHaveLength(1);
    const stored = JSON.parse(bed.env.documentProperties.getProperty('rowbridge.sheetSecret') ?? '{}');
    expect(stored).toMatchObject({ spreadsheetId: bed.env.spreadsheet.getId() });
    expect(stored.secret.length).toBeGreaterThanOrEqual(32);
    const session = bed.env.fetches.find((f) => f.url.endsWith('/api/v1/session'));
    expect(session?.headers.Authorization).toMatch(/^Bearer ey/);
    expect(session?.headers['X-Rowbridge-Spreadsheet-Id']).toBe(bed.env.spreadsheet.getId());
    expect(session?.headers['X-Rowbridge-Sheet-Secret']).toBe(stored.secret);
  });

  it('connects HubSpot through the URL the connect route returns', async () => {
    await bed.connectHubSpot();
    const [connection] = bed.addon.getStatus().connections;
    expect(connection).toMatchObject({ crm: 'hubspot', crmLabel: 'HubSpot', status: 'active' });
  });

  it('pre-fills the mapping from the header row, each field with its direction', () => {
    const connectionId = bed.addon.getStatus().connections[0]?.id ?? '';
    const draft = bed.addon.draftMapping(connectionId, null);
    expect(draft).toMatchObject({
      crm: 'hubspot',
      object: 'contacts',
      tableId: null,
      policy: 'manual',
      region: 'US',
    });
    expect(draft.columns.map((c) => [c.header, c.field, c.direction, c.property])).toEqual([
      ['Email', 'email', 'both', 'email'],
      ['First Name', 'first_name', 'both', 'firstname'],
      ['Last Name', 'last_name', 'both', 'lastname'],
      ['Company', 'company', 'both', 'company'],
      ['Phone', 'phone', 'both', 'phone'],
      ['City', 'city', 'both', 'city'],
    ]);
  });

  it('refuses a mapping with a column mapped twice before sending it, naming the problem', () => {
    const connectionId = bed.addon.getStatus().connections[0]?.id ?? '';
    const columns = HEADERS.map((header) => ({ header, field: 'email', direction: 'both' as const }));
    expect(() =>
      bed.addon.saveTable({ connectionId, object: 'contacts', columns, policy: 'manual', region: 'US' }),
    ).toThrow(
      /^The field mapping has problems\..* Field "email" is mapped from two columns, "Email" and "First Name".*\(and 7 more\) \(mapping_invalid\)$/,
    );
    expect(bed.env.fetches.some((f) => f.method === 'POST' && f.url.endsWith('/api/v1/tables'))).toBe(false);
  });

  it('saves the table, creates the CRM properties and adds the hidden, warning-only Rowbridge ID column', () => {
    const status = bed.addon.getStatus();
    const connectionId = status.connections[0]?.id ?? '';
    const draft = bed.addon.draftMapping(connectionId, 'contacts');
    const saved = bed.addon.saveTable({
      connectionId,
      object: 'contacts',
      columns: draft.columns.map(({ header, field, direction }) => ({ header, field, direction })),
      policy: 'manual',
      region: 'US',
    });
    tableId = saved.tableId;
    expect(saved.propertiesCreated).toContain('contacts.rowbridge_id');
    expect(sheet.getRange(1, 7).getValue()).toBe('Rowbridge ID');
    expect(sheet.isColumnHiddenByUser(7)).toBe(true);
    const [protection] = sheet.getProtections('RANGE');
    expect(protection?.isWarningOnly()).toBe(true);
    expect(protection?.getRange().getColumn()).toBe(7);
    expect(bed.addon.getStatus().table).toMatchObject({ id: tableId, object: 'contacts' });
  });

  it('previews an export: creates, duplicates found and problems, writing nothing to HubSpot', async () => {
    bed.hubspot.state.seed('contacts', [
      { email: 'carol@initech.example', firstname: 'Carol', lastname: 'Old' },
    ]);
    const preview = await exportAll(true);
    expect(preview.failed).toBeNull();
    expect(preview.dryRun).toBe(true);
    // A dry run plans without asking HubSpot to validate values, so the bad email shows as a create here.
    expect(preview.counts).toMatchObject({ created: 3, updated: 1 });
    expect(preview.duplicates).toEqual([
      { row: 3, status: 'updated', message: expect.stringMatching(/Matches an existing record by email/) },
    ]);
    expect(bed.hubspot.state.list('contacts')).toHaveLength(1);
    // Every data row now has its ID (the blank row 5 none), so the real export matches the preview.
    expect([2, 3, 4, 5, 6].map(idOfRow).map((id) => id !== '')).toEqual([true, true, true, false, true]);
  });

  it('exports for real: creates and updates records keyed by the rows’ IDs and lists the rows HubSpot refused', async () => {
    const result = await exportAll(false);
    expect(result.counts).toMatchObject({ created: 2, updated: 1, failed: 1 });
    expect(result.problems).toEqual([{ row: 4, status: 'failed', message: expect.stringMatching(/email/i) }]);
    expect(contactOfRow(2)?.properties).toMatchObject({ email: 'ann@acme.example', firstname: 'Ann' });
    expect(contactOfRow(3)?.properties).toMatchObject({ email: 'carol@initech.example', lastname: 'New' });
    expect(bed.addon.getStatus().lastSync).not.toBeNull();
  });

  it('sends a live edit through the edit trigger to HubSpot within seconds', async () => {
    expect(bed.addon.setLiveSync(true)).toEqual({ liveSync: true });
    expect(bed.env.triggers.map((t) => [t.getHandlerFunction(), t.getEventType()])).toEqual([
      ['onSheetEdit', 'ON_EDIT'],
    ]);
    bed.env.userEdit(`'${TAB}'!B2`, [['Annie']], bed.addon);
    await until(() => contactOfRow(2)?.properties.firstname === 'Annie', 'the edit in HubSpot');
    expect(bed.addon.getStatus().waiting).toBe(0);
  });

  it('gives a pasted copy of a row its own ID instead of pushing it as the original', () => {
    const original = idOfRow(6);
    const copy = sheet.getRange(6, 1, 1, 7).getValues();
    bed.env.userEdit(`'${TAB}'!A8:G8`, copy, bed.addon);
    expect(idOfRow(6)).toBe(original);
    expect(idOfRow(8)).not.toBe(original);
    expect(idOfRow(8)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('records a conflict when the sheet and HubSpot changed the same field, and resolves it in the dialog', async () => {
    const contact = contactOfRow(2);
    bed.hubspot.state.editAsUser('contacts', contact?.id ?? '', { city: 'Paris' });
    bed.env.userEdit(`'${TAB}'!F2`, [['Oslo']], bed.addon);
    await until(() => bed.addon.getStatus().conflicts === 1, 'the conflict');
    const review = bed.addon.conflictReview();
    expect(review.conflicts).toEqual([
      expect.objectContaining({
        row: 2,
        field: 'city',
        label: 'City',
        header: 'City',
        base: 'Leeds',
        sheet: 'Oslo',
        crm: 'Paris',
      }),
    ]);
    expect(review.conflicts[0]?.reason).toMatch(/City/);
    const report = bed.addon.resolveConflicts([{ conflictId: review.conflicts[0]?.id ?? '', take: 'crm' }]);
    expect(report).toEqual({ resolved: 1, sheetCellsWritten: 1, crmPending: 0 });
    expect(sheet.getRange('F2').getValue()).toBe('Paris');
    expect(bed.addon.conflictReview().conflicts).toEqual([]);
  });

  it('sends a "keep the sheet\'s value" choice to HubSpot, and the next push finds no conflict', async () => {
    const contact = contactOfRow(3);
    bed.hubspot.state.editAsUser('contacts', contact?.id ?? '', { lastname: 'Crm' });
    bed.env.userEdit(`'${TAB}'!C3`, [['Sheet']], bed.addon);
    await until(() => bed.addon.getStatus().conflicts === 1, 'the conflict');
    const [conflict] = bed.addon.conflictReview().conflicts;
    expect(conflict).toMatchObject({ row: 3, field: 'last_name', sheet: 'Sheet', crm: 'Crm' });
    const report = bed.addon.resolveConflicts([{ conflictId: conflict?.id ?? '', take: 'sheet' }]);
    expect(report).toEqual({ resolved: 1, sheetCellsWritten: 0, crmPending: 1 });
    await until(() => contactOfRow(3)?.properties.lastname === 'Sheet', 'the chosen value in HubSpot');
    bed.env.userEdit(`'${TAB}'!F3`, [['Austin']], bed.addon);
    await until(() => contactOfRow(3)?.properties.city === 'Austin', 'the next edit in HubSpot');
    expect(bed.addon.getStatus().conflicts).toBe(0);
    expect(contactOfRow(3)?.properties.lastname).toBe('Sheet');
  });

  it('keeps edits waiting while the companion is down, and pushes the whole tab after an overflow', async () => {
    bed.env.documentProperties.setProperty(
      `rowbridge.pending.${sheet.getSheetId()}`,
      JSON.stringify({ ids: [], overflow: true }),
    );
    const build = (globalThis as unknown as { ROWBRIDGE_BUILD: { companionUrl: string } }).ROWBRIDGE_BUILD;
    const url = build.companionUrl;
    build.companionUrl = `http://127.0.0.1:${await freePort()}`;
    bed.env.allowlist.push(`${build.companionUrl}/`);
    try {
      const down = bed.addon.flushEdits();
      expect(down).toMatchObject({ pushed: 0, waiting: 1 });
      expect(down.error).toMatch(/\(companion_unreachable\)$/);
    } finally {
      build.companionUrl = url;
    }
    const status = bed.addon.getStatus();
    expect(status.waiting).toBe(sheet.getLastRow() - 1);
    const report = bed.addon.flushEdits();
    // Every non-blank row: 2, 3, 4, 6 and the pasted copy in 8.
    expect(report).toMatchObject({ pushed: 5, waiting: 0, error: null });
    expect(report.jobIds).toHaveLength(1);
    expect(bed.addon.getStatus().waiting).toBe(0);
  });

  it('imports CRM records by a property filter; the companion appends them to its copy of the tab', async () => {
    const [, , ginaId] = bed.hubspot.state.seed('contacts', [
      { email: 'erin@umbrella.example', firstname: 'Erin', lastname: 'Ko', city: 'York' },
      { email: 'frank@umbrella.example', firstname: 'Frank', lastname: 'Li', city: 'York' },
      // More than a sheet cell holds: reported back to the sidebar, not written, not linked.
      { email: 'gina@umbrella.example', firstname: 'Gina', lastname: 'x'.repeat(50_001), city: 'York' },
    ]);
    // The companion's copy of the tab gets the ID column the add-on added here (Google's copy would have it).
    bed.sandboxSheets.state.editAsUser(bed.env.spreadsheet.getId(), `'${TAB}'!G1`, [['Rowbridge ID']]);
    const { jobId, sheetId } = bed.addon.startImport({ property: 'city', values: ['York', ' '], limit: 10 });
    const sent = bed.env.fetches.find((f) => f.url.endsWith(`/tables/${tableId}/import`));
    expect(JSON.parse(sent?.body ?? '{}')).toEqual({ where: { city: ['York'] }, limit: 10 });
    const progress = await until(() => {
      const p = bed.addon.importProgress(jobId, sheetId);
      return p.finished ? p : undefined;
    }, 'the import job');
    expect(progress).toMatchObject({ failed: null, imported: 3, appended: 2, updated: 0, rowsWritten: 0 });
    expect(progress.refused).toEqual([
      { crmId: ginaId, message: expect.stringMatching(/"Last Name" is 50,001 characters long/) },
    ]);
    const grid = bed.sandboxSheets.state.grid(bed.env.spreadsheet.getId(), TAB);
    expect(grid.map((row) => row[0])).toEqual(
      expect.arrayContaining(['erin@umbrella.example', 'frank@umbrella.example']),
    );
    expect(grid.map((row) => row[0])).not.toContain('gina@umbrella.example');
    expect(() => bed.addon.startImport({ since: 'last week' })).toThrow(
      /"last week" is not a date.*\(invalid_input\)/,
    );
  });

  it('explains companion errors: a secret that no longer matches, an unreachable companion', async () => {
    const stored = bed.env.documentProperties.getProperty('rowbridge.sheetSecret') ?? '';
    bed.env.documentProperties.setProperty(
      'rowbridge.sheetSecret',
      JSON.stringify({ ...JSON.parse(stored), secret: 'x'.repeat(43) }),
    );
    expect(bed.addon.getStatus().error).toMatch(/secret no longer matches.*\(forbidden\)$/);
    bed.env.documentProperties.setProperty('rowbridge.sheetSecret', stored);
    const build = (globalThis as unknown as { ROWBRIDGE_BUILD: { companionUrl: string } }).ROWBRIDGE_BUILD;
    const url = build.companionUrl;
    build.companionUrl = `http://127.0.0.1:${await freePort()}`;
    bed.env.allowlist.push(`${build.companionUrl}/`);
    try {
      expect(bed.addon.getStatus().error).toMatch(/cannot be reached.*\(companion_unreachable\)$/);
    } finally {
      build.companionUrl = url;
    }
    expect(bed.addon.getStatus().error).toBeNull();
  });
});
