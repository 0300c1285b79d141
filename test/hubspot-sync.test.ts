import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Companion } from '../server/main.ts';
import { SANDBOX_HUBSPOT_CLIENT } from '../server/sandbox/hubspot/client.ts';
import type { SandboxHubSpot } from '../server/sandbox/hubspot/index.ts';
import { signV3 } from '../server/sandbox/hubspot/index.ts';
import { defaultMapping, detectColumns } from '../shared/mapping/index.ts';
import {
  type AddonSession,
  connectedSheet,
  finishedJob,
  hubspotUser,
  sandboxCompanion,
} from './support/companion.ts';

/**
 * HubSpot through the companion's API, as the add-on drives it in sandbox mode: setup-fields, export with
 * dedup, a second export merging a sheet edit, a HubSpot edit arriving by signed webhook, outreach events.
 */
const HEADERS = ['Email', 'First Name', 'Last Name', 'Company', 'Phone', 'City'];

let companion: Companion;
let dataDir = '';
let session: AddonSession;
let portal: SandboxHubSpot;
let tableId = '';

const row = (rowId: string, cells: string[]) => ({
  rowId,
  cells: Object.fromEntries(HEADERS.map((header, i) => [header, cells[i] ?? ''])),
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  ({ companion, dataDir } = await sandboxCompanion());
  session = await connectedSheet(companion, dataDir, 'sheet-sync');
  portal = hubspotUser(companion, dataDir);
  const mapping = defaultMapping('hubspot', 'contacts', detectColumns(HEADERS));
  const created = await session.api('POST', '/api/v1/tables', {
    sheetTabId: 0,
    sheetTabName: 'Prospects',
    connectionId: session.connectionId,
    crmObject: 'contacts',
    mapping,
    policy: 'manual',
    region: 'US',
  });
  expect(created.status).toBe(200);
  tableId = created.body.id;
}, 60_000);

afterAll(async () => {
  await portal?.close();
  await companion?.close();
});

describe('HubSpot sync through the companion API', () => {
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

  it('exports rows as a job, dedups against HubSpot, and links every row', async () => {
    const [existing] = portal.state.seed('contacts', [
      { email: 'carol@initech.example', firstname: 'Carol', lastname: 'Old' },
    ]);
    const started = await session.api('POST', `/api/v1/tables/${tableId}/export`, {
      rows: [
        row('row-1', ['ann@acme.example', 'Ann', 'Lee', 'Acme', '(415) 555-0101', 'Leeds']),
        row('row-2', ['CAROL@initech.example', 'Carol', 'New', 'Initech', '', 'Austin']),
        row('row-3', ['bad-email', 'Bad', 'Row', '', '', '']),
      ],
    });
    expect(started.status).toBe(200);
    const job = await finishedJob(session, started.body.job.id);
    expect(job.status).toBe('succeeded');
    expect(job.result.rows.map((r: { status: string }) => r.status)).toEqual([
      'created',
      'updated',
      'failed',
    ]);
    expect(job.result.rows[1]).toMatchObject({ crmId: existing, match: 'email' });
    expect(job.result.rows[2].error.code).toBe('crm_rejected');
    expect(portal.state.get('contacts', existing ?? '')?.properties).toMatchObject({
      rowbridge_id: 'row-2',
      lastname: 'New',
    });
    const table = await companion.db.repos.tables.get((await tenantId()) ?? '', tableId);
    const links = await companion.db.repos.links.getByRowIds(table?.tenantId ?? '', tableId, [
      'row-1',
      'row-2',
      'row-3',
    ]);
    expect(links.map((l) => [l.rowId, l.state]).sort()).toEqual([
      ['row-1', 'linked'],
      ['row-2', 'linked'],
    ]);
    const audit = await session.api('GET', `/api/v1/tables/${tableId}/audit?rowId=row-2`);
    expect(audit.body.entries.some((e: { action: string }) => e.action === 'export.updated')).toBe(true);
  });

  it('merges a later export of linked rows: the sheet edit reaches HubSpot, HubSpot’s own edit comes back', async () => {
    const ann = portal.state.list('contacts').find((c) => c.properties.rowbridge_id === 'row-1');
    portal.state.editAsUser('contacts', ann?.id ?? '', { jobtitle: 'CTO', phone: '+14155550199' });
    const started = await session.api('POST', `/api/v1/tables/${tableId}/export`, {
      rows: [row('row-1', ['ann@acme.example', 'Ann', 'Lee', 'Acme', '(415) 555-0101', 'York'])],
    });
    const job = await finishedJob(session, started.body.job.id);
    const [result] = job.result.rows;
    expect(result).toMatchObject({ rowId: 'row-1', status: 'updated', cells: { Phone: '+14155550199' } });
    expect(portal.state.get('contacts', ann?.id ?? '')?.properties).toMatchObject({
      city: 'York',
      phone: '+14155550199',
    });
  });

  it('takes a signed HubSpot webhook, refuses a forged one, and applies the change through the merge', async () => {
    const before = (await session.api('GET', `/api/v1/tables/${tableId}/audit?rowId=row-2`)).body.entries
      .length;
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

    const carol = portal.state.list('contacts').find((c) => c.properties.rowbridge_id === 'row-2');
    portal.state.editAsUser('contacts', carol?.id ?? '', { city: 'Dallas' });
    await portal.flushWebhooks();
    const entries = await waitFor(async () => {
      const { body } = await session.api('GET', `/api/v1/tables/${tableId}/audit?rowId=row-2`);
      return body.entries.length > before ? body.entries : undefined;
    });
    expect(entries[0]).toMatchObject({ field: 'city', newValue: 'Dallas', source: 'crm', target: 'sheet' });

    // A redelivery of the same events changes nothing.
    const [attempt] = portal.state.webhookAttempts().slice(-1);
    if (!attempt) throw new Error('no webhook was sent');
    const timestamp = Date.now();
    const url = `${companion.url}/webhooks/hubspot`;
    const again = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubspot-request-timestamp': String(timestamp),
        'x-hubspot-signature-v3': signV3({
          clientSecret: SANDBOX_HUBSPOT_CLIENT.clientSecret,
          method: 'POST',
          uri: url,
          body: attempt.body,
          timestamp,
        }),
      },
      body: attempt.body,
    });
    expect(await again.json()).toMatchObject({ stored: 0 });
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
    const ann = portal.state.list('contacts').find((c) => c.properties.rowbridge_id === 'row-1');
    const deal = portal.state.get('deals', reply.dealId);
    expect(deal?.properties).toMatchObject({ pipeline: 'default', dealstage: 'appointmentscheduled' });
    const emails = portal.state.list('emails').filter((e) => e.properties.hs_email_text === 'Hi Ann');
    expect(emails).toHaveLength(1);
    expect(ann).toBeDefined();
  });
});

async function tenantId() {
  return (await companion.db.repos.tenants.getTenantByKey('acme.com'))?.id;
}
