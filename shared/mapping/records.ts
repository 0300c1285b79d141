import type { FieldKey, RawValue } from '../fields.ts';
import type { DetectedColumn } from './detect.ts';

/** A row translated to canonical fields: field → the raw cell value of its column. */
export type CanonicalRecord = Partial<Record<FieldKey, RawValue>>;

/**
 * Translates sheet rows (arrays of cells, in header order) into canonical records using the detected
 * columns. Unrecognised columns are left out; cells beyond a short row read as empty.
 */
export function toCanonicalRecords(
  columns: readonly DetectedColumn[],
  rows: readonly (readonly RawValue[])[],
): CanonicalRecord[] {
  const mapped = columns.filter((column): column is DetectedColumn & { field: FieldKey } =>
    Boolean(column.field),
  );
  return rows.map((row) => {
    const record: CanonicalRecord = {};
    for (const column of mapped) record[column.field] = row[column.index] ?? null;
    return record;
  });
}
