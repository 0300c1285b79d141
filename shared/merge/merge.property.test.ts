import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FieldType, FieldValue } from '../fields.ts';
import { normalizeValue, valuesEqual } from '../normalize/index.ts';
import { applyMerge, type SyncState } from './apply.ts';
import { describeValue, fieldLabel } from './explain.ts';
import { merge } from './merge.ts';
import type {
  ConflictPolicy,
  Direction,
  FieldDecision,
  MergeField,
  MergeInput,
  MergeResult,
  SideValue,
} from './types.ts';

/**
 * Small value pools per field type, so that equal values, case and format variants ("A@X.com" and
 * "a@x.com", "1,200" and 1200, "14 Mar 2025" and "2025-03-14") and clears meet often.
 */
const POOL: readonly {
  readonly key: string;
  readonly type: FieldType;
  readonly values: readonly FieldValue[];
}[] = [
  { key: 'email', type: 'email', values: ['a@x.com', 'A@X.com', 'b@x.com', 'B@x.COM', 'c@y.org', '', null] },
  {
    key: 'phone',
    type: 'phone',
    values: ['+14155552671', '+1 415 555 2671', '+442079460958', '+44 20 7946 0958', null],
  },
  { key: 'first_name', type: 'name', values: ['Ann', 'ANN', 'Anne', 'José', 'jose', 'Bob', null] },
  { key: 'title', type: 'text', values: ['CEO', 'ceo', ' CEO ', 'CTO', 'n/a', null] },
  { key: 'score', type: 'number', values: [1, 2, '2', 1200, '1,200', 0, null] },
  { key: 'deal_close_date', type: 'date', values: ['2025-03-14', '14 Mar 2025', '2025-03-15', null] },
  { key: 'custom.tier', type: 'text', values: ['gold', 'Gold', 'silver', null] },
];
type PoolEntry = (typeof POOL)[number];

const POLICIES: readonly ConflictPolicy[] = ['manual', 'last-writer-wins', 'sheet-wins', 'crm-wins'];
// Mostly two-way, as in real mappings, but one-way fields often enough to meet every rule.
const directionArb = fc.constantFrom<Direction>('both', 'both', 'both', 'sheet_to_crm', 'crm_to_sheet');

/** One side of one field: the base value again (unchanged), a pool value, or no value at all. */
type SideSpec =
  | { readonly kind: 'same' }
  | { readonly kind: 'absent' }
  | { readonly kind: 'value'; readonly value: FieldValue };

function sideSpecArb(entry: PoolEntry, unchangedWeight: number): fc.Arbitrary<SideSpec> {
  return fc.oneof(
    { weight: unchangedWeight, arbitrary: fc.constant<SideSpec>({ kind: 'same' }) },
    { weight: 1, arbitrary: fc.constant<SideSpec>({ kind: 'absent' }) },
    {
      weight: 5,
      arbitrary: fc.constantFrom(...entry.values).map((value): SideSpec => ({ kind: 'value', value })),
    },
  );
}

const stampArb = fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined });

interface FieldCase {
  readonly field: MergeField;
  readonly base: FieldValue | undefined;
  readonly sheet: SideSpec;
  readonly crm: SideSpec;
  readonly sheetAt: number | undefined;
  readonly crmAt: number | undefined;
  readonly echo: boolean;
}

function fieldCaseArb(entry: PoolEntry, unchangedWeight: number): fc.Arbitrary<FieldCase> {
  return fc.record({
    field: directionArb.map((direction): MergeField => ({ key: entry.key, type: entry.type, direction })),
    base: fc.option(fc.constantFrom(...entry.values), { nil: undefined, freq: 5 }),
    sheet: sideSpecArb(entry, unchangedWeight),
    crm: sideSpecArb(entry, unchangedWeight),
    sheetAt: stampArb,
    crmAt: stampArb,
    echo: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 3, arbitrary: fc.constant(false) }),
  });
}

function sideValue(
  spec: SideSpec,
  base: FieldValue | undefined,
  at: number | undefined,
  echo: boolean,
): SideValue | undefined {
  if (spec.kind === 'absent') return undefined;
  const value = spec.kind === 'same' ? (base ?? null) : spec.value;
  return { value, ...(at === undefined ? {} : { changedAt: at }), ...(echo ? { echo: true } : {}) };
}

function buildInput(cases: readonly FieldCase[], policy: ConflictPolicy): MergeInput {
  const base: Record<string, FieldValue> = {};
  const sheet: Record<string, SideValue> = {};
  const crm: Record<string, SideValue> = {};
  for (const c of cases) {
    const key = c.field.key;
    if (c.base !== undefined) base[key] = c.base;
    const s = sideValue(c.sheet, c.base, c.sheetAt, false);
    const r = sideValue(c.crm, c.base, c.crmAt, c.echo);
    if (s) sheet[key] = s;
    if (r) crm[key] = r;
  }
  return { fields: cases.map((c) => c.field), base, sheet, crm, policy };
}

function recordArb(unchangedWeight: number): fc.Arbitrary<MergeInput> {
  return fc
    .tuple(
      fc
        .shuffledSubarray(POOL as PoolEntry[], { minLength: 1 })
        .chain((entries) => fc.tuple(...entries.map((entry) => fieldCaseArb(entry, unchangedWeight)))),
      fc.constantFrom(...POLICIES),
    )
    .map(([cases, policy]) => buildInput(cases, policy));
}

/** Records as sync meets them (most fields unchanged), and busy ones where most fields changed on both sides. */
const inputArb: fc.Arbitrary<MergeInput> = fc.oneof(recordArb(4), recordArb(1));

const RUNS = { numRuns: 400 };

/** What the merge reads for one field, with the input's absent keys filled in as it does. */
function view(input: MergeInput, field: MergeField) {
  const base = normalizeValue(field.type, input.base[field.key] ?? null);
  const sheet = input.sheet[field.key] ?? { value: null };
  const crm = input.crm[field.key] ?? { value: null };
  const sheetEdit = !valuesEqual(field.type, sheet.value, base);
  // An echo is our own write coming back, not a user edit, so there is nothing of the user's to lose.
  const crmEdit = !valuesEqual(field.type, crm.value, base) && crm.echo !== true;
  return { base, sheet, crm, sheetEdit, crmEdit };
}

function decisionFor(result: MergeResult, key: string): FieldDecision {
  const decision = result.decisions.find((d) => d.field === key);
  if (!decision) throw new Error(`no decision for ${key}`);
  return decision;
}

function mergeAndApply(state: SyncState, fields: readonly MergeField[], policy: ConflictPolicy) {
  const result = merge({ fields, ...state, policy });
  return { result, state: applyMerge(state, result) };
}

describe('merge properties', () => {
  it('is deterministic and idempotent: after applying a merge, merging again changes nothing', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const first = merge(input);
        expect(merge(input)).toEqual(first);
        const after = applyMerge(input, first);
        const second = merge({ ...input, ...after });
        expect(second.toCrm).toEqual({});
        expect(second.toSheet).toEqual({});
        expect(second.base).toEqual(first.base);
        // Open conflicts stay open (the review queue holds them), and nothing else is decided.
        expect(second.conflicts).toEqual(first.conflicts);
        for (const decision of second.decisions) {
          const expected = decisionFor(first, decision.field).action === 'conflict' ? 'conflict' : 'none';
          expect(decision.action).toBe(expected);
        }
        expect(applyMerge(after, second)).toEqual(after);
      }),
      RUNS,
    );
  });

  it('loses no edit: each one reaches the other side, is an open conflict, lost to a named policy, or is one-way', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const result = merge(input);
        const after = applyMerge(input, result);
        for (const field of input.fields) {
          const { type, key } = field;
          const { sheet, crm, sheetEdit, crmEdit } = view(input, field);
          const decision = decisionFor(result, key);
          const sheetAfter = after.sheet[key]?.value ?? null;
          const crmAfter = after.crm[key]?.value ?? null;
          const open = decision.action === 'conflict';
          if (open) {
            // An open conflict keeps both edits where they are and queues both for review.
            expect(result.conflicts.filter((c) => c.field === key)).toEqual([
              { field: key, base: view(input, field).base, sheet, crm, explanation: decision.explanation },
            ]);
            expect([sheetAfter, crmAfter]).toEqual([sheet.value, crm.value]);
          }
          for (const [edited, edit, other, otherAfter, ownAfter, oneWay] of [
            ['sheet', sheet, 'crm', crmAfter, sheetAfter, 'crm_to_sheet'],
            ['crm', crm, 'sheet', sheetAfter, crmAfter, 'sheet_to_crm'],
          ] as const) {
            if (!(edited === 'sheet' ? sheetEdit : crmEdit)) continue;
            const reached = valuesEqual(type, otherAfter, edit.value);
            const lostToPolicy =
              decision.action === 'resolved' &&
              decision.winner === other &&
              decision.explanation.includes(describeValue(edit.value)) &&
              decision.explanation.includes(edited === 'sheet' ? 'the sheet' : 'the CRM');
            const ignoredOneWay = field.direction === oneWay && decision.rule === `direction_${oneWay}`;
            expect(reached || open || lostToPolicy || ignoredOneWay).toBe(true);
            // Unless the other side won, the edited side still holds the edit.
            if (!lostToPolicy && !ignoredOneWay) expect(valuesEqual(type, ownAfter, edit.value)).toBe(true);
            // A delivered edit is also the new base, so the next merge does not see it again.
            if (reached && !ignoredOneWay)
              expect(valuesEqual(type, after.base[key] ?? null, edit.value)).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  it('reports a conflict exactly where both sides changed a two-way field to different values', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const result = merge(input);
        for (const field of input.fields) {
          const { sheet, crm, sheetEdit, crmEdit } = view(input, field);
          const decision = decisionFor(result, field.key);
          const disagree = sheetEdit && crmEdit && !valuesEqual(field.type, sheet.value, crm.value);
          const isConflict = decision.action === 'conflict' || decision.action === 'resolved';
          expect(isConflict).toBe(disagree && field.direction === 'both');
          expect(decision.rule.startsWith('policy_')).toBe(isConflict);
          if (isConflict) expect(decision.action).toBe(input.policy === 'manual' ? 'conflict' : 'resolved');
          if (disagree && field.direction !== 'both')
            expect(decision.rule).toBe(`direction_${field.direction}`);
        }
        const open = result.decisions.filter((d) => d.action === 'conflict').map((d) => d.field);
        expect(result.conflicts.map((c) => c.field)).toEqual(open);
      }),
      RUNS,
    );
  });

  it('decides each field the same whatever the order of fields', () => {
    const shuffledArb = inputArb.chain((input) =>
      fc
        .shuffledSubarray([...input.fields], {
          minLength: input.fields.length,
          maxLength: input.fields.length,
        })
        .map((fields) => [input, { ...input, fields }] as const),
    );
    fc.assert(
      fc.property(shuffledArb, ([input, shuffled]) => {
        const a = merge(input);
        const b = merge(shuffled);
        expect(b.decisions.map((d) => d.field)).toEqual(shuffled.fields.map((f) => f.key));
        const byField = (r: MergeResult) => Object.fromEntries(r.decisions.map((d) => [d.field, d]));
        expect(byField(b)).toEqual(byField(a));
        expect([b.toCrm, b.toSheet, b.base]).toEqual([a.toCrm, a.toSheet, a.base]);
        const sorted = (r: MergeResult) => [...r.conflicts].sort((x, y) => x.field.localeCompare(y.field));
        expect(sorted(b)).toEqual(sorted(a));
      }),
      RUNS,
    );
  });

  it('names the field in every explanation', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const result = merge(input);
        result.decisions.forEach((decision, i) => {
          const field = input.fields[i];
          expect(field && decision.explanation.startsWith(fieldLabel(field))).toBe(true);
        });
      }),
      { numRuns: 200 },
    );
  });
});

interface Edit {
  readonly key: string;
  readonly side: 'sheet' | 'crm';
  readonly value: FieldValue;
}

/** Records in sync (sheet = CRM = base) and one-sided edits to distinct fields, which therefore commute. */
const commutingArb = fc
  .shuffledSubarray(POOL as PoolEntry[], { minLength: 1 })
  .chain((entries) =>
    fc.tuple(
      fc.tuple(
        ...entries.map((entry) =>
          fc.record({
            field: directionArb.map(
              (direction): MergeField => ({ key: entry.key, type: entry.type, direction }),
            ),
            start: fc.constantFrom(...entry.values),
            edit: fc.option(
              fc.record({
                side: fc.constantFrom('sheet' as const, 'crm' as const),
                value: fc.constantFrom(...entry.values),
              }),
              { freq: 4 },
            ),
          }),
        ),
      ),
      fc.constantFrom(...POLICIES),
    ),
  )
  .map(([cases, policy]) => {
    const state: SyncState = {
      base: Object.fromEntries(cases.map((c) => [c.field.key, normalizeValue(c.field.type, c.start)])),
      sheet: Object.fromEntries(cases.map((c) => [c.field.key, { value: c.start }])),
      crm: Object.fromEntries(cases.map((c) => [c.field.key, { value: c.start }])),
    };
    const edits: Edit[] = cases.flatMap((c) => (c.edit ? [{ key: c.field.key, ...c.edit }] : []));
    return { fields: cases.map((c) => c.field), state, edits, policy };
  });

function applyEdit(state: SyncState, edit: Edit): SyncState {
  return { ...state, [edit.side]: { ...state[edit.side], [edit.key]: { value: edit.value } } };
}

/** Every ordering of a short list (at most 4! = 24 here). */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/** Applies the edits one at a time, merging and applying the result after each, as live sync does. */
function replay(
  start: SyncState,
  edits: readonly Edit[],
  fields: readonly MergeField[],
  policy: ConflictPolicy,
) {
  let state = start;
  for (const edit of edits) {
    const step = mergeAndApply(applyEdit(state, edit), fields, policy);
    expect(step.result.decisions.filter((d) => d.rule.startsWith('policy_'))).toEqual([]);
    state = step.state;
  }
  return state;
}

describe('merge properties: commuting changes', () => {
  it('gives the same state in every order, the same as one merge of all edits, with both sides in sync', () => {
    fc.assert(
      fc.property(
        commutingArb.filter(({ edits }) => edits.length <= 4),
        ({ fields, state, edits, policy }) => {
          const batched = mergeAndApply(edits.reduce(applyEdit, state), fields, policy).state;
          for (const order of permutations(edits))
            expect(replay(state, order, fields, policy)).toEqual(batched);

          for (const field of fields) {
            const { key, type } = field;
            const edit = edits.find((e) => e.key === key);
            const sheet = batched.sheet[key]?.value ?? null;
            const crm = batched.crm[key]?.value ?? null;
            const base = batched.base[key] ?? null;
            const ignored =
              edit !== undefined &&
              ((edit.side === 'sheet' && field.direction === 'crm_to_sheet') ||
                (edit.side === 'crm' && field.direction === 'sheet_to_crm'));
            if (ignored) {
              // A one-way field keeps its other side and base; the ignored edit stays where it was made.
              const untouched = edit.side === 'sheet' ? crm : sheet;
              expect(valuesEqual(type, untouched, base)).toBe(true);
              expect(valuesEqual(type, state.base[key] ?? null, base)).toBe(true);
              continue;
            }
            expect(valuesEqual(type, sheet, crm)).toBe(true);
            expect(valuesEqual(type, sheet, base)).toBe(true);
            if (edit) expect(valuesEqual(type, sheet, edit.value)).toBe(true);
          }
        },
      ),
      { numRuns: 250 },
    );
  });

  it('gives the same state for random orders of many edits', () => {
    const arb = commutingArb.chain((c) =>
      fc
        .shuffledSubarray(c.edits, { minLength: c.edits.length, maxLength: c.edits.length })
        .map((order) => ({ ...c, order })),
    );
    fc.assert(
      fc.property(arb, ({ fields, state, edits, order, policy }) => {
        expect(replay(state, order, fields, policy)).toEqual(replay(state, edits, fields, policy));
      }),
      { numRuns: 300 },
    );
  });
});
