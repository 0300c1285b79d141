import type { RawValue } from '../../shared/fields.ts';
import { type CanonicalRecord, sameColumnKey } from '../../shared/mapping/index.ts';
import type { TableFields } from './fields.ts';
import type { CellValue } from './sheet-port.ts';

/**
 * A row's cells (by header, as the add-on or the Sheets API read them) as canonical values of the
 * table's mapped fields. Headers match as mapping headers do (case and spaces aside); a mapped column
 * the row lacks is left out, so it reads as "not given", never as "cleared".
 */
export function cellsToValues(
  table: TableFields,
  cells: Readonly<Record<string, CellValue>>,
): CanonicalRecord {
  const byKey = new Map<string, RawValue>();
  for (const [header, value] of Object.entries(cells)) byKey.set(sameColumnKey(header), value);
  const values: CanonicalRecord = {};
  for (const field of table.fields) {
    const key = sameColumnKey(field.header);
    if (byKey.has(key)) values[field.key] = byKey.get(key) ?? null;
  }
  return values;
}
