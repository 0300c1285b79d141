import { describe, expect, it } from 'vitest';
import { defaultMapping, detectColumns } from '../../shared/mapping/index.ts';
import type { CrmRecord } from '../connectors/types.ts';
import { tableFields } from './fields.ts';
import { planRecord, stampBaseChanges } from './merge-record.ts';

const fields = tableFields(
  defaultMapping('hubspot', 'contacts', detectColumns(['Email', 'City', 'Job Title'])),
);
const base = { email: 'ann@acme.example', city: 'Leeds', title: 'Lead' };
const crm: CrmRecord = {
  id: '101',
  properties: { email: 'ann@acme.example', city: 'Leeds', jobtitle: 'Lead' },
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const cells = { Email: 'ann@acme.example', City: 'Start', 'Job Title': 'Lead' };

describe('planRecord with pushed cells', () => {
  it('sends a pushed edit to the CRM when the cells were taken after the base last moved', () => {
    const plan = planRecord(
      fields,
      'manual',
      { base, stamps: { city: { baseAt: 1_000 } }, crm, cells, cellsTakenAt: 2_000, ownSourceIds: [] },
      {},
      3_000,
    );
    expect(plan.toCrm).toEqual({ city: 'Start' });
    expect(plan.base.city).toBe('Start');
    expect(plan.stamps.city?.baseAt).toBe(3_000);
  });

  it('ignores a pushed cell taken before its field’s base moved: the sheet has had a newer value since', () => {
    const plan = planRecord(
      fields,
      'manual',
      { base, stamps: { city: { baseAt: 2_500 } }, crm, cells, cellsTakenAt: 2_000, ownSourceIds: [] },
      {},
      3_000,
    );
    expect(plan.toCrm).toEqual({});
    expect(plan.toSheet).toEqual({});
    expect(plan.base).toEqual(base);
    expect(plan.stamps.city?.baseAt).toBe(2_500);
  });

  it('judges other fields of the same stale push as usual', () => {
    const plan = planRecord(
      fields,
      'manual',
      {
        base,
        stamps: { city: { baseAt: 2_500 } },
        crm,
        cells: { ...cells, 'Job Title': 'Owner' },
        cellsTakenAt: 2_000,
        ownSourceIds: [],
      },
      {},
      3_000,
    );
    expect(plan.toCrm).toEqual({ jobtitle: 'Owner' });
  });
});

describe('stampBaseChanges', () => {
  it('stamps exactly the fields whose base value changed, keeping their other stamps', () => {
    const stamps = stampBaseChanges(
      { city: { crmAt: 5 }, email: { baseAt: 1 } },
      { city: 'Leeds', email: 'a@b.example', title: null },
      { city: 'York', email: 'a@b.example', title: 'CEO' },
      9,
    );
    expect(stamps).toEqual({ city: { crmAt: 5, baseAt: 9 }, email: { baseAt: 1 }, title: { baseAt: 9 } });
  });
});
