import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SANDBOX_HUBSPOT_CLIENT } from '../../sandbox/hubspot/client.ts';
import { createSandboxHubSpot } from '../../sandbox/hubspot/index.ts';
import { SANDBOX_SALESFORCE_CLIENT } from '../../sandbox/salesforce/client.ts';
import { createSandboxSalesforce } from '../../sandbox/salesforce/index.ts';
import { createSandboxSheets } from '../../sandbox/sheets/index.ts';
import { readSampleMarker, SAMPLE_TAB, seedSampleData } from './seed.ts';

/** The three sandboxes over a data folder's state files, as a companion start opens them. */
function open(dataDir: string) {
  const hubspot = createSandboxHubSpot({
    ...SANDBOX_HUBSPOT_CLIENT,
    stateFile: join(dataDir, 'sandbox', 'hubspot.json'),
  });
  const salesforce = createSandboxSalesforce({
    ...SANDBOX_SALESFORCE_CLIENT,
    stateFile: join(dataDir, 'sandbox', 'salesforce.json'),
  });
  const sheets = createSandboxSheets({ stateFile: join(dataDir, 'sandbox', 'sheets.json') });
  return {
    targets: { dataDir, sheets: sheets.state, hubspot: hubspot.state, salesforce: salesforce.state },
    counts: () => ({
      spreadsheets: sheets.state.spreadsheets().length,
      contacts: hubspot.state.list('contacts').length,
      leads: salesforce.state.list('Lead').length,
    }),
    close: () => Promise.all([hubspot.close(), salesforce.close()]),
  };
}

describe('the sandbox sample data', () => {
  it('is seeded once into a fresh folder, and a restart on the same folder adds nothing', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'rowbridge-sample-'));
    const first = open(dataDir);
    const marker = seedSampleData(first.targets, true);
    expect(marker).toMatchObject({ seeded: true, contacts: 30, leads: 25 });
    expect(first.counts()).toEqual({ spreadsheets: 1, contacts: 30, leads: 25 });
    const [headers = [], ...rows] = first.targets.sheets.grid(marker.spreadsheetId ?? '', SAMPLE_TAB);
    expect(headers).toEqual([
      'First Name',
      'Last Name',
      'E-mail',
      'Phone',
      'Company Name',
      'Website',
      'Country',
      'Sequence step',
    ]);
    expect(rows.length).toBeGreaterThanOrEqual(180);
    // Some of HubSpot's contacts are the sheet's people, so the export preview shows duplicates.
    const emails = new Set(rows.map((row) => String(row[2] ?? '').toLowerCase()));
    const shared = first.targets.hubspot
      .list('contacts')
      .filter((contact) => emails.has(String(contact.properties.email ?? '').toLowerCase()));
    expect(shared.length).toBeGreaterThan(5);
    await first.close();

    const again = open(dataDir);
    expect(seedSampleData(again.targets, true)).toEqual(marker);
    expect(again.counts()).toEqual({ spreadsheets: 1, contacts: 30, leads: 25 });
    expect(readSampleMarker(dataDir)).toEqual(marker);
    await again.close();
  });

  it('leaves the sandboxes empty when turned off, and never seeds that folder later', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'rowbridge-sample-off-'));
    const off = open(dataDir);
    expect(seedSampleData(off.targets, false)).toEqual({ seeded: false });
    expect(off.counts()).toEqual({ spreadsheets: 0, contacts: 0, leads: 0 });
    await off.close();
    const on = open(dataDir);
    expect(seedSampleData(on.targets, true)).toEqual({ seeded: false });
    expect(on.counts()).toEqual({ spreadsheets: 0, contacts: 0, leads: 0 });
    await on.close();
  });

  it('does not mix samples into sandboxes that already hold records from before the marker', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'rowbridge-sample-used-'));
    const used = open(dataDir);
    used.targets.hubspot.seed('contacts', [{ email: 'mine@example.com' }]);
    expect(seedSampleData(used.targets, true)).toEqual({ seeded: false });
    expect(used.counts()).toEqual({ spreadsheets: 0, contacts: 1, leads: 0 });
    await used.close();
  });
});
