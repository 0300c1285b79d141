import * as z from 'zod';
import type { FieldType, FieldValue } from '../fields.ts';
import { fieldValueSchema } from '../fields.ts';
import { normalizeValue, valuesEqual } from '../normalize/index.ts';
import { describeValue, fieldLabel } from './explain.ts';
import type { FieldConflict } from './types.ts';

/** A reviewer's choice for one conflict: keep one side's value, or type a new one for both. */
export const conflictChoiceSchema = z.discriminatedUnion('take', [
  z.object({ take: z.literal('sheet') }),
  z.object({ take: z.literal('crm') }),
  z.object({ take: z.literal('custom'), value: fieldValueSchema }),
]);
export type ConflictChoice = z.infer<typeof conflictChoiceSchema>;

/** What resolving a conflict does: `value` goes to each side flagged for writing and becomes the base. */
export interface ConflictResolution {
  readonly field: string;
  readonly value: FieldValue;
  readonly writeSheet: boolean;
  readonly writeCrm: boolean;
  /** The new base: `value` normalised, so the next merge sees both sides as unchanged. */
  readonly base: FieldValue;
  readonly explanation: string;
}

/**
 * Applies a reviewer's choice to a conflict from `merge`. A side already holding an equal value (under
 * the field type) is not written. The caller should merge again first if either side changed since the
 * conflict was recorded: this decides only between the values in `conflict`.
 *
 * @example
 * resolveConflict(conflict, { take: 'crm' }, 'email');
 * // → { value: 'c@x.com', writeSheet: true, writeCrm: false, base: 'c@x.com', explanation: 'Email: …' }
 */
export function resolveConflict(
  conflict: FieldConflict,
  choice: ConflictChoice,
  type: FieldType,
  label: string = fieldLabel({ key: conflict.field }),
): ConflictResolution {
  const value =
    choice.take === 'custom'
      ? choice.value
      : choice.take === 'sheet'
        ? conflict.sheet.value
        : conflict.crm.value;
  const writeSheet = !valuesEqual(type, conflict.sheet.value, value);
  const writeCrm = !valuesEqual(type, conflict.crm.value, value);
  const sheet = describeValue(conflict.sheet.value);
  const crm = describeValue(conflict.crm.value);
  let explanation: string;
  if (choice.take === 'sheet') {
    explanation = `${label}: kept the sheet value ${sheet}; it replaces the CRM value ${crm}.`;
  } else if (choice.take === 'crm') {
    explanation = `${label}: kept the CRM value ${crm}; it replaces the sheet value ${sheet}.`;
  } else {
    explanation = `${label}: set to ${describeValue(value)} on both sides, replacing the sheet value ${sheet} and the CRM value ${crm}.`;
  }
  return {
    field: conflict.field,
    value,
    writeSheet,
    writeCrm,
    base: normalizeValue(type, value),
    explanation,
  };
}
