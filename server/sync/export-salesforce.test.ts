import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultMapping, detectColumns, toCanonicalRecords } from '../../shared/mapping/index.ts';
import { type SalesforceHarness, salesforceHarness } from '../connectors/salesforce/harness.ts';
import { virtualClock } from '../connectors/virtual-clock.ts';
import { type ExportRow, exportRows } from './export.ts';
import { tableFields } from './fields.ts';
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
