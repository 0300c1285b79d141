import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config.ts';
import { type Companion, startCompanion } from '../server/main.ts';
import { createLogger } from '../server/observability/logger.ts';
import { notificationsXml, type SandboxSalesforce } from '../server/sandbox/salesforce/index.ts';
import type { SandboxSheets } from '../server/sandbox/sheets/index.ts';
import { defaultMapping, detectColumns } from '../shared/mapping/index.ts';
import {
  type AddonSession,
  connectedSheet,
  finishedJob,
  rowsOfTab,
  salesforceUser,
  sandboxCompanion,
  sheetsUser,
} from './support/companion.ts';
import { waitFor } from './support/wait.ts';

/**
 * Salesforce end to end in sandbox mode: a sheet is connected to the sandbox org through the real OAuth
 * redirects (PKCE), a table on Lead gets its external id field from the Metadata API, rows are exported
 * through the API, a sales rep edits a Lead, the Outbound Message reaches the companion and the row
 * changes; a forged delivery is refused, a redelivery stored once, and the poll finds a change whose
 * Outbound Message was lost.
 */
const HEADERS = [
  'Email',
  'First Name',
  'Last Name',
  'Company',
  'Phone',
  'City',
  'Rowbridge ID',
  'Rowbridge Status',
];
const TAB = 'Leads';

let companion: Companion;
let dataDir = '';
let session: AddonSession;
let org: SandboxSalesforce;
let sheets: SandboxSheets;
let spreadsheetId = '';
let tableId = '';
let tenantId = '';
let webhookUrl = '';
const redirects: string[] = [];

const rowOf = (rowId: string) => rowsOfTab(sheets, spreadsheetId, TAB).find((row) => row.rowId === rowId);
const leadOf = (rowId: string) => org.state.list('Lead').find((lead) => lead.Rowbridge_Id__c === rowId);

async function inboxCount(notificationId?: string): Promise<number> {
  const { rows } = await companion.db.client.query<{ n: number }>(
    `select count(*)::int as n from inbox_events where source like 'salesforce:%'${notificationId ? ' and vendor_event_id = $1' : ''}`,
    notificationId ? [notificationId] : [],
  );
  return rows[0]?.n ?? 0;
}

async function pendingPolls(): Promise<{ startAfter: Date }[]> {
  const { rows } = await companion.db.client.query<{ start_after: Date | string }>(
    `select start_after from pgboss.job where name = 'crm-poll' and state = 'created' and data->>'tableId' = $1`,
    [tableId],
  );
  return rows.map((row) => ({ startAfter: new Date(row.start_after) }));
}

beforeAll(async () => {
  ({ companion, dataDir } = await sandboxCompanion());
  sheets = sheetsUser(dataDir);
  spreadsheetId = sheets.state.createSpreadsheet({
    title: 'Outreach',
    tabs: [
      {
        title: TAB,
        rows: [
          HEADERS,
          ['ann@acme.example', 'Ann', 'Lee', 'Acme', '(415) 555-0101', 'Leeds', 'row-1', ''],
          ['bo@initech.example', 'Bo', 'Ng', 'Initech', '', 'Austin', 'row-2', ''],
        ],
      },
    ],
  });
  session = await connectedSheet(companion, dataDir, spreadsheetId, { crm: 'salesforce', redirects });
  org = salesforceUser(dataDir);
}, 60_000);

afterAll(async () => {
  await org?.close();
  await companion?.close();
});

describe('Salesforce end to end through the companion', () => {
  it('connects through the org’s OAuth pages with PKCE and shows the Outbound Message URL', async () => {
    const authorize = new URL(redirects.find((url) => url.includes('/services/oauth2/authorize')) ?? '');
    expect(authorize.origin + authorize.pathname).toBe(
      `${companion.url}/sandbox/salesforce/services/oauth2/authorize`,
    );
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const { body } = await session.api('GET', `/api/v1/connections/${session.connectionId}`);
    expect(body).toMatchObject({ crm: 'salesforce', status: 'active', accountId: org.organizationId });
    webhookUrl = body.webhookUrl;
    const url = new URL(webhookUrl);
    expect(url.pathname).toBe(`/webhooks/salesforce/outbound/${session.connectionId}`);
    expect(url.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const [stored] = await companion.db.repos.connections.findByAccount('salesforce', org.organizationId);
    expect(stored).toMatchObject({
      instanceUrl: `${companion.url}/sandbox/salesforce`,
      loginUrl: `${companion.url}/sandbox/salesforce`,
      crmUserId: org.apiUserId,
    });
    tenantId = stored?.tenantId ?? '';
    expect(JSON.stringify(body)).not.toMatch(/access|refresh|secret/i);

    // Sandbox mode connects only its own org: no real Salesforce host, and nothing that is not one.
    for (const loginUrl of ['https://login.salesforce.com', 'https://evil.example']) {
      const refused = await session.api(
        'POST',
        `/api/v1/connections/connect/salesforce?loginUrl=${encodeURIComponent(loginUrl)}`,
      );
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('invalid_input');
    }
  });

  it('creates a table on Lead and the Rowbridge_Id__c external id field once, through the Metadata API', async () => {
    const mapping = defaultMapping('salesforce', 'Lead', detectColumns(HEADERS));
    const created = await session.api('POST', '/api/v1/tables', {
      sheetTabId: 0,
      sheetTabName: TAB,
      connectionId: session.connectionId,
      crmObject: 'Lead',
      mapping,
      policy: 'manual',
      region: 'US',
    });
    expect(created.status).toBe(200);
    tableId = created.body.id;
    // The table's poll is queued at once, for the end of the current interval.
    const [poll] = await pendingPolls();
    expect(poll?.startAfter.getTime()).toBeGreaterThan(Date.now());

    const first = await session.api('POST', `/api/v1/tables/${tableId}/setup-fields`);
    expect(first.status).toBe(200);
    expect(first.body.objects.Lead.created).toContain('Rowbridge_Id__c');
    const again = await session.api('POST', `/api/v1/tables/${tableId}/setup-fields`);
    expect(again.body.objects.Lead.created).toEqual([]);
  });

  it('exports the rows as Leads through the API', async () => {
    const rows = rowsOfTab(sheets, spreadsheetId, TAB).map(({ rowId, rowNumber, cells }) => ({
      rowId,
      rowNumber,
      cells,
    }));
    const started = await session.api('POST', `/api/v1/tables/${tableId}/export`, { rows });
    expect(started.status).toBe(200);
    const job = await finishedJob(session, started.body.job.id);
    expect(job.status).toBe('succeeded');
    expect(job.result.rows.map((r: { status: string }) => r.status)).toEqual(['created', 'created']);
    expect(leadOf('row-1')).toMatchObject({ LastName: 'Lee', Company: 'Acme', City: 'Leeds' });
  });

  it('sends a sales rep’s edit to its row through the Outbound Message', async () => {
    org.setOutboundTarget(webhookUrl);
    org.state.editAsUser('Lead', String(leadOf('row-1')?.Id), { City: 'Dallas' });
    await org.flushOutbound();
    const [attempt] = org.state.outboundAttempts().slice(-1);
    expect(attempt).toMatchObject({ outcome: 200, acked: true });
    await waitFor(() => (rowOf('row-1')?.cells.City === 'Dallas' ? true : undefined));
    const audit = await session.api('GET', `/api/v1/tables/${tableId}/audit?rowId=row-1`);
    expect(
      audit.body.entries.map((e: { action: string; field: string }) => `${e.action} ${e.field}`),
    ).toContain('merge.write_sheet city');
  });

  it('refuses a forged token with a SOAP fault and stores nothing', async () => {
    const before = await inboxCount();
    const lead = leadOf('row-1') ?? {};
    const body = notificationsXml({
      organizationId: org.organizationId,
      actionId: '04k8d00000000AAA',
      instanceUrl: 'https://sandbox.rowbridge.test',
      version: '62.0',
      object: 'Lead',
      notifications: [{ id: '04l8dFORGED0000AAA', fields: { ...lead, City: 'Forged' } }],
    });
    const forged = new URL(webhookUrl);
    forged.searchParams.set('token', 'A'.repeat(43));
    const otherConnection = new URL(webhookUrl);
    otherConnection.pathname = '/webhooks/salesforce/outbound/00000000-0000-0000-0000-000000000000';
    for (const url of [forged, otherConnection]) {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).toContain('<faultcode>soapenv:Client</faultcode>');
      expect(text).not.toContain('<Ack>true</Ack>');
    }
    expect(await inboxCount()).toBe(before);
  });

  it('stores a redelivered notification once', async () => {
    const [delivered] = org.state.outboundAttempts().slice(-1);
    const notificationId = delivered?.notificationIds[0] ?? '';
    const body = notificationsXml({
      organizationId: org.organizationId,
      actionId: '04k8d00000000AAA',
      instanceUrl: 'https://sandbox.rowbridge.test',
      version: '62.0',
      object: 'Lead',
      notifications: [{ id: notificationId, fields: leadOf('row-1') ?? {} }],
    });
    for (let i = 0; i < 2; i += 1) {
      const again = await fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body,
      });
      expect(again.status).toBe(200);
      expect(await again.text()).toContain('<Ack>true</Ack>');
    }
    expect(await inboxCount(notificationId)).toBe(1);
  });

  it('finds a change whose Outbound Message was lost on the next poll', async () => {
    org.setOutboundTarget(undefined);
    org.state.editAsUser('Lead', String(leadOf('row-2')?.Id), { City: 'Boston' });
    await org.flushOutbound();
    expect(rowOf('row-2')?.cells.City).toBe('Austin');
    // The poll the queue would run at the end of the interval, run now instead of waiting minutes.
    await companion.queue.send('crm-poll', { tenantId, tableId }, { key: session.connectionId });
    await waitFor(() => (rowOf('row-2')?.cells.City === 'Boston' ? true : undefined));
    // The cursor moves once the whole listing is merged, which can be just after the row shows the change.
    const polledAfter = Date.now() - 60_000;
    await waitFor(async () => {
      const table = await companion.db.repos.tables.get(tenantId, tableId);
      return Date.parse(table?.cursors.crm ?? '') > polledAfter ? true : undefined;
    });
    // The run queued the next one: still exactly one per slot.
    await waitFor(async () => ((await pendingPolls()).length === 1 ? true : undefined));
  });

  it('marks the row archived when the poll finds its Lead deleted (Salesforce sends no message on delete)', async () => {
    org.setOutboundTarget(undefined);
    org.state.deleteAsUser('Lead', String(leadOf('row-1')?.Id));
    await companion.queue.send('crm-poll', { tenantId, tableId }, { key: session.connectionId });
    const status = await waitFor(() => {
      const cell = rowOf('row-1')?.cells['Rowbridge Status'];
      return typeof cell === 'string' && cell.startsWith('Archived') ? cell : undefined;
    });
    expect(status).toMatch(/deleted in Salesforce/);
    expect(rowOf('row-1')?.cells.Email).toBe('ann@acme.example');
  });

  it('keeps the poll scheduled across a restart, and reaches the sandbox org at the new address', async () => {
    const before = await pendingPolls();
    await companion.close();
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', ROWBRIDGE_DATA_DIR: dataDir });
    // Pinned before the queued slot, so the slot computed at start is the same one, whatever the time.
    const slot = before[0]?.startAfter.getTime() ?? 0;
    companion = await startCompanion(config, createLogger({ level: 'silent' }), { now: () => slot - 1000 });
    const after = await pendingPolls();
    expect(after).toHaveLength(1);
    expect(after[0]?.startAfter.getTime()).toBe(before[0]?.startAfter.getTime());

    org.setOutboundTarget(undefined);
    org.state.editAsUser('Lead', String(leadOf('row-2')?.Id), { City: 'Denver' });
    await companion.queue.send('crm-poll', { tenantId, tableId }, { key: session.connectionId });
    await waitFor(() => (rowOf('row-2')?.cells.City === 'Denver' ? true : undefined));
  });
});
