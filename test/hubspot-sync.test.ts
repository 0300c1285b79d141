import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Companion } from '../server/main.ts';
import type { SandboxHubSpot } from '../server/sandbox/hubspot/index.ts';
import type { SandboxSheets } from '../server/sandbox/sheets/index.ts';
import {
  type AddonSession,
  connectedSheet,
  deliverHubSpotWebhook,
  finishedJob,
  hubspotContactsTable,
  hubspotUser,
  rowsOfTab,
  sandboxCompanion,
  sheetsUser,
} from './support/companion.ts';
import { waitFor } from './support/wait.ts';

/**
 * HubSpot end to end in sandbox mode, as the add-on and a sales rep live it: a real sheet (the sandbox
 * Google Sheets, reached by the companion through googleapis) is exported through the API, a rep edits
 * and deletes contacts in HubSpot, the signed webhooks reach the companion, and the rows change.
 */
const HEADERS = [
  'Email',
  'First Name',
  'Last Name',
  'Company',
  'Phone',
  'City',
  'Last Contacted',
  'Rowbridge ID',
  'Rowbridge Status',
];
const TAB = 'Prospects';

let companion: Companion;
let dataDir = '';
let session: AddonSession;
let portal: SandboxHubSpot;
let sheets: SandboxSheets;
let spreadsheetId = '';
let tableId = '';

const rowOf = (rowId: string) => rowsOfTab(sheets, spreadsheetId, TAB).find((row) => row.rowId === rowId);
const contactOf = (rowId: string) =>
  portal.state.list('contacts').find((contact) => contact.properties.rowbridge_id === rowId);

async function exportSheet(): Promise<{
  status: string;
  result: { rows: { rowId: string; status: string }[] };
}> {
  const rows = rowsOfTab(sheets, spreadsheetId, TAB).map(({ rowId, rowNumber, cells }) => ({
    rowId,
    rowNumber,
    cells,
  }));
  const started = await session.api('POST', `/api/v1/tables/${tableId}/export`, { rows });
  expect(started.status).toBe(200);
  return finishedJob(session, started.body.job.id);
}

beforeAll(async () => {
  ({ companion, dataDir } = await sandboxCompanion({ inboxSweepMs: 500 }));
  sheets = sheetsUser(dataDir);
  spreadsheetId = sheets.state.createSpreadsheet({
    title: 'Outreach',
    tabs: [
      {
        title: TAB,
        rows: [
          HEADERS,
          ['ann@acme.example', 'Ann', 'Lee', 'Acme', '(415) 555-0101', 'Leeds', '', 'row-1', ''],
          ['CAROL@initech.example', 'Carol', 'New', 'Initech', '', 'Austin', '', 'row-2', ''],
          ['bad-email', 'Bad', 'Row', '', '', '', '', 'row-3', ''],
        ],
      },
    ],
  });
  session = await connectedSheet(companion, dataDir, spreadsheetId);
  portal = hubspotUser(companion, dataDir);
  tableId = await hubspotContactsTable(session, { name: TAB, headers: HEADERS }, { setupFields: false });
}, 60_000);

afterAll(async () => {
  await portal?.close();
  await companion?.close();
});

describe('HubSpot end to end through the companion', () => {
  it('connects with a private app token, after checking it with HubSpot', async () => {
    const token = portal.state.createPrivateAppToken();
    const connected = await session.api('POST', '/api/v1/connections/token', { crm: 'hubspot', token });
    expect(connected.status).toBe(200);
    expect(connected.body).toMatchObject({
      crm: 'hubspot',
      accountId: String(portal.portalId),
      status: 'active',
    });
    expect(JSON.stringify(connected.body)).not.toContain(token);
    const refused = await session.api('POST', '/api/v1/connections/token', {
      crm: 'hubspot',
      token: 'pat-na1-not-a-real-token',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('auth_expired');
    await session.api('DELETE', `/api/v1/connections/${connected.body.id}`);
  });

  it('creates the custom properties once', async () => {
    const first = await session.api('POST', `/api/v1/tables/${tableId}/setup-fields`);
    expect(first.status).toBe(200);
    expect(first.body.objects.contacts.created).toContain('rowbridge_id');
    const again = await session.api('POST', `/api/v1/tables/${tableId}/setup-fields`);
    expect(again.body.objects.contacts.created).toEqual([]);
  });

  it('exports the sheet as a job, dedups against HubSpot, and links every row it wrote', async () => {
    const [existing] = portal.state.seed('contacts', [
      { email: 'carol@initech.example', firstname: 'Carol', lastname: 'Old' },
    ]);
    const job = await exportSheet();
    expect(job.status).toBe('succeeded');
    expect(job.result.rows.map((r) => r.status)).toEqual(['created', 'updated', 'failed']);
    expect(job.result.rows[1]).toMatchObject({ crmId: existing, match: 'email' });
    expect(job.result.rows[2]).toMatchObject({ error: { code: 'crm_rejected' } });
    expect(portal.state.get('contacts', existing ?? '')?.properties).toMatchObject({
      rowbridge_id: 'row-2',
      lastname: 'New',
    });
    const audit = await session.api('GET', `/api/v1/tables/${tableId}/audit?rowId=row-2`);
    expect(audit.body.entries.some((e: { action: string }) => e.action === 'export.updated')).toBe(true);
  });

  it('sends a HubSpot edit to its row through the signed webhook, and a sheet edit to HubSpot on export', async () => {
    const ann = contactOf('row-1');
    portal.state.editAsUser('contacts', ann?.id ?? '', { city: 'Dallas' });
    await portal.flushWebhooks();
    await waitFor(() => (rowOf('row-1')?.cells.City === 'Dallas' ? true : undefined));

    sheets.state.editAsUser(spreadsheetId, `'${TAB}'!B2`, [['Annie']]);
    const job = await exportSheet();
    expect(job.result.rows.find((r) => r.rowId === 'row-1')?.status).toBe('updated');
    expect(contactOf('row-1')?.properties).toMatchObject({ firstname: 'Annie', city: 'Dallas' });
    const audit = await session.api('GET', `/api/v1/tables/${tableId}/audit?rowId=row-1`);
    const actions = audit.body.entries.map(
      (e: { action: string; field: string }) => `${e.action} ${e.field}`,
    );
    expect(actions).toEqual(expect.arrayContaining(['merge.write_sheet city', 'merge.write_crm first_name']));
  });

  it("retries a webhook round that failed on Sheets without waiting out the events' lease", async () => {
    // The companion's own sandbox Sheets (the one it calls), not this test's view of the same state file.
    const served = companion.sandboxSheets?.faults;
    if (!served) throw new Error('the companion runs without sandbox Sheets');
    served.deny(1, { path: /values/ });
    const ann = contactOf('row-1');
    portal.state.editAsUser('contacts', ann?.id ?? '', { city: 'Denver' });
    await portal.flushWebhooks();
    // The first round is refused; the job's retry (2 s later) must find the released events.
    await waitFor(() => (rowOf('row-1')?.cells.City === 'Denver' ? true : undefined));
    expect(served.served().denials).toBe(1);
    served.reset();
    // A refused round is not the event's fault: it did not cost the event one of its 10 attempts.
    const { rows } = await companion.db.client.query<{ attempts: number }>(
      "select attempts from inbox_events where payload->>'objectId' = $1 order by seq desc limit 1",
      [ann?.id],
    );
    expect(rows[0]?.attempts).toBe(1);
  });

  it('applies an event whose wake-up was lost on the next sweep, without another webhook', async () => {
    const ann = contactOf('row-1');
    const { rows } = await companion.db.client.query<{ payload: Record<string, unknown> }>(
      "select payload, source, tenant_id, connection_id from inbox_events where payload->>'objectId' = $1 order by seq desc limit 1",
      [ann?.id],
    );
    const stored = rows[0] as unknown as {
      payload: Record<string, unknown>;
      source: string;
      tenant_id: string;
      connection_id: string;
    };
    // No webhook for this edit: the event below is the only way the change can reach the row.
    portal.setWebhookTarget(undefined);
    portal.state.editAsUser('contacts', ann?.id ?? '', { city: 'Tromsø' });
    await portal.flushWebhooks();
    portal.setWebhookTarget(`${companion.url}/webhooks/hubspot`);
    // Stored as the webhook route stores it, but nobody is woken: a crash between the two, or a run that
    // gave up on an outage, leaves events like this.
    await companion.db.repos.inbox.insert({
      source: stored.source,
      vendorEventId: 'lost-wake-up-1',
      payload: { ...stored.payload, eventId: 'lost-wake-up-1', occurredAt: new Date().toISOString() },
      tenantId: stored.tenant_id,
      connectionId: stored.connection_id,
    });
    await waitFor(() => (rowOf('row-1')?.cells.City === 'Tromsø' ? true : undefined));
  });

  it('records a conflict when both sides changed a field, touching neither (policy manual)', async () => {
    sheets.state.editAsUser(spreadsheetId, `'${TAB}'!F2`, [['Oslo']]);
    portal.state.editAsUser('contacts', contactOf('row-1')?.id ?? '', { city: 'Paris' });
    await portal.flushWebhooks();
    const conflicts = await waitFor(async () => {
      const { body } = await session.api('GET', `/api/v1/tables/${tableId}/conflicts`);
      return body.conflicts.length > 0 ? body.conflicts : undefined;
    });
    expect(conflicts[0]).toMatchObject({
      rowId: 'row-1',
      field: 'city',
      sheet: { value: 'Oslo' },
      crm: { value: 'Paris' },
    });
    expect(rowOf('row-1')?.cells.City).toBe('Oslo');
    expect(contactOf('row-1')?.properties.city).toBe('Paris');
  });

  it('writes a resolved conflict to the side that lacked the chosen value, and the next sync agrees', async () => {
    const { body } = await session.api('GET', `/api/v1/tables/${tableId}/conflicts`);
    const [conflict] = body.conflicts;
    const resolved = await session.api('POST', `/api/v1/tables/${tableId}/conflicts/resolve`, {
      resolutions: [{ conflictId: conflict.id, take: 'sheet' }],
    });
    expect(resolved.body).toMatchObject({ resolved: 1, conflicts: [{ writeCrm: true, writeSheet: false }] });
    await waitFor(() => (contactOf('row-1')?.properties.city === 'Oslo' ? true : undefined));
    await portal.flushWebhooks();
    const job = await exportSheet();
    expect(job.result.rows.find((r) => r.rowId === 'row-1')?.status).toBe('unchanged');
    expect(rowOf('row-1')?.cells.City).toBe('Oslo');
    const open = await session.api('GET', `/api/v1/tables/${tableId}/conflicts`);
    expect(open.body.conflicts).toEqual([]);
  });

  it('marks the row archived when its contact is deleted in HubSpot, keeping the row', async () => {
    portal.state.deleteAsUser('contacts', contactOf('row-2')?.id ?? '');
    await portal.flushWebhooks();
    const status = await waitFor(() => {
      const cell = rowOf('row-2')?.cells['Rowbridge Status'];
      return typeof cell === 'string' && cell.startsWith('Archived') ? cell : undefined;
    });
    expect(status).toMatch(/deleted in HubSpot/);
    expect(rowOf('row-2')?.cells.Email).toBe('CAROL@initech.example');
  });

  it('refuses a forged webhook and ignores a redelivered one', async () => {
    const forged = await fetch(`${companion.url}/webhooks/hubspot`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubspot-request-timestamp': String(Date.now()),
        'x-hubspot-signature-v3': 'AAAA',
      },
      body: '[]',
    });
    expect(forged.status).toBe(401);
    const [attempt] = portal.state.webhookAttempts().slice(-1);
    if (!attempt) throw new Error('no webhook was sent');
    const again = await deliverHubSpotWebhook(companion, attempt.body);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ stored: 0 });
  });

  it('imports CRM contacts into the tab, and a second import updates those rows instead of adding copies', async () => {
    portal.state.seed('contacts', [
      { email: 'dora@bristol.example', firstname: 'Dora', lastname: 'Ng', city: 'Bristol' },
      { email: 'eli@bristol.example', firstname: 'Eli', lastname: 'Roe', city: 'Bristol' },
    ]);
    const importBristol = async () => {
      const started = await session.api('POST', `/api/v1/tables/${tableId}/import`, {
        where: { city: ['Bristol'] },
      });
      expect(started.status).toBe(200);
      return finishedJob(session, started.body.job.id);
    };
    const first = await importBristol();
    expect(first.result).toMatchObject({ imported: 2, appended: 2, updated: 0 });
    const dora = () =>
      rowsOfTab(sheets, spreadsheetId, TAB).filter((row) => row.cells.Email === 'dora@bristol.example');
    expect(dora()).toHaveLength(1);
    expect(dora()[0]?.rowId).toMatch(/^[0-9a-f-]{36}$/);
    const second = await importBristol();
    expect(second.result).toMatchObject({ imported: 2, appended: 0, updated: 2 });
    expect(dora()).toHaveLength(1);
    const bad = await session.api('POST', `/api/v1/tables/${tableId}/import`, {
      list: '1',
      since: '2025-01-01T00:00:00Z',
    });
    expect(bad.status).toBe(400);
  });

  it('reconciles on request: an edit nobody pushed reaches HubSpot, and a deleted row orphans its link but keeps the contact', async () => {
    const reconcile = async () => {
      const started = await session.api('POST', `/api/v1/tables/${tableId}/reconcile`);
      expect(started.status).toBe(200);
      expect(started.body.job.kind).toBe('reconcile');
      const job = await finishedJob(session, started.body.job.id);
      expect(job.status).toBe('succeeded');
      return job.result;
    };
    const annRow = rowOf('row-1');
    sheets.state.editAsUser(spreadsheetId, `'${TAB}'!C${annRow?.rowNumber}`, [['Leigh']]);
    const first = await reconcile();
    // Whichever half meets the row first (HubSpot's recent changes or the sheet's) writes it, once.
    expect(first.crmWrites + first.sheet.crmWrites).toBe(1);
    expect(first.sheet.orphaned).toBe(0);
    expect(contactOf('row-1')?.properties.lastname).toBe('Leigh');

    const eli = rowsOfTab(sheets, spreadsheetId, TAB).find(
      (row) => row.cells.Email === 'eli@bristol.example',
    );
    if (!eli) throw new Error('the imported row is missing');
    sheets.state.deleteRowsAsUser(spreadsheetId, TAB, eli.rowNumber);
    const second = await reconcile();
    expect(second.sheet).toMatchObject({ changed: 0, orphaned: 1 });
    const { body } = await session.api('GET', `/api/v1/tables/${tableId}/audit?rowId=${eli.rowId}`);
    const entry = body.entries.find((e: { action: string }) => e.action === 'row.orphaned');
    expect(entry.explanation).toMatch(/CRM record is kept/);
    expect(portal.state.list('contacts').some((c) => c.properties.email === 'eli@bristol.example')).toBe(
      true,
    );
  });

  it('logs outreach: an email sent, and a positive reply that opens a deal linked to contact and company', async () => {
    const started = await session.api('POST', `/api/v1/tables/${tableId}/events`, {
      events: [
        {
          type: 'email_sent',
          rowId: 'row-1',
          at: '2025-03-01T10:00:00.000Z',
          subject: 'Hello',
          body: 'Hi Ann',
        },
        {
          type: 'reply_received',
          rowId: 'row-1',
          at: '2025-03-02T09:00:00.000Z',
          sentiment: 'positive',
          body: 'Keen!',
        },
        { type: 'email_sent', rowId: 'never-exported', at: '2025-03-01T10:00:00.000Z' },
      ],
    });
    const job = await finishedJob(session, started.body.job.id);
    const [sent, reply, orphan] = job.result.events;
    expect(sent).toMatchObject({ status: 'logged', activityId: expect.any(String) });
    expect(reply).toMatchObject({ status: 'logged', dealId: expect.any(String) });
    expect(orphan).toMatchObject({ status: 'failed', error: { code: 'not_found' } });
    expect(portal.state.get('deals', reply.dealId)?.properties).toMatchObject({
      pipeline: 'default',
      dealstage: 'appointmentscheduled',
    });
    expect(portal.state.list('emails').filter((e) => e.properties.hs_email_text === 'Hi Ann')).toHaveLength(
      1,
    );

    // HubSpot moves "Last contacted" itself; that change comes back to the row like any other.
    expect(contactOf('row-1')?.properties.notes_last_contacted).toBe('2025-03-02T09:00:00.000Z');
    await portal.flushWebhooks();
    await waitFor(() =>
      rowOf('row-1')?.cells['Last Contacted'] === '2025-03-02T09:00:00.000Z' ? true : undefined,
    );
  });
});
