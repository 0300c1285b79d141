import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultMapping, detectColumns, toCanonicalRecords } from '../../shared/mapping/index.ts';
import { type HubSpotHarness, hubspotHarness } from '../connectors/hubspot/harness.ts';
import { virtualClock } from '../connectors/virtual-clock.ts';
import { type ExportRow, exportRows } from './export.ts';
import { tableFields } from './fields.ts';
import { setupFields } from './setup-fields.ts';

const HEADERS = ['Email', 'First Name', 'Last Name', 'Company', 'Phone', 'Website', 'City'];
const mapping = defaultMapping('hubspot', 'contacts', detectColumns(HEADERS));
const table = tableFields(mapping);

let h: HubSpotHarness;
let ids = 0;
const newRowId = () => `rb-${String(++ids).padStart(5, '0')}`;

function rows(
  cells: readonly (readonly string[])[],
  rowIds: readonly (string | undefined)[] = [],
): ExportRow[] {
  return toCanonicalRecords(detectColumns(HEADERS), cells).map((values, i) => ({ rowId: rowIds[i], values }));
}

function person(i: number): string[] {
  return [
    `prospect${i}@firm${i % 40}.example`,
    'Pat',
    `Prospect ${i}`,
    `Firm ${i % 40} Ltd`,
    `+1 415 555 ${String(1000 + i).slice(-4)}`,
    '',
    'Leeds',
  ];
}

const exportOf = (input: ExportRow[], extra: { dryRun?: boolean } = {}) =>
  exportRows({ connector: h.connector, table, rows: input, region: 'US', newRowId, ...extra });

const endpoint = (calls: Readonly<Record<string, number>>, pattern: RegExp) =>
  Object.entries(calls)
    .filter(([name]) => pattern.test(name))
    .reduce((n, [, count]) => n + count, 0);

beforeAll(async () => {
  h = await hubspotHarness({ clock: virtualClock() });
});
afterAll(async () => {
  await h.close?.();
});

describe('setup-fields', () => {
  it('creates the row id, the mapped custom properties and the company key once', async () => {
    const withScore = defaultMapping('hubspot', 'contacts', detectColumns([...HEADERS, 'Score', 'Campaign']));
    const first = await setupFields(h.connector, withScore);
    expect(first.contacts?.created.sort()).toEqual(['rowbridge_campaign', 'rowbridge_id', 'rowbridge_score']);
    expect(first.companies?.created).toEqual(['rowbridge_company_key']);
    expect(first.deals?.created).toEqual(['rowbridge_deal_key']);
    const again = await setupFields(h.connector, withScore);
    expect(again.contacts?.created).toEqual([]);
    expect(again.contacts?.existing.sort()).toEqual([
      'rowbridge_campaign',
      'rowbridge_id',
      'rowbridge_score',
    ]);
    expect(again.companies?.created).toEqual([]);
  });
});

describe('export to HubSpot', () => {
  const cells = Array.from({ length: 250 }, (_, i) => person(i));
  let firstIds: string[] = [];

  it('creates new rows in batches of 100, with companies found or created and associated', async () => {
    const before = h.sandbox.state.list('contacts').length;
    const report = await exportOf(rows(cells));
    expect(report.counts).toMatchObject({ created: 250, updated: 0, failed: 0, ambiguous: 0 });
    expect(h.sandbox.state.list('contacts').length).toBe(before + 250);
    expect(endpoint(report.apiCalls.byEndpoint, /batch\/upsert/)).toBe(3 + 1); // contacts, then companies
    expect(report.companies).toMatchObject({ created: 40, existing: 0, associated: 250 });
    expect(h.sandbox.state.list('companies')).toHaveLength(40);
    firstIds = report.outcomes.map((o) => o.rowId);
    expect(new Set(firstIds).size).toBe(250);
    const stored = h.sandbox.state.list('contacts').find((c) => c.properties.rowbridge_id === firstIds[7]);
    expect(stored?.properties).toMatchObject({ email: 'prospect7@firm7.example', phone: '+14155551007' });
  });

  it('writes nothing for unchanged rows and only the changed properties of changed ones', async () => {
    const edited = cells.map((row, i) => (i % 10 === 0 ? [...row.slice(0, 6), 'York'] : row));
    const report = await exportOf(rows(edited, firstIds));
    expect(report.counts).toMatchObject({ created: 0, updated: 25, unchanged: 225, failed: 0 });
    expect(endpoint(report.apiCalls.byEndpoint, /batch\/read/)).toBe(3);
    expect(endpoint(report.apiCalls.byEndpoint, /batch\/upsert/)).toBe(1);
    expect(endpoint(report.apiCalls.byEndpoint, /search/)).toBe(0);
    expect(report.outcomes[10]?.written).toEqual({ city: 'York' });
    expect(h.sandbox.state.list('contacts').filter((c) => c.properties.city === 'York')).toHaveLength(25);
  });

  it('never creates a record twice when an export is run again after losing its answers', async () => {
    const batch = rows(cells.slice(0, 5).map((row) => [`again-${row[0]}`, ...row.slice(1)]));
    const withIds = batch.map((row, i) => ({ ...row, rowId: `retry-${i}` }));
    const before = h.sandbox.state.list('contacts').length;
    await exportOf(withIds);
    await exportOf(withIds);
    expect(h.sandbox.state.list('contacts').length).toBe(before + 5);
  });
});

describe('dedup before create', () => {
  it('updates the one existing person a row matches, by email, phone or company and name', async () => {
    const [byEmail, byPhone, byName, bySuffix] = h.sandbox.state.seed('contacts', [
      { email: 'dana@northwind.example', firstname: 'Dana', lastname: 'Scully' },
      { phone: '(212) 555-0199', firstname: 'Fox', lastname: 'Mulder' },
      { company: 'Lone Gunmen Inc', firstname: 'Melvin', lastname: 'Frohike' },
      { company: 'Lone Gunmen Inc', firstname: 'John', lastname: 'Byers' },
    ]);
    const before = h.sandbox.state.list('contacts').length;
    const report = await exportOf(
      rows([
        ['DANA@Northwind.example', 'Dana', 'Scully', '', '', '', 'DC'],
        ['', 'Fox', 'Mulder', '', '212.555.0199', '', 'DC'],
        ['', 'Melvin', 'Frohicke', 'Lone Gunmen Inc', '', '', 'Tacoma'],
        ['', 'John', 'Byers', 'Lone Gunmen', '', '', 'Tacoma'],
      ]),
    );
    expect(report.outcomes.map((o) => [o.status, o.crmId, o.match?.rule])).toEqual([
      ['updated', byEmail, 'email'],
      ['updated', byPhone, 'phone'],
      ['updated', byName, 'company_name'],
      ['updated', bySuffix, 'company_name'],
    ]);
    expect(h.sandbox.state.list('contacts').length).toBe(before);
    expect(h.sandbox.state.get('contacts', byPhone ?? '')?.properties).toMatchObject({
      rowbridge_id: report.outcomes[1]?.rowId,
      city: 'DC',
    });
  });

  it('reports a row matching several people, and a second copy of a row, instead of guessing', async () => {
    h.sandbox.state.seed('contacts', [
      { email: 'sam@acme.example', firstname: 'Sam', lastname: 'Jones' },
      { phone: '+13125550142', firstname: 'Sam', lastname: 'Jones' },
    ]);
    const before = h.sandbox.state.list('contacts').length;
    const report = await exportOf(
      rows([
        ['sam@acme.example', 'Sam', 'Jones', '', '(312) 555-0142', '', ''],
        ['kim@new.example', 'Kim', 'Lee', '', '', '', ''],
        ['KIM@new.example ', 'Kim', 'Lee', '', '', '', ''],
      ]).map((row, i) => ({ ...row, rowNumber: i + 2 })),
    );
    const [sam, kim, copy] = report.outcomes;
    expect(sam?.status).toBe('ambiguous');
    expect(sam?.candidates).toHaveLength(2);
    expect(kim?.status).toBe('created');
    expect(copy?.status).toBe('ambiguous');
    expect(copy?.reason?.message).toMatch(/same person as row 3/);
    expect(h.sandbox.state.list('contacts').length).toBe(before + 1);
  });

  it('fails a record the CRM rejects alone, with its reason', async () => {
    const report = await exportOf(
      rows([
        ['not-an-email', 'Bad', 'Row', '', '', '', ''],
        ['good.row@fine.example', 'Good', 'Row', '', '', '', ''],
      ]),
    );
    expect(report.outcomes.map((o) => o.status)).toEqual(['failed', 'created']);
    expect(report.outcomes[0]?.reason).toMatchObject({ code: 'crm_rejected', message: /not-an-email/ });
  });

  it('associates the written rows of a batch with their companies when another row fails', async () => {
    // The failed row has no record id: sent as an association it made HubSpot refuse the whole batch.
    const report = await exportOf(
      rows([
        ['also-not-an-email', 'Bad', 'Row', 'Failing Co Ltd', '', '', ''],
        ['ok.row@assoc.example', 'Ok', 'Row', 'Assoc Co Ltd', '', '', ''],
      ]),
    );
    expect(report.outcomes.map((o) => o.status)).toEqual(['failed', 'created']);
    expect(report.companies).toMatchObject({ associated: 1, failed: [] });
  });

  it('skips an empty row and plans without writing on a dry run', async () => {
    const before = h.sandbox.state.list('contacts').length;
    const sent = h.sandbox.state.requests().length;
    const report = await exportOf(
      rows([
        ['', '', '', '', '', '', ''],
        ['dry@run.example', 'Dry', 'Run', 'Dry Run Co', '', '', ''],
      ]),
      { dryRun: true },
    );
    expect(report.dryRun).toBe(true);
    expect(report.outcomes.map((o) => o.status)).toEqual(['skipped', 'created']);
    expect(report.companies).toMatchObject({ created: 1, associated: 1 });
    expect(h.sandbox.state.list('contacts').length).toBe(before);
    const writes = h.sandbox.state
      .requests()
      .slice(sent)
      .filter((r) => !/search|batch\/read/.test(r.path));
    expect(writes).toEqual([]);
  });
});
