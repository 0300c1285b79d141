import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Companion } from '../server/main.ts';
import type { SandboxHubSpot } from '../server/sandbox/hubspot/index.ts';
import type { SandboxSalesforce } from '../server/sandbox/salesforce/index.ts';
import type { SandboxSheets } from '../server/sandbox/sheets/index.ts';
import { defaultMapping, detectColumns } from '../shared/mapping/index.ts';
import {
  type AddonSession,
  connectedSheet,
  finishedJob,
  rowsOfTab,
  sandboxCompanion,
  sheetsUser,
} from './support/companion.ts';

/**
 * CRM and Google faults in the middle of real jobs, end to end through the companion: the sandbox CRMs'
 * and Sheets' fault switches act on the instances the companion serves. Each test asserts the outcome
 * (records written once, rows linked, job state), never how long the retries took.
 */
const HEADERS = ['Email', 'First Name', 'Last Name', 'Company', 'Rowbridge ID'];

let companion: Companion;
let dataDir = '';
let sheets: SandboxSheets;
let hubspot: SandboxHubSpot;
let salesforce: SandboxSalesforce;

interface Table {
  readonly session: AddonSession;
  readonly tableId: string;
  readonly spreadsheetId: string;
}
let hub: Table;
let sf: Table;

async function tableOn(crm: 'hubspot' | 'salesforce', crmObject: string): Promise<Table> {
  const spreadsheetId = sheets.state.createSpreadsheet({
    title: `Faults ${crm}`,
    tabs: [{ title: 'Leads', rows: [HEADERS] }],
  });
  const session = await connectedSheet(companion, dataDir, spreadsheetId, { crm });
  const created = await session.api('POST', '/api/v1/tables', {
    sheetTabId: 0,
    sheetTabName: 'Leads',
    connectionId: session.connectionId,
    crmObject,
    mapping: defaultMapping(crm, crmObject, detectColumns(HEADERS)),
    policy: 'manual',
    region: 'US',
  });
  expect(created.status).toBe(200);
  const tableId: string = created.body.id;
  expect((await session.api('POST', `/api/v1/tables/${tableId}/setup-fields`)).status).toBe(200);
  return { session, tableId, spreadsheetId };
}

beforeAll(async () => {
  ({ companion, dataDir } = await sandboxCompanion());
  if (!companion.sandboxCrms || !companion.sandboxSheets) throw new Error('not a sandbox companion');
  ({ hubspot, salesforce } = companion.sandboxCrms);
  sheets = sheetsUser(dataDir);
  hub = await tableOn('hubspot', 'contacts');
  sf = await tableOn('salesforce', 'Lead');
}, 90_000);

afterEach(() => {
  hubspot.faults.reset();
  salesforce.faults.reset();
  companion.sandboxSheets?.faults.reset();
});

afterAll(async () => {
  await companion?.close();
});

/** `count` sheet rows, unique to one test by `prefix`, as the add-on sends them for export. */
function rowsFor(prefix: string, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    rowId: `${prefix}-${i}`,
    rowNumber: i + 2,
    // No company: the in-sheet dedup would take rows of one company with similar names for one person.
    cells: { Email: `${prefix}${i}@faults.example`, 'First Name': `P${i}`, 'Last Name': prefix },
  }));
}

// biome-ignore lint/suspicious/noExplicitAny: job bodies are read freely; the contract check ran on the server.
async function exportRows(table: Table, rows: ReturnType<typeof rowsFor>): Promise<any> {
  const started = await table.session.api('POST', `/api/v1/tables/${table.tableId}/export`, { rows });
  expect(started.status).toBe(200);
  return finishedJob(table.session, started.body.job.id, 60_000);
}

/** Every row written once: one record per row id, and the job linked each row to a distinct record. */
function expectEachOnce(
  job: { status: string; result: { rows: { rowId: string; status: string; crmId?: string }[] } },
  rows: ReturnType<typeof rowsFor>,
  rowIdsInCrm: string[],
): void {
  expect(job.status).toBe('succeeded');
  expect(job.result.rows.filter((r) => r.status !== 'created')).toEqual([]);
  expect(new Set(job.result.rows.map((r) => r.crmId)).size).toBe(rows.length);
  expect(rowIdsInCrm.sort()).toEqual(rows.map((r) => r.rowId).sort());
}

const hubspotRowIds = (prefix: string) =>
  hubspot.state
    .list('contacts')
    .map((c) => String(c.properties.rowbridge_id ?? ''))
    .filter((id) => id.startsWith(`${prefix}-`));
const salesforceRowIds = (prefix: string) =>
  salesforce.state
    .list('Lead')
    .map((lead) => String(lead.Rowbridge_Id__c ?? ''))
    .filter((id) => id.startsWith(`${prefix}-`));

describe('HubSpot faults during an export', () => {
  it('refreshes a token that expires between two calls of the export, and finishes it', async () => {
    const rows = rowsFor('expiry', 250);
    const before = hubspot.faults.served();
    hubspot.faults.expireTokensAfter(2, { path: '/crm/' });
    const job = await exportRows(hub, rows);
    expectEachOnce(job, rows, hubspotRowIds('expiry'));
    expect(hubspot.faults.served().tokenExpiries - before.tokenExpiries).toBe(1);
  });

  it('waits out a 429 storm and writes every contact once', async () => {
    const rows = rowsFor('storm', 120);
    const before = hubspot.faults.served();
    // HubSpot sends no Retry-After for its ten-second limit: the client backs off by itself.
    hubspot.faults.force429(2, { path: '/crm/' });
    const job = await exportRows(hub, rows);
    expectEachOnce(job, rows, hubspotRowIds('storm'));
    expect(hubspot.faults.served().rateLimits - before.rateLimits).toBe(2);
  });

  it('retries 5xx bursts with backoff and writes every contact once', async () => {
    const rows = rowsFor('burst', 120);
    const before = hubspot.faults.served();
    hubspot.faults.fail5xx(2, { path: '/crm/', status: 502 });
    hubspot.faults.fail5xx(1, { path: '/crm/', status: 504 });
    const job = await exportRows(hub, rows);
    expectEachOnce(job, rows, hubspotRowIds('burst'));
    expect(hubspot.faults.served().serverErrors - before.serverErrors).toBe(3);
  });
});

describe('Salesforce faults during an export', () => {
  it('refreshes a session that expires in the middle of the export, and honours Retry-After on 429', async () => {
    const rows = rowsFor('sfexp', 250);
    const before = salesforce.faults.served();
    salesforce.faults.expireTokensAfter(2, { path: '/services/data/' });
    salesforce.faults.forceLimit(2, { status: 429, retryAfterSeconds: 1, path: '/services/data/' });
    const job = await exportRows(sf, rows);
    expectEachOnce(job, rows, salesforceRowIds('sfexp'));
    const served = salesforce.faults.served();
    expect(served.tokenExpiries - before.tokenExpiries).toBe(1);
    expect(served.rateLimits - before.rateLimits).toBe(2);
  });
});

describe('Google Sheets faults', () => {
  it('writes an import into the sheet through 429s from the Sheets API', async () => {
    hubspot.state.seed(
      'contacts',
      Array.from({ length: 5 }, (_, i) => ({
        email: `sheet${i}@faults.example`,
        firstname: `S${i}`,
        company: 'SheetQuota',
      })),
    );
    const quota = companion.sandboxSheets?.faults;
    const before = quota?.served().rateLimits ?? 0;
    quota?.force429(2, { retryAfterSeconds: 1 });
    const started = await hub.session.api('POST', `/api/v1/tables/${hub.tableId}/import`, {
      where: { company: ['SheetQuota'] },
    });
    const job = await finishedJob(hub.session, started.body.job.id, 60_000);
    expect(job.status).toBe('succeeded');
    expect(job.result).toMatchObject({ imported: 5, appended: 5 });
    const landed = rowsOfTab(sheets, hub.spreadsheetId, 'Leads').filter(
      (r) => r.cells.Company === 'SheetQuota',
    );
    expect(landed).toHaveLength(5);
    expect(new Set(landed.map((r) => r.rowId)).size).toBe(5);
    expect((quota?.served().rateLimits ?? 0) - before).toBe(2);
  });
});
