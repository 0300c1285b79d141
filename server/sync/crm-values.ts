import type { FieldValue, RawValue } from '../../shared/fields.ts';
import { type NormalizeOptions, normalizeValue } from '../../shared/normalize/index.ts';
import type { Properties, PropertyValue } from '../connectors/types.ts';
import type { SyncField, TableFields } from './fields.ts';

/**
 * A canonical value as a CRM property: text, as every connector exchanges it. Numbers and booleans are
 * spelled out; dates are ISO (`2025-03-04`, `2025-03-04T10:00:00.000Z`), which HubSpot, Salesforce, Zoho
 * and Dynamics all accept for date and datetime properties.
 */
export function toCrmValue(value: FieldValue): PropertyValue {
  if (value === null) return null;
  return String(value);
}

/** A row's writable fields as CRM properties, each value normalised for its type first. */
export function rowToProperties(
  table: TableFields,
  values: Readonly<Partial<Record<string, RawValue>>>,
  options: NormalizeOptions,
): Properties {
  const out: Record<string, PropertyValue> = {};
  for (const field of table.synced) {
    if (!field.writable || field.property === undefined || !(field.key in values)) continue;
    out[field.property] = toCrmValue(normalizeValue(field.type, values[field.key], options));
  }
  return out;
}

/** A CRM record's properties as canonical values of the table's synced fields. */
export function propertiesToValues(
  table: TableFields,
  properties: Properties,
  options: NormalizeOptions,
): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const field of table.synced) out[field.key] = crmFieldValue(field, properties, options);
  return out;
}

function crmFieldValue(field: SyncField, properties: Properties, options: NormalizeOptions): FieldValue {
  if (field.property === undefined) return null;
  return normalizeValue(field.type, properties[field.property] ?? null, options);
}
