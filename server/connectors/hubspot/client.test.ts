import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrmApiError } from '../crm-error.ts';
import { virtualClock } from '../virtual-clock.ts';
import { type HubSpotHarness, hubspotHarness } from './harness.ts';
import { hubspotConnector, hubspotTokenExchange } from './index.ts';

// What the contract suite does not cover: HubSpot-specific paths, against the sandbox.
describe('HubSpot connector against the sandbox', () => {
  const clock = virtualClock();
  let h: HubSpotHarness;
  beforeAll(async () => {
    h = await hubspotHarness({ clock });
    await h.connector.ensureProperties('contacts', [h.rowId]);
  });
  afterAll(() => h.close?.());

  const key = (value: string) => ({ property: 'rowbridge_id', value });

  it('lists records modified since a time through search, oldest first', async () => {
    const since = new Date(clock.now()).toISOString();
    await clock.sleep(1000);
    const [a, b] = await h.emulator.seed('contacts', 2);
    await clock.sleep(1000);
    const [c] = await h.emulator.seed('contacts', 1);
    const ids: string[] = [];
    let after: string | undefined;
    do {
      const page = await h.connector.listRecords('contacts', {
        modifiedSince: since,
        limit: 2,
        properties: ['email'],
        ...(after ? { after } : {}),
      });
      ids.push(...page.records.map((r) => r.id));
      after = page.next;
    } while (after);
    expect(ids).toEqual([a, b, c]);
  });

  it('pages a modified-since listing past the 10,000-result search ceiling by moving the window', async () => {
    const since = new Date(clock.now()).toISOString();
    await clock.sleep(1000);
    const seeded: string[] = [];
    for (let batch = 0; batch < 102; batch += 1) {
      seeded.push(...(await h.emulator.seed('contacts', 100)));
      await clock.sleep(1000);
    }
    const seen = new Set<string>();
    let after: string | undefined;
    do {
      const page = await h.connector.listRecords('contacts', {
        modifiedSince: since,
        properties: [],
        ...(after ? { after } : {}),
      });
      for (const record of page.records) seen.add(record.id);
      after = page.next;
    } while (after);
    expect(seeded.filter((id) => !seen.has(id))).toEqual([]);
  });

  it('reads records by id with property history, flags archived ones and lists vanished ones', async () => {
    const [live, archived] = await h.connector.upsertRecords('contacts', [
      { key: key('hist-1'), properties: { email: 'hist1@example.com', firstname: 'Ann' } },
      { key: key('hist-2'), properties: { email: 'hist2@example.com' } },
    ]);
    if (live?.status !== 'created' || archived?.status !== 'created') throw new Error('setup failed');
    await h.connector.upsertRecords('contacts', [{ key: key('hist-1'), properties: { firstname: 'Anna' } }]);
    expect(await h.connector.archiveRecords('contacts', [archived.id])).toEqual([
      { status: 'archived', id: archived.id },
    ]);

    const got = await h.connector.getRecords('contacts', [live.id, archived.id, '999999999'], {
      properties: ['firstname'],
      withHistory: ['firstname'],
    });
    const record = got.records.find((r) => r.id === live.id);
    expect(record?.properties.firstname).toBe('Anna');
    expect(record?.history?.firstname?.map((change) => change.value)).toEqual(['Anna', 'Ann']);
    expect(record?.history?.firstname?.[0]?.source).toBe('INTEGRATION');
    expect(got.records.find((r) => r.id === archived.id)?.archived).toBe(true);
    expect(got.missing).toEqual(['999999999']);
  });

  it('finds dedup candidates by email, or by company and name', async () => {
    await h.connector.upsertRecords('contacts', [
      {
        key: key('dup-1'),
        properties: { email: 'jane@acme.test', firstname: 'Jane', lastname: 'Roe', company: 'Acme' },
      },
      {
        key: key('dup-2'),
        properties: { email: 'j.roe@other.test', firstname: 'Jane', lastname: 'Roe', company: 'Acme' },
      },
      {
        key: key('dup-3'),
        properties: { email: 'x@acme.test', firstname: 'Xavier', lastname: 'Doe', company: 'Acme' },
      },
    ]);
    const found = await h.connector.findCandidates(
      'contacts',
      [{ where: { email: ['JANE@acme.test'] } }, { where: { company: ['Acme'], lastname: ['Roe', 'Row'] } }],
      { properties: ['email'] },
    );
    expect(found.map((r) => r.properties.email).sort()).toEqual(['j.roe@other.test', 'jane@acme.test']);
  });

  it('creates an email activity on a contact and associates a company', async () => {
    const [contact] = await h.connector.upsertRecords('contacts', [
      { key: key('act-1'), properties: { email: 'act@example.com' } },
    ]);
    const [company] = h.sandbox.state.seed('companies', [{ name: 'Acme', domain: 'acme.test' }]);
    if (contact?.status !== 'created' || !company) throw new Error('setup failed');
    await h.connector.associate('contacts', 'companies', [{ fromId: contact.id, toId: company }]);
    const activity = await h.connector.createActivity('email', {
      subject: 'Hello',
      body: 'First touch',
      occurredAt: new Date(clock.now()).toISOString(),
      on: [
        { object: 'contacts', id: contact.id },
        { object: 'companies', id: company },
      ],
    });
    const email = h.sandbox.state.get('emails', activity.id);
    expect(email?.properties).toMatchObject({ hs_email_subject: 'Hello', hs_email_text: 'First touch' });
  });

  it('counts requests by endpoint', () => {
    const stats = h.connector.apiCalls();
    expect(stats.total).toBe(Object.values(stats.byEndpoint).reduce((sum, n) => sum + n, 0));
    expect(stats.byEndpoint['POST /crm/v3/objects/contacts/batch/upsert']).toBeGreaterThan(0);
  });

  it('backs off a 429 without Retry-After (HubSpot sends none for its own limits)', async () => {
    const start = clock.now();
    h.sandbox.faults.force429(2);
    await h.connector.listRecords('contacts', { limit: 1, properties: [] });
    expect(clock.now() - start).toBeGreaterThanOrEqual(500 + 1000);
  });

  it('fails auth_expired when the token cannot be refreshed', async () => {
    const broken = hubspotConnector({
      basePath: h.url,
      tokens: {
        current: () => 'revoked',
        refresh: async () => {
          throw new CrmApiError('auth_expired', 'refresh token revoked', { endpoint: 'token', attempts: 1 });
        },
      },
      ...clock,
    });
    await expect(broken.listRecords('contacts', { properties: [] })).rejects.toMatchObject({
      code: 'auth_expired',
    });
  });

  it('fails auth_expired when HubSpot refuses the refresh token', async () => {
    const exchange = hubspotTokenExchange({
      clientId: 'rowbridge-contract',
      clientSecret: 'contract-secret',
      basePath: h.url,
      runner: clock,
    });
    await expect(exchange('not-a-refresh-token')).rejects.toMatchObject({ code: 'auth_expired' });
  });

  it('reports rejected records even when HubSpot refuses the whole batch', async () => {
    // Duplicate keys make HubSpot reject the batch as a whole; isolating them lets each through.
    const results = await h.connector.upsertRecords('contacts', [
      { key: key('same'), properties: { email: 'same1@example.com' } },
      { key: key('same'), properties: { firstname: 'Second' } },
    ]);
    expect(results.map((r) => r.status)).toEqual(['created', 'updated']);
  });
});
