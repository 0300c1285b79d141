import { describe, expect, it } from 'vitest';
import { isRowbridgeError } from '../errors.ts';
import type { FieldType, FieldValue } from '../fields.ts';
import { applyMerge } from './apply.ts';
import { describeValue, fieldLabel } from './explain.ts';
import { merge } from './merge.ts';
import { resolveConflict } from './resolve.ts';
import {
  type ConflictPolicy,
  DECISION_RULES,
  type DecisionRule,
  type Direction,
  fieldConflictSchema,
  fieldDecisionSchema,
  type MergeResult,
  mergeInputSchema,
  type SideValue,
} from './types.ts';

interface Case {
  readonly key?: string;
  readonly type?: FieldType;
  readonly direction?: Direction;
  readonly policy?: ConflictPolicy;
  readonly base?: FieldValue;
  readonly sheet?: FieldValue | SideValue;
  readonly crm?: FieldValue | SideValue;
}

function side(value: FieldValue | SideValue | undefined): Record<string, SideValue> {
  if (value === undefined) return {};
  return { email: value !== null && typeof value === 'object' ? value : { value } };
}

/** Merges one `email` field (or the given key/type); an omitted base or side is absent from the input. */
function mergeOne(c: Case): MergeResult {
  const key = c.key ?? 'email';
  const rekey = (record: Record<string, SideValue>) =>
    Object.fromEntries(Object.values(record).map((value) => [key, value]));
  return merge({
    fields: [{ key, type: c.type ?? 'email', direction: c.direction ?? 'both' }],
    base: c.base === undefined ? {} : { [key]: c.base },
    sheet: rekey(side(c.sheet)),
    crm: rekey(side(c.crm)),
    policy: c.policy ?? 'manual',
  });
}

function decisionOf(result: MergeResult) {
  const [decision] = result.decisions;
  if (!decision) throw new Error('no decision');
  return decision;
}

describe('merge: the rule per field', () => {
  it('does nothing when neither side changed', () => {
    const result = mergeOne({ base: 'a@x.com', sheet: 'a@x.com', crm: 'a@x.com' });
    expect(decisionOf(result)).toMatchObject({ field: 'email', action: 'none', rule: 'unchanged' });
    expect(decisionOf(result).value).toBeUndefined();
    expect(result).toMatchObject({ toCrm: {}, toSheet: {}, conflicts: [], base: { email: 'a@x.com' } });
  });

  it('sends a sheet edit to the CRM and explains it with both values', () => {
    const result = mergeOne({ base: 'a@x.com', sheet: 'b@x.com', crm: 'a@x.com' });
    expect(decisionOf(result)).toEqual({
      field: 'email',
      action: 'write_crm',
      rule: 'sheet_changed',
      value: 'b@x.com',
      explanation:
        'Email changed in the sheet ("a@x.com" → "b@x.com") and not in the CRM: sending the sheet value to the CRM.',
    });
    expect(result).toMatchObject({ toCrm: { email: 'b@x.com' }, toSheet: {}, base: { email: 'b@x.com' } });
  });

  it('writes a CRM edit to the sheet', () => {
    const result = mergeOne({ base: 'a@x.com', sheet: 'a@x.com', crm: 'c@x.com' });
    expect(decisionOf(result)).toMatchObject({
      action: 'write_sheet',
      rule: 'crm_changed',
      value: 'c@x.com',
    });
    expect(result).toMatchObject({ toCrm: {}, toSheet: { email: 'c@x.com' }, base: { email: 'c@x.com' } });
  });

  it('only advances the base when both sides changed to the same value', () => {
    const result = mergeOne({ base: 'a@x.com', sheet: 'B@X.com', crm: 'b@x.com' });
    expect(decisionOf(result)).toMatchObject({
      action: 'advance_base',
      rule: 'both_changed_equal',
      value: 'b@x.com',
    });
    expect(result).toMatchObject({ toCrm: {}, toSheet: {}, base: { email: 'b@x.com' } });
  });

  it('treats a case-only email change as no change', () => {
    const result = mergeOne({ base: 'a@x.com', sheet: 'A@X.COM', crm: 'a@x.com' });
    expect(decisionOf(result)).toMatchObject({ action: 'none', rule: 'unchanged' });
    expect(result.toCrm).toEqual({});
  });

  it('compares with the field type: a reformatted phone number or number is unchanged', () => {
    const phone = mergeOne({
      key: 'phone',
      type: 'phone',
      base: '+14155552671',
      sheet: '+1 (415) 555-2671',
      crm: '0014155552671',
    });
    expect(decisionOf(phone).rule).toBe('unchanged');
    const amount = mergeOne({ key: 'deal_value', type: 'number', base: 1200, sheet: '1,200', crm: 1200 });
    expect(decisionOf(amount).rule).toBe('unchanged');
  });

  it('sends a cleared sheet cell to the CRM as null', () => {
    const result = mergeOne({ base: 'a@x.com', sheet: null, crm: 'a@x.com' });
    expect(decisionOf(result)).toMatchObject({ action: 'write_crm', rule: 'sheet_changed', value: null });
    expect(result.toCrm).toEqual({ email: null });
    expect(result.base).toEqual({ email: null });
    expect(decisionOf(result).explanation).toContain('("a@x.com" → empty)');
  });

  it('reads a missing side as empty: a CRM without the property is a cleared value', () => {
    const result = mergeOne({ base: 'a@x.com', sheet: 'a@x.com' });
    expect(decisionOf(result)).toMatchObject({ action: 'write_sheet', rule: 'crm_changed', value: null });
  });

  it('stores the normalised value as the base', () => {
    const result = mergeOne({ base: 'a@x.com', sheet: '  Ann <B@X.COM> ', crm: 'a@x.com' });
    expect(result.toCrm).toEqual({ email: '  Ann <B@X.COM> ' });
    expect(result.base).toEqual({ email: 'b@x.com' });
  });
});

describe('merge: first link (empty base)', () => {
  it('sends a sheet value to an empty CRM', () => {
    const result = mergeOne({ sheet: 'a@x.com', crm: null });
    expect(decisionOf(result)).toMatchObject({
      action: 'write_crm',
      rule: 'sheet_changed',
      value: 'a@x.com',
    });
    expect(result.base).toEqual({ email: 'a@x.com' });
  });

  it('reports a conflict when both sides hold different values', () => {
    const result = mergeOne({ sheet: 'a@x.com', crm: 'b@x.com' });
    expect(decisionOf(result)).toMatchObject({ action: 'conflict', rule: 'policy_manual' });
    expect(result.conflicts).toEqual([
      {
        field: 'email',
        base: null,
        sheet: { value: 'a@x.com' },
        crm: { value: 'b@x.com' },
        explanation: decisionOf(result).explanation,
      },
    ]);
    expect(result.base).toEqual({ email: null });
  });

  it('agrees without writing when both sides already hold the same value', () => {
    const result = mergeOne({ sheet: 'A@x.com', crm: 'a@x.com' });
    expect(decisionOf(result)).toMatchObject({ action: 'advance_base', rule: 'both_changed_equal' });
  });
});

describe('merge: conflict policies', () => {
  const both = {
    base: 'a@x.com',
    sheet: { value: 'b@x.com', changedAt: 2000 },
    crm: { value: 'c@x.com', changedAt: 1000 },
  };

  it('manual: records the conflict and touches neither side nor the base', () => {
    const result = mergeOne({ ...both, policy: 'manual' });
    expect(decisionOf(result)).toMatchObject({ action: 'conflict', rule: 'policy_manual' });
    expect(decisionOf(result).value).toBeUndefined();
    expect(decisionOf(result).explanation).toBe(
      'Email changed on both sides since the last sync ("a@x.com"): the sheet has "b@x.com", the CRM has "c@x.com". Both sides are left as they are until someone chooses.',
    );
    expect(result).toMatchObject({ toCrm: {}, toSheet: {}, base: { email: 'a@x.com' } });
    expect(result.conflicts).toHaveLength(1);
  });

  it('sheet-wins: writes the sheet value to the CRM', () => {
    const result = mergeOne({ ...both, policy: 'sheet-wins' });
    expect(decisionOf(result)).toMatchObject({
      action: 'resolved',
      rule: 'policy_sheet_wins',
      winner: 'sheet',
      value: 'b@x.com',
    });
    expect(decisionOf(result).explanation).toContain('replaces the CRM value "c@x.com"');
    expect(result).toMatchObject({
      toCrm: { email: 'b@x.com' },
      toSheet: {},
      base: { email: 'b@x.com' },
      conflicts: [],
    });
  });

  it('crm-wins: writes the CRM value to the sheet', () => {
    const result = mergeOne({ ...both, policy: 'crm-wins' });
    expect(decisionOf(result)).toMatchObject({
      action: 'resolved',
      rule: 'policy_crm_wins',
      winner: 'crm',
      value: 'c@x.com',
    });
    expect(decisionOf(result).explanation).toContain('replaces the sheet value "b@x.com"');
    expect(result).toMatchObject({
      toCrm: {},
      toSheet: { email: 'c@x.com' },
      base: { email: 'c@x.com' },
      conflicts: [],
    });
  });

  it('last-writer-wins: the newer sheet edit wins', () => {
    const result = mergeOne({ ...both, policy: 'last-writer-wins' });
    expect(decisionOf(result)).toMatchObject({
      action: 'resolved',
      rule: 'policy_lww_sheet_newer',
      winner: 'sheet',
    });
    expect(decisionOf(result).explanation).toContain('1970-01-01T00:00:02.000Z');
    expect(result.toCrm).toEqual({ email: 'b@x.com' });
  });

  it('last-writer-wins: the newer CRM edit wins', () => {
    const result = mergeOne({
      ...both,
      crm: { value: 'c@x.com', changedAt: 3000 },
      policy: 'last-writer-wins',
    });
    expect(decisionOf(result)).toMatchObject({
      action: 'resolved',
      rule: 'policy_lww_crm_newer',
      winner: 'crm',
    });
    expect(result.toSheet).toEqual({ email: 'c@x.com' });
  });

  it('last-writer-wins: a tie goes to the CRM', () => {
    const result = mergeOne({
      ...both,
      crm: { value: 'c@x.com', changedAt: 2000 },
      policy: 'last-writer-wins',
    });
    expect(decisionOf(result)).toMatchObject({ action: 'resolved', rule: 'policy_lww_tie', winner: 'crm' });
    expect(result.toSheet).toEqual({ email: 'c@x.com' });
  });

  it('last-writer-wins: a missing stamp counts as oldest, and two missing stamps tie', () => {
    const sheetStamped = mergeOne({ ...both, crm: 'c@x.com', policy: 'last-writer-wins' });
    expect(decisionOf(sheetStamped).rule).toBe('policy_lww_sheet_newer');
    const noStamps = mergeOne({
      base: 'a@x.com',
      sheet: 'b@x.com',
      crm: 'c@x.com',
      policy: 'last-writer-wins',
    });
    expect(decisionOf(noStamps)).toMatchObject({ rule: 'policy_lww_tie', winner: 'crm' });
    expect(decisionOf(noStamps).explanation).toContain('an unknown time');
  });

  it('policies only act on conflicts: a one-sided edit still syncs', () => {
    for (const policy of ['manual', 'sheet-wins', 'crm-wins', 'last-writer-wins'] as const) {
      const result = mergeOne({ base: 'a@x.com', sheet: 'a@x.com', crm: 'c@x.com', policy });
      expect(decisionOf(result).rule).toBe('crm_changed');
    }
  });
});

describe('merge: direction', () => {
  it('sheet_to_crm ignores a CRM-only change', () => {
    const result = mergeOne({ direction: 'sheet_to_crm', base: 'a@x.com', sheet: 'a@x.com', crm: 'c@x.com' });
    expect(decisionOf(result)).toMatchObject({ action: 'none', rule: 'direction_sheet_to_crm' });
    expect(result).toMatchObject({ toCrm: {}, toSheet: {}, base: { email: 'a@x.com' } });
  });

  it('sheet_to_crm sends the sheet value when both changed, without a conflict', () => {
    const result = mergeOne({ direction: 'sheet_to_crm', base: 'a@x.com', sheet: 'b@x.com', crm: 'c@x.com' });
    expect(decisionOf(result)).toMatchObject({
      action: 'write_crm',
      rule: 'direction_sheet_to_crm',
      value: 'b@x.com',
    });
    expect(result).toMatchObject({ toCrm: { email: 'b@x.com' }, base: { email: 'b@x.com' }, conflicts: [] });
  });

  it('sheet_to_crm still sends sheet edits', () => {
    const result = mergeOne({ direction: 'sheet_to_crm', base: 'a@x.com', sheet: 'b@x.com', crm: 'a@x.com' });
    expect(decisionOf(result)).toMatchObject({ action: 'write_crm', rule: 'sheet_changed' });
  });

  it('crm_to_sheet ignores a sheet-only change', () => {
    const result = mergeOne({ direction: 'crm_to_sheet', base: 'a@x.com', sheet: 'b@x.com', crm: 'a@x.com' });
    expect(decisionOf(result)).toMatchObject({ action: 'none', rule: 'direction_crm_to_sheet' });
    expect(result).toMatchObject({ toCrm: {}, toSheet: {}, base: { email: 'a@x.com' } });
  });

  it('crm_to_sheet writes the CRM value when both changed, whatever the policy', () => {
    const result = mergeOne({
      direction: 'crm_to_sheet',
      policy: 'sheet-wins',
      base: 'a@x.com',
      sheet: 'b@x.com',
      crm: 'c@x.com',
    });
    expect(decisionOf(result)).toMatchObject({
      action: 'write_sheet',
      rule: 'direction_crm_to_sheet',
      value: 'c@x.com',
    });
    expect(result).toMatchObject({
      toSheet: { email: 'c@x.com' },
      base: { email: 'c@x.com' },
      conflicts: [],
    });
  });

  it('a one-way field still advances the base when both sides agree', () => {
    const result = mergeOne({ direction: 'crm_to_sheet', base: 'a@x.com', sheet: 'c@x.com', crm: 'C@x.com' });
    expect(decisionOf(result)).toMatchObject({ action: 'advance_base', rule: 'both_changed_equal' });
  });
});

describe('merge: echo suppression', () => {
  it('ignores a CRM change flagged as our own write', () => {
    const result = mergeOne({ base: 'a@x.com', sheet: 'a@x.com', crm: { value: 'c@x.com', echo: true } });
    expect(decisionOf(result)).toMatchObject({ action: 'none', rule: 'echo' });
    expect(decisionOf(result).explanation).toContain('our own earlier write');
    expect(result).toMatchObject({ toCrm: {}, toSheet: {}, base: { email: 'a@x.com' } });
  });

  it('an echo never makes a conflict: the sheet edit is sent', () => {
    const result = mergeOne({ base: 'a@x.com', sheet: 'b@x.com', crm: { value: 'c@x.com', echo: true } });
    expect(decisionOf(result)).toMatchObject({
      action: 'write_crm',
      rule: 'sheet_changed',
      value: 'b@x.com',
    });
  });

  it('an echo equal to the base is plainly unchanged', () => {
    const result = mergeOne({ base: 'a@x.com', sheet: 'a@x.com', crm: { value: 'A@x.com', echo: true } });
    expect(decisionOf(result).rule).toBe('unchanged');
  });
});

describe('merge: the record', () => {
  it('merges non-conflicting fields of one record and keeps decisions in field order', () => {
    const result = merge({
      fields: [
        { key: 'email', type: 'email', direction: 'both' },
        { key: 'first_name', type: 'name', direction: 'both' },
        { key: 'custom.tier', type: 'text', direction: 'both', label: 'Tier' },
        { key: 'score', type: 'number', direction: 'both' },
      ],
      base: { email: 'a@x.com', first_name: 'Ann', 'custom.tier': 'gold', score: 5, unmapped: 'kept' },
      sheet: {
        email: { value: 'b@x.com' },
        first_name: { value: 'ANN' },
        'custom.tier': { value: 'gold' },
        score: { value: 7 },
      },
      crm: {
        email: { value: 'a@x.com' },
        first_name: { value: 'Ann' },
        'custom.tier': { value: 'silver' },
        score: { value: 9 },
      },
      policy: 'manual',
    });
    expect(result.decisions.map((d) => [d.field, d.rule])).toEqual([
      ['email', 'sheet_changed'],
      ['first_name', 'unchanged'],
      ['custom.tier', 'crm_changed'],
      ['score', 'policy_manual'],
    ]);
    expect(result.decisions[2]?.explanation).toMatch(/^Tier changed in the CRM/);
    expect(result.toCrm).toEqual({ email: 'b@x.com' });
    expect(result.toSheet).toEqual({ 'custom.tier': 'silver' });
    expect(result.base).toEqual({
      email: 'b@x.com',
      first_name: 'Ann',
      'custom.tier': 'silver',
      score: 5,
      unmapped: 'kept',
    });
    expect(result.conflicts.map((c) => c.field)).toEqual(['score']);
  });

  it('rejects a field listed twice', () => {
    const field = { key: 'email', type: 'email', direction: 'both' } as const;
    let caught: unknown;
    try {
      merge({ fields: [field, field], base: {}, sheet: {}, crm: {}, policy: 'manual' });
    } catch (error) {
      caught = error;
    }
    expect(isRowbridgeError(caught) && caught.code).toBe('invalid_input');
  });

  it('covers every rule code in these examples', () => {
    const seen = new Set<DecisionRule>();
    const cases: Case[] = [
      { base: 'a@x.com', sheet: 'a@x.com', crm: 'a@x.com' },
      { base: 'a@x.com', sheet: 'a@x.com', crm: { value: 'c@x.com', echo: true } },
      { base: 'a@x.com', sheet: 'b@x.com', crm: 'a@x.com' },
      { base: 'a@x.com', sheet: 'a@x.com', crm: 'c@x.com' },
      { base: 'a@x.com', sheet: 'b@x.com', crm: 'b@x.com' },
      { base: 'a@x.com', sheet: 'a@x.com', crm: 'c@x.com', direction: 'sheet_to_crm' },
      { base: 'a@x.com', sheet: 'b@x.com', crm: 'a@x.com', direction: 'crm_to_sheet' },
      { base: 'a@x.com', sheet: 'b@x.com', crm: 'c@x.com', policy: 'manual' },
      { base: 'a@x.com', sheet: 'b@x.com', crm: 'c@x.com', policy: 'sheet-wins' },
      { base: 'a@x.com', sheet: 'b@x.com', crm: 'c@x.com', policy: 'crm-wins' },
      {
        base: 'a@x.com',
        sheet: { value: 'b@x.com', changedAt: 2 },
        crm: 'c@x.com',
        policy: 'last-writer-wins',
      },
      {
        base: 'a@x.com',
        sheet: 'b@x.com',
        crm: { value: 'c@x.com', changedAt: 2 },
        policy: 'last-writer-wins',
      },
      { base: 'a@x.com', sheet: 'b@x.com', crm: 'c@x.com', policy: 'last-writer-wins' },
    ];
    for (const c of cases) {
      const decision = decisionOf(mergeOne(c));
      expect(fieldDecisionSchema.parse(decision)).toEqual(decision);
      seen.add(decision.rule);
    }
    expect([...seen].sort()).toEqual([...DECISION_RULES].sort());
  });

  it('accepts its input and emits conflicts in the shapes its schemas describe', () => {
    const input = mergeInputSchema.parse({
      fields: [{ key: 'email', type: 'email', direction: 'both' }],
      base: { email: 'a@x.com' },
      sheet: { email: { value: 'b@x.com', changedAt: 1 } },
      crm: { email: { value: 'c@x.com' } },
      policy: 'manual',
    });
    const [conflict] = merge(input).conflicts;
    expect(fieldConflictSchema.parse(conflict)).toEqual(conflict);
    expect(mergeInputSchema.safeParse({ ...input, policy: 'newest' }).success).toBe(false);
  });
});

describe('applyMerge', () => {
  it('applies the writes to both sides and saves the base, leaving the input untouched', () => {
    const state = {
      sheet: { email: { value: 'b@x.com', changedAt: 5 }, phone: { value: '+14155552671' } },
      crm: { email: { value: 'a@x.com', changedAt: 1, echo: true }, phone: { value: '+14155552672' } },
      base: { email: 'a@x.com', phone: '+14155552671' },
    };
    const fields = [
      { key: 'email', type: 'email', direction: 'both' },
      { key: 'phone', type: 'phone', direction: 'both' },
    ] as const;
    const result = merge({ fields, ...state, policy: 'manual' });
    const next = applyMerge(state, result);
    expect(next).toEqual({
      sheet: { email: { value: 'b@x.com', changedAt: 5 }, phone: { value: '+14155552672' } },
      crm: { email: { value: 'b@x.com' }, phone: { value: '+14155552672' } },
      base: { email: 'b@x.com', phone: '+14155552672' },
    });
    expect(state.crm.email).toEqual({ value: 'a@x.com', changedAt: 1, echo: true });
    const again = merge({ fields, ...next, policy: 'manual' });
    expect(again.decisions.map((d) => d.action)).toEqual(['none', 'none']);
  });
});

describe('resolveConflict', () => {
  const [conflict] = mergeOne({ base: 'a@x.com', sheet: 'b@x.com', crm: 'c@x.com' }).conflicts;
  if (!conflict) throw new Error('expected a conflict');

  it('take sheet: writes the sheet value to the CRM', () => {
    expect(resolveConflict(conflict, { take: 'sheet' }, 'email')).toEqual({
      field: 'email',
      value: 'b@x.com',
      writeSheet: false,
      writeCrm: true,
      base: 'b@x.com',
      explanation: 'Email: kept the sheet value "b@x.com"; it replaces the CRM value "c@x.com".',
    });
  });

  it('take crm: writes the CRM value to the sheet', () => {
    expect(resolveConflict(conflict, { take: 'crm' }, 'email')).toEqual({
      field: 'email',
      value: 'c@x.com',
      writeSheet: true,
      writeCrm: false,
      base: 'c@x.com',
      explanation: 'Email: kept the CRM value "c@x.com"; it replaces the sheet value "b@x.com".',
    });
  });

  it('custom: writes the typed value to both sides, normalised in the base', () => {
    const resolution = resolveConflict(conflict, { take: 'custom', value: 'D@X.com' }, 'email', 'Work email');
    expect(resolution).toEqual({
      field: 'email',
      value: 'D@X.com',
      writeSheet: true,
      writeCrm: true,
      base: 'd@x.com',
      explanation:
        'Work email: set to "D@X.com" on both sides, replacing the sheet value "b@x.com" and the CRM value "c@x.com".',
    });
  });

  it('custom: a side already holding an equal value is not written', () => {
    const resolution = resolveConflict(conflict, { take: 'custom', value: 'B@x.com' }, 'email');
    expect(resolution).toMatchObject({ writeSheet: false, writeCrm: true, base: 'b@x.com' });
  });

  it('the resolved state merges as unchanged', () => {
    const resolution = resolveConflict(conflict, { take: 'custom', value: null }, 'email');
    const result = mergeOne({ base: resolution.base, sheet: resolution.value, crm: resolution.value });
    expect(decisionOf(result).rule).toBe('unchanged');
  });
});

describe('explanations', () => {
  it('names fields by label and shows values readably', () => {
    expect(fieldLabel({ key: 'deal_close_date' })).toBe('Deal close date');
    expect(fieldLabel({ key: 'custom.tier' })).toBe('custom.tier');
    expect(fieldLabel({ key: 'custom.tier', label: 'Tier' })).toBe('Tier');
    expect(describeValue(null)).toBe('empty');
    expect(describeValue(12.5)).toBe('12.5');
    expect(describeValue(false)).toBe('false');
    expect(describeValue('x'.repeat(200))).toHaveLength(82);
  });

  it('never throws on an out-of-range edit stamp', () => {
    const result = mergeOne({
      base: 'a@x.com',
      sheet: { value: 'b@x.com', changedAt: 1e300 },
      crm: 'c@x.com',
      policy: 'last-writer-wins',
    });
    expect(decisionOf(result).explanation).toContain('1e+300 ms');
  });
});

describe('normalisation options', () => {
  const phone = [{ key: 'phone', type: 'phone', direction: 'both' }] as const;

  it('compares local phone numbers in the table region, so a reformatted number is no edit', () => {
    const input = {
      fields: phone,
      base: { phone: '+442079460958' },
      sheet: { phone: { value: '020 7946 0958' } },
      crm: { phone: { value: '+44 20 7946 0958' } },
      policy: 'manual',
    } as const;
    expect(merge({ ...input, options: { region: 'GB' } }).decisions[0]?.rule).toBe('unchanged');
    // Without the region the local spelling cannot be read as that number: it looks like an edit.
    expect(merge(input).decisions[0]?.rule).toBe('sheet_changed');
  });
});
