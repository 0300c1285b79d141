import { describe, expect, it } from 'vitest';
import { dedupFigures, mergeFigures } from './core.ts';
import { freeTierFloorMs, hubspotCallFigures, hubspotFreeTierFigures } from './hubspot.ts';
import { loadFigures } from './load.ts';
import type { Figure } from './measure.ts';
import { salesforceCallFigures } from './salesforce.ts';
import { webhookFigures } from './webhooks.ts';

// Every `npm run bench` section, run small so the script keeps working. Counts are asserted (they are
// deterministic); times never are.

const byName = (figures: readonly Figure[], part: string): Figure => {
  const found = figures.find((f) => f.name.includes(part));
  if (!found) throw new Error(`no figure named like "${part}" in ${figures.map((f) => f.name).join('; ')}`);
  return found;
};

describe('npm run bench, small', () => {
  it('the free-tier floor follows a rolling 100 per 10 s and five searches a second', () => {
    expect(freeTierFloorMs(100, 0)).toBe(0);
    expect(freeTierFloorMs(101, 0)).toBe(10_000);
    expect(freeTierFloorMs(35, 14)).toBe(2_000);
    expect(freeTierFloorMs(323, 130)).toBe(30_000);
  });

  it('dedup and merge produce finite figures', async () => {
    for (const figure of [...dedupFigures(300), ...(await mergeFigures(500))]) {
      expect(Number.isFinite(figure.value), figure.name).toBe(true);
    }
  });

  it('HubSpot: batch upserts at the vendor minimum, the naive exporter one call per row', async () => {
    const figures = await hubspotCallFigures([250]);
    const first = byName(figures, 'new rows');
    expect(first.against).toEqual({ vendorMinimum: 3, naive: 250 });
    expect(first.detail?.['POST /crm/v3/objects/contacts/batch/upsert']).toBe(3);
    expect(first.value).toBeLessThanOrEqual(4 * 3 + 5);
    const rerun = byName(figures, '10% changed');
    expect(rerun.against).toEqual({ vendorMinimum: 1, naive: 250 });
    // Without stored bases the exporter reads every row back (3 batch reads) and upserts the 25 changed.
    expect(rerun.detail).toEqual({
      'POST /crm/v3/objects/contacts/batch/read': 3,
      'POST /crm/v3/objects/contacts/batch/upsert': 1,
    });
  }, 90_000);

  it('Salesforce: Collections upserts at the vendor minimum, the naive exporter one call per row', async () => {
    const figures = await salesforceCallFigures([250]);
    const first = byName(figures, 'new rows');
    expect(first.against).toEqual({ vendorMinimum: 2, naive: 250 });
    expect(first.detail?.['PATCH /services/data/v62.0/composite/sobjects/Lead/Rowbridge_Id__c']).toBe(2);
    expect(first.value).toBeLessThanOrEqual(2 + 3);
    const rerun = byName(figures, '10% changed');
    expect(rerun.against).toEqual({ vendorMinimum: 1, naive: 250 });
    expect(rerun.detail?.['PATCH /services/data/v62.0/composite/sobjects/Lead/Rowbridge_Id__c']).toBe(1);
    // The 250 rows are read back in one composite call of SOQL statements, not a query per ~75 ids.
    expect(rerun.detail?.['POST /services/data/v62.0/composite']).toBe(1);
    expect(rerun.detail?.['GET /services/data/v62.0/query']).toBeUndefined();
    expect(rerun.value).toBe(2);
  }, 90_000);

  it('HubSpot under the free-tier limit: the connector paces itself, so nothing is refused', async () => {
    const figures = await hubspotFreeTierFigures([60]);
    expect(figures).toHaveLength(2);
    for (const figure of figures) {
      expect(figure.against?.refused, figure.name).toBe(0);
      expect(figure.value).toBeGreaterThan(0);
    }
  }, 90_000);

  it('webhooks: every delivery acknowledged, every change in the sheet, fewer Sheets writes than changes', async () => {
    const figures = await webhookFigures({ events: 40, perSecond: 40, samples: 2, rows: 10 });
    expect(byName(figures, 'acknowledgement').against?.errors).toBe(0);
    const writes = byName(figures, 'Sheets API write requests').against?.writes ?? Number.NaN;
    expect(writes).toBeGreaterThan(0);
    expect(writes).toBeLessThan(40);
    expect(byName(figures, 'change to sheet row').value).toBeGreaterThan(0);
  }, 120_000);

  it('load: webhooks and add-on calls together, no errors, every change applied', async () => {
    const figures = await loadFigures({ seconds: 2, rows: 10, webhooksPerSecond: 20, apiCallsPerSecond: 5 });
    expect(byName(figures, 'rows missing their last change').value).toBe(0);
    const errors = byName(figures, 'error rate');
    expect(errors.value).toBe(0);
    expect(errors.against?.requests).toBe(2 * 20 + 2 * 5);
  }, 120_000);
});
