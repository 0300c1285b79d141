import { FieldCatalog, type FieldType } from '../../shared/fields.ts';
import { rowIdPropertyFor, type TableMapping } from '../../shared/mapping/index.ts';
import type { CrmConnector, EnsureResult, PropertyDefinition, PropertyType } from '../connectors/types.ts';

const PROPERTY_TYPES: Partial<Record<FieldType, PropertyType>> = {
  number: 'number',
  date: 'date',
  datetime: 'datetime',
};

const ROW_ID_DESCRIPTION =
  'The Rowbridge ID of the Google Sheet row this record is synced with. Set by Rowbridge; do not edit.';

/**
 * The custom properties a table's mapping needs, per CRM object: the unique Rowbridge ID (what makes
 * every create an idempotent upsert), every mapped property marked `custom`, and the company key where
 * the CRM keeps companies as records.
 */
export function requiredProperties(
  mapping: TableMapping,
  keyed: {
    readonly companies?: { readonly object: string; readonly keyProperty: string } | undefined;
    readonly deals?: { readonly object: string; readonly keyProperty: string } | undefined;
  } = {},
): Map<string, PropertyDefinition[]> {
  const catalog = new FieldCatalog(mapping.customFields);
  const byObject = new Map<string, PropertyDefinition[]>();
  const add = (object: string, definition: PropertyDefinition) => {
    const list = byObject.get(object) ?? [];
    if (!list.some((existing) => existing.name === definition.name)) list.push(definition);
    byObject.set(object, list);
  };
  const rowId = rowIdPropertyFor(mapping.crm, mapping.object);
  add(rowId.object, {
    name: rowId.path,
    label: 'Rowbridge ID',
    type: 'string',
    unique: true,
    description: ROW_ID_DESCRIPTION,
  });
  for (const column of mapping.fields) {
    if (!column.property?.custom) continue;
    const type = catalog.typeOf(column.field) ?? 'text';
    add(column.property.object, {
      name: column.property.path,
      label: catalog.get(column.field)?.label ?? column.header,
      type: PROPERTY_TYPES[type] ?? 'string',
      description: `Synced by Rowbridge with the sheet column "${column.header}".`,
    });
  }
  if (keyed.companies) {
    add(keyed.companies.object, {
      name: keyed.companies.keyProperty,
      label: 'Rowbridge company key',
      type: 'string',
      unique: true,
      description: 'The domain or name Rowbridge created this company for. Set by Rowbridge; do not edit.',
    });
  }
  if (keyed.deals) {
    add(keyed.deals.object, {
      name: keyed.deals.keyProperty,
      label: 'Rowbridge deal key',
      type: 'string',
      unique: true,
      description: 'The sheet row and event this deal was opened for. Set by Rowbridge; do not edit.',
    });
  }
  return byObject;
}

/**
 * `setup-fields`: creates the custom properties the table's mapping needs that the CRM lacks. Safe to run
 * again: existing properties are reported, never changed.
 */
export async function setupFields(
  connector: CrmConnector,
  mapping: TableMapping,
): Promise<Record<string, EnsureResult>> {
  const report: Record<string, EnsureResult> = {};
  const { companies, deals } = connector.provider;
  for (const [object, definitions] of requiredProperties(mapping, { companies, deals })) {
    report[object] = await connector.ensureProperties(object, definitions);
  }
  return report;
}
