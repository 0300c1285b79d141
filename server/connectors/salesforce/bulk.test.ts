import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpsertInput } from '../types.ts';
import { virtualClock } from '../virtual-clock.ts';
import { BULK_THRESHOLD } from './bulk.ts';
import { type SalesforceHarness, salesforceHarness } from './harness.ts';

describe('Salesforce upserts above the Collections threshold go through Bulk API 2.0', () => {
  let h: SalesforceHarness;
  beforeAll(async () => {
    h = await salesforceHarness({ clock: virtualClock() });
    await h.connector.ensureProperties('Lead', [h.rowId]);
  });
  afterAll(() => h.close?.());

  const inputs = (n: number, from = 0): UpsertInput[] =>
    Array.from({ length: n }, (_, i) => ({
      key: { property: 'Rowbridge_Id__c', value: `bulk-${from + i}` },
      properties: { LastName: `Bulk ${from + i}`, Company: 'Bulkco', Email: `bulk${from + i}@bulk.example` },
    }));

  it('creates then updates in a handful of requests, each result in input order', async () => {
    const n = BULK_THRESHOLD + 100;
    const before = h.sandbox.state.requests().length;
    const created = await h.connector.upsertRecords('Lead', inputs(n));
    const sent = h.sandbox.state.requests().slice(before);
    expect(created.every((r) => r.status === 'created')).toBe(true);
    expect(sent.every((r) => r.path.includes('/jobs/ingest'))).toBe(true);
    // Collections would need ceil(2,100 / 200) = 11 calls; a job is create, upload, close, polls, results.
    expect(sent.length).toBeLessThanOrEqual(10);
    const ids = created.map((r) => (r.status === 'failed' ? '' : r.id));
    expect(new Set(ids).size).toBe(n);

    const again = await h.connector.upsertRecords('Lead', inputs(n));
    expect(again.every((r) => r.status === 'updated')).toBe(true);
    expect(again.map((r) => (r.status === 'failed' ? '' : r.id))).toEqual(ids);
  });

  it('fails a record Salesforce refuses alone, with its reason', async () => {
    const batch = inputs(BULK_THRESHOLD + 1, 10_000);
    const bad = { ...batch[5], properties: { LastName: '', Company: 'Bulkco' } } as UpsertInput;
    batch[5] = bad;
    const results = await h.connector.upsertRecords('Lead', batch);
    expect(results[5]).toMatchObject({ status: 'failed', error: { code: 'crm_rejected' } });
    expect(results.filter((r) => r.status === 'created')).toHaveLength(batch.length - 1);
  });
});
