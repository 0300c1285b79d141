import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultMapping, detectColumns, toCanonicalRecords } from '../../shared/mapping/index.ts';
import { type SalesforceHarness, salesforceHarness } from '../connectors/salesforce/harness.ts';
import { virtualClock } from '../connectors/virtual-clock.ts';
import { type ExportRow, exportRows } from './export.ts';
import { tableFields } from './fields.ts';
import { applyOutreachEvent } from './outreach.ts';
import { setupFields } from './setup-fields.ts';

const HEADERS = ['Email', 'Full Name', 'Last Name', 'Company', 'Phone', 'Website'];
const mapping = defaultMapping('salesforce', 'Lead', detectColumns(HEADERS));
const table = tableFields(mapping);

let h: SalesforceHarness;
let ids = 0;
const rows = (cells: readonly (readonly string[])[]): ExportRow[] =>
  toCanonicalRecords(detectColumns(HEADERS), cells).map((values) => ({ values }));
const exportOf = (input: ExportRow[]) =>
  exportRows({ connector: h.connector, table, rows: input, region: 'US', newRowId: () => `sf-${++ids}` });

beforeAll(async () => {
  h = await salesforceHarness({ clock: virtualClock() });
  await setupFields(h.connector, mapping);
});
afterAll(() => h.close?.());

describe('export to Salesforce Leads', () => {
  it('fills LastName and Company from the row where it can, and fails the row that says why where it cannot', async () => {
    const report = await exportOf(
      rows([
        ['ann@acme.example', '', 'Lee', 'Acme', '', ''],
        ['bo@initech.example', 'Bo Diddley', '', '', '', ''],
        ['cy@gmail.com', '', 'Young', '', '', ''],
        ['', '', 'Site', '', '', 'https://www.globex.example/about'],
      ]),
    );
    expect(report.outcomes.map((o) => o.status)).toEqual(['created', 'created', 'failed', 'created']);
    expect(report.outcomes[2]?.reason).toMatchObject({ code: 'invalid_input', message: /Company/ });
    const leads = h.sandbox.state.list('Lead');
    const bo = leads.find((lead) => lead.Email === 'bo@initech.example');
    expect(bo).toMatchObject({ LastName: 'Diddley', Company: 'initech.example' });
    expect(leads.find((lead) => lead.LastName === 'Site')).toMatchObject({ Company: 'globex.example' });
  });

  it('sends 1,000 new rows in 5 Collections upserts plus what dedup needs, and matches existing leads', async () => {
    const [existing] = h.sandbox.state.seed('Lead', [
      { LastName: 'Known', Company: 'Known Co', Email: 'known@known.example' },
    ]);
    const cells = Array.from({ length: 1000 }, (_, i) => [
      `p${i}.${i}@firm${i % 20}.example`,
      '',
      `Person ${i}`,
      `Firm ${i % 20}`,
      '',
      '',
    ]);
    cells.push(['KNOWN@known.example', '', 'Known', 'Known Co', '', '']);
    const report = await exportOf(rows(cells));
    expect(report.counts).toMatchObject({ created: 1000, updated: 1, failed: 0, ambiguous: 0 });
    expect(report.outcomes[1000]).toMatchObject({ crmId: existing, match: { rule: 'email' } });
    const calls = report.apiCalls.byEndpoint;
    // Collections upserts of 200, plus one composite call carrying every dedup query, plus the one update.
    expect(calls['PATCH /services/data/v62.0/composite/sobjects/Lead/Rowbridge_Id__c']).toBe(5);
    expect(calls['POST /services/data/v62.0/composite']).toBe(1);
    expect(report.apiCalls.total).toBe(7);
  });
});

describe('export to Salesforce Contacts, and outreach', () => {
  const headers = ['Email', 'First Name', 'Last Name', 'Company', 'Campaign'];
  const contacts = defaultMapping('salesforce', 'Contact', detectColumns(headers));
  const contactTable = tableFields(contacts);
  const contactRows = (cells: readonly (readonly string[])[]): ExportRow[] =>
    toCanonicalRecords(detectColumns(headers), cells).map((values) => ({ values }));

  it('creates Accounts once, links Contacts to them, and joins existing campaigns only', async () => {
    const setup = await setupFields(h.connector, contacts);
    // The Leads table's setup made them already: the keys exist once per object, whichever table asked.
    expect(setup.Account?.existing).toContain('Rowbridge_Company_Key__c');
    expect(setup.Opportunity?.existing).toContain('Rowbridge_Deal_Key__c');
    const [campaign] = h.sandbox.state.seed('Campaign', [{ Name: 'Spring Launch' }]);
    const report = await exportRows({
      connector: h.connector,
      table: contactTable,
      rows: contactRows([
        ['dee@umbrella.example', 'Dee', 'Ray', 'Umbrella', 'Spring Launch'],
        ['eve@umbrella.example', 'Eve', 'Cho', 'Umbrella', 'Sprng Launch'],
      ]),
      region: 'US',
      newRowId: () => `sfc-${++ids}`,
    });
    expect(report.counts).toMatchObject({ created: 2, failed: 0 });
    expect(report.companies).toMatchObject({ created: 1, associated: 2 });
    expect(report.campaigns).toEqual({ linked: 1, missing: ['Sprng Launch'] });
    const accounts = h.sandbox.state.list('Account').filter((a) => a.Name === 'Umbrella');
    expect(accounts).toHaveLength(1);
    const people = h.sandbox.state
      .list('Contact')
      .filter((c) => String(c.Email).endsWith('@umbrella.example'));
    expect(people.map((c) => c.AccountId)).toEqual([accounts[0]?.Id, accounts[0]?.Id]);
    const members = h.sandbox.state.list('CampaignMember');
    expect(members.filter((m) => m.CampaignId === campaign)).toHaveLength(1);
  });

  it('logs an email as a completed Task, and opens an Opportunity on the Account for a positive reply', async () => {
    const dee = h.sandbox.state.list('Contact').find((c) => c.Email === 'dee@umbrella.example');
    const link = {
      id: 'l1',
      tenantId: 't',
      tableId: 'tb',
      rowId: String(dee?.Rowbridge_Id__c),
      crmId: String(dee?.Id),
      base: { first_name: 'Dee', last_name: 'Ray', company: 'Umbrella' },
      stamps: {},
      crmModifiedAt: null,
      state: 'linked' as const,
      lastError: null,
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    const sent = await applyOutreachEvent(h.connector, 'Contact', {}, link, {
      type: 'email_sent',
      rowId: link.rowId,
      at: '2025-05-01T09:00:00.000Z',
      subject: 'Hello',
      body: 'Hi Dee',
    });
    expect(h.sandbox.state.list('Task').find((t) => t.Id === sent.activityId)).toMatchObject({
      WhoId: link.crmId,
      Status: 'Completed',
    });
    const reply = await applyOutreachEvent(h.connector, 'Contact', {}, link, {
      type: 'reply_received',
      rowId: link.rowId,
      at: '2025-05-02T09:00:00.000Z',
      sentiment: 'positive',
    });
    const opportunity = h.sandbox.state.list('Opportunity').find((o) => o.Id === reply.dealId);
    expect(opportunity).toMatchObject({
      StageName: 'Prospecting',
      CloseDate: '2025-06-01',
      AccountId: dee?.AccountId,
    });
  });
});
