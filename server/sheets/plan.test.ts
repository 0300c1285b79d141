import { describe, expect, it } from 'vitest';
import { layoutOf } from './layout.ts';
import { type Operation, planBatch, rowsTooLongForSheets, type TabState } from './plan.ts';

const layout = layoutOf(['Name', 'Email', 'Phone', 'City', 'Status', 'Rowbridge ID']);
if (!layout) throw new Error('the test header row has an ID column');
const ready = (ids: Record<string, number[]>): Map<string, TabState> =>
  new Map([["Bob's leads", { status: 'ready', layout, ids: new Map(Object.entries(ids)) }]]);
const update = (rowId: string, values: Record<string, string | null>): Operation => ({
  kind: 'update',
  tab: "Bob's leads",
  change: { rowId, values },
});

describe('planBatch', () => {
  it('writes each row in runs of adjacent columns, later values winning, nulls as ""', () => {
    const plan = planBatch(
      [
        update('a', { Name: 'x', Email: 'y' }),
        update('a', { Status: 'z', email: 'y2' }),
        update('b', { Phone: null }),
      ],
      ready({ a: [7], b: [9] }),
    );
    expect(plan.updates).toEqual([
      { range: "'Bob''s leads'!A7:B7", values: [['x', 'y2']] },
      { range: "'Bob''s leads'!E7", values: [['z']] },
      { range: "'Bob''s leads'!C9", values: [['']] },
    ]);
    expect(plan.results).toEqual([
      { rowId: 'a', status: 'updated', rowNumber: 7 },
      { rowId: 'a', status: 'updated', rowNumber: 7 },
      { rowId: 'b', status: 'updated', rowNumber: 9 },
    ]);
    expect(plan.appends).toEqual([]);
  });

  it('refuses to write the ID column, and an empty row ID', () => {
    const plan = planBatch(
      [update('a', { 'rowbridge id': 'other' }), update(' ', { Name: 'x' })],
      ready({ a: [2] }),
    );
    expect(plan.results.map((r) => r?.status === 'failed' && r.problem.code)).toEqual([
      'invalid_input',
      'invalid_input',
    ]);
    expect(plan.updates).toEqual([]);
  });

  it('lays out new rows by header, with the ID in its column', () => {
    const plan = planBatch(
      [{ kind: 'append', tab: "Bob's leads", change: { rowId: 'n1', values: { City: 'Oslo' } } }],
      ready({}),
    );
    expect(plan.appends).toEqual([
      {
        tab: "Bob's leads",
        range: "'Bob''s leads'!A1:F1",
        rows: [{ rowId: 'n1', values: [null, null, null, 'Oslo', null, 'n1'], ops: [0] }],
      },
    ]);
    expect(plan.results).toEqual([undefined]);
  });
});

describe('rowsTooLongForSheets', () => {
  it('names each row holding a value over 50,000 characters, with the column and length', () => {
    const refused = rowsTooLongForSheets([
      { rowId: 'fits', values: { Name: 'x'.repeat(50_000), City: null, Phone: 12 } },
      { rowId: 'long', values: { Name: 'Ann', Notes: 'y'.repeat(50_001), Bio: 'z'.repeat(60_000) } },
    ]);
    expect(refused).toEqual([
      {
        rowId: 'long',
        reason: 'rejected',
        code: 'sheets_rejected',
        message: expect.stringMatching(/^The value for "Notes" is 50,001 characters long/),
      },
    ]);
  });
});
