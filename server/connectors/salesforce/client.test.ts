import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { virtualClock } from '../virtual-clock.ts';
import { type SalesforceHarness, salesforceHarness } from './harness.ts';
import { parseSalesforceOutbound } from './webhook.ts';

// What the contract suite does not cover: Salesforce-specific paths, through jsforce, against the sandbox.
describe('Salesforce connector against the sandbox', () => {
  const clock = virtualClock();
  let h: SalesforceHarness;
  beforeAll(async () => {
    h = await salesforceHarness(
      { clock },
      { rotateRefreshTokens: true, includeApiChanges: true, queryBatchSize: 200 },
    );
    await h.connector.ensureProperties('Lead', [h.rowId]);
  });
  afterAll(() => h.close?.());

  it('sends every request through the runner: counted once each, and a failed create is not resent', async () => {
    // The first read of an object describes it once (which fields exist); count from after that.
    await h.connector.listRecords('Lead', { properties: ['Email'], limit: 1 });
    const before = h.sandbox.state.requests().length;
    const calls = h.connector.apiCalls().total;
    await h.connector.listRecords('Lead', { properties: ['Email'] });
    h.emulator.faults.fail5xx(1);
    await expect(
      h.connector.createActivity('task', { body: 'b', occurredAt: '2025-01-01T00:00:00Z', on: [] }),
    ).rejects.toMatchObject({
      code: 'crm_unavailable',
    });
    // jsforce's own transport would have retried the 503 itself, sleeping in real time.
    expect(h.sandbox.state.requests().length - before).toBe(2);
    expect(h.connector.apiCalls().total - calls).toBe(2);
  });

  it('backs off on REQUEST_LIMIT_EXCEEDED without Retry-After, then succeeds', async () => {
    const sleeps = clock.sleeps.length;
    h.sandbox.faults.forceLimit(1);
    const page = await h.connector.listRecords('Lead', { properties: ['Email'], limit: 1 });
    expect(page.records.length).toBeLessThanOrEqual(1);
    expect(clock.sleeps.slice(sleeps).some((ms) => ms >= 500)).toBe(true);
  });

  it('refreshes an expired session for the Metadata SOAP API too, storing the rotated refresh token', async () => {
    const refreshes = h.refreshes();
    h.emulator.faults.expireTokens();
    const result = await h.connector.ensureProperties('Contact', [
      { name: 'Score__c', label: 'Score', type: 'number' },
    ]);
    expect(result).toEqual({ created: ['Score__c'], existing: [] });
    expect(h.refreshes() - refreshes).toBe(1);
    h.emulator.faults.expireTokens();
    await h.connector.listRecords('Lead', { properties: ['Email'], limit: 1 });
    // The second refresh used the refresh token the first one rotated in (the old one is revoked).
    expect(h.refreshes() - refreshes).toBe(2);
  });

  it('lists records modified since a time by SystemModstamp, paging within one second without gaps', async () => {
    await clock.sleep(2000);
    const since = new Date(
      h.sandbox.state.get('Lead', (await h.emulator.seed('Lead', 1))[0] ?? '')?.SystemModstamp as string,
    ).toISOString();
    const ids = await h.emulator.seed('Lead', 4);
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await h.connector.listRecords('Lead', {
        modifiedSince: since,
        limit: 2,
        properties: ['Email'],
        ...(after ? { after } : {}),
      });
      seen.push(...page.records.map((r) => r.id));
      after = page.next;
    } while (after);
    expect(seen.slice(-4)).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('follows nextRecordsUrl when Salesforce splits a page, then continues behind the last record', async () => {
    const all = new Set(
      (await h.emulator.seed('Lead', 600)).concat(h.sandbox.state.list('Lead').map((r) => String(r.Id))),
    );
    const seen: string[] = [];
    const sizes: number[] = [];
    let after: string | undefined;
    do {
      const page = await h.connector.listRecords('Lead', {
        limit: 500,
        properties: [],
        ...(after ? { after } : {}),
      });
      seen.push(...page.records.map((r) => r.id));
      sizes.push(page.records.length);
      after = page.next;
    } while (after);
    // A window of 500 comes as 200 + 200 (nextRecordsUrl) + 100; the next window starts behind its last record.
    expect(sizes.slice(0, 3)).toEqual([200, 200, 100]);
    expect(sizes.length).toBeGreaterThan(3);
    expect(seen).toEqual([...all].sort());
    expect(h.sandbox.state.requests().some((r) => /\/query\/01g\w+-200$/.test(r.path))).toBe(true);
  });

  it('reads by id: archived from the recycle bin, 15-character ids, and unknown ids as missing', async () => {
    const [live, gone] = await h.emulator.seed('Lead', 2);
    await h.emulator.delete('Lead', gone ?? '');
    const got = await h.connector.getRecords(
      'Lead',
      [(live ?? '').slice(0, 15), gone ?? '', '00Q8d000000zzzzEAA', "x' OR Id != '"],
      {
        properties: ['Email'],
      },
    );
    expect(got.records.map((r) => [r.id, r.archived === true])).toEqual([
      [live, false],
      [gone, true],
    ]);
    expect(got.missing).toEqual(['00Q8d000000zzzzEAA', "x' OR Id != '"]);
  });

  it('archives by id, failing an id that could smuggle query parameters without sending it', async () => {
    const [a] = await h.emulator.seed('Lead', 1);
    const results = await h.connector.archiveRecords('Lead', [a ?? '', `${a}&allOrNone=true`]);
    expect(results).toEqual([
      { status: 'archived', id: a },
      {
        status: 'failed',
        id: `${a}&allOrNone=true`,
        error: expect.objectContaining({ code: 'crm_rejected' }),
      },
    ]);
    expect(h.sandbox.state.get('Lead', a ?? '')).toBeUndefined();
  });

  it('finds candidates with values that contain quotes and backslashes, ORing queries', async () => {
    const [obrien, other] = h.sandbox.state.seed('Lead', [
      { LastName: "O'Brien \\ Sons", Company: 'Irish Co', Email: 'ob@irish.test' },
      { LastName: 'Other', Company: 'Other Co', Phone: '+1 555 0100' },
    ]);
    const found = await h.connector.findCandidates(
      'Lead',
      [
        { where: { LastName: ["O'Brien \\ Sons"], Company: ['irish co'] } },
        { where: { Phone: ['+1 555 0100'] } },
        { where: { Email: ["' OR Id != '"] } },
      ],
      { properties: ['LastName'] },
    );
    expect(found.map((r) => r.id).sort()).toEqual([obrien, other].sort());
  });

  it('sends at most 5 queries per composite call, however many statements a search or read needs', async () => {
    const [found] = h.sandbox.state.seed('Lead', [
      { LastName: 'Needle', Company: 'Hay', Email: 'needle@hay.test' },
    ]);
    // One query per row, as an export's dedup sends them: 4,000 rows make about 9 statements of 20,000
    // characters, so two composite calls, not one.
    const emails = Array.from({ length: 4000 }, (_, i) => `someone.${i}@a-rather-long-domain.test`);
    const before = h.connector.apiCalls().byEndpoint['POST /services/data/v62.0/composite'] ?? 0;
    const candidates = await h.connector.findCandidates(
      'Lead',
      [...emails, 'needle@hay.test'].map((email) => ({ where: { Email: [email] } })),
      { properties: ['Email'] },
    );
    expect(candidates.map((r) => r.id)).toEqual([found]);
    // The same for a read by id: 6,000 ids of 18 characters make about 7 statements.
    const ids = Array.from({ length: 6000 }, (_, i) => `00Q8d${String(i).padStart(13, '0')}`);
    const records = await h.connector.getRecords('Lead', [...ids, found ?? ''], { properties: ['Email'] });
    expect(records.records.map((r) => r.id)).toEqual([found]);
    const calls = (h.connector.apiCalls().byEndpoint['POST /services/data/v62.0/composite'] ?? 0) - before;
    expect(calls).toBeGreaterThanOrEqual(4);
  });

  it('links contacts to accounts and leads to campaigns, and logs an email as a completed task', async () => {
    const [account] = h.sandbox.state.seed('Account', [{ Name: 'Acme' }]);
    const [contact] = h.sandbox.state.seed('Contact', [{ LastName: 'Cole' }]);
    const [campaign] = h.sandbox.state.seed('Campaign', [{ Name: 'Spring' }]);
    const [lead] = await h.emulator.seed('Lead', 1);
    await h.connector.associate('Account', 'Contact', [{ fromId: account ?? '', toId: contact ?? '' }]);
    expect(h.sandbox.state.get('Contact', contact ?? '')?.AccountId).toBe(account);
    await h.connector.associate('Lead', 'Campaign', [{ fromId: lead ?? '', toId: campaign ?? '' }]);
    await h.connector.associate('Lead', 'Campaign', [{ fromId: lead ?? '', toId: campaign ?? '' }]);
    expect(h.sandbox.state.list('CampaignMember')).toHaveLength(1);
    await expect(
      h.connector.associate('Lead', 'Account', [{ fromId: lead ?? '', toId: account ?? '' }]),
    ).rejects.toMatchObject({
      code: 'invalid_input',
    });

    const { id } = await h.connector.createActivity('email', {
      subject: 'Intro',
      body: 'Hello',
      occurredAt: '2025-02-03T10:00:00Z',
      on: [{ object: 'Lead', id: lead ?? '' }],
    });
    expect(h.sandbox.state.get('Task', id)).toMatchObject({
      WhoId: lead,
      Subject: 'Intro',
      Status: 'Completed',
      TaskSubtype: 'Email',
      ActivityDate: '2025-02-03',
    });
    expect(h.sandbox.state.get('Lead', lead ?? '')?.LastActivityDate).toBe('2025-02-03');
  });

  it('marks outbound messages about our own writes as echoes', async () => {
    const [result] = await h.connector.upsertRecords('Lead', [
      { key: { property: 'Rowbridge_Id__c', value: 'echo-1' }, properties: h.person(9000) },
    ]);
    if (result?.status !== 'created') throw new Error('setup failed');
    await h.sandbox.flushOutbound();
    const delivery = h.deliveries.find((d) => d.rawBody.includes(`<sf:Id>${result.id}</sf:Id>`));
    const events = parseSalesforceOutbound(delivery?.rawBody ?? '', { ownSourceIds: [h.sandbox.apiUserId] });
    expect(events.filter((e) => e.objectId === result.id)).toEqual([
      expect.objectContaining({ kind: 'created', echo: true }),
    ]);
  });
});
