import { FieldCatalog, type FieldKey, type FieldType } from '../../shared/fields.ts';
import { rowIdPropertyFor } from '../../shared/mapping/index.ts';
import type { Direction, TableMapping } from '../../shared/mapping/schema.ts';
import type { MergeField } from '../../shared/merge/types.ts';

/** One mapped column as the sync engine uses it: sheet header, canonical field, CRM property. */
export interface SyncField {
  readonly header: string;
  readonly key: FieldKey;
  readonly type: FieldType;
  readonly direction: Direction;
  /** The property on the table's own CRM object; absent when the column stays in the sheet. */
  readonly property?: string;
  /** Rowbridge may write the property (not computed by the CRM, not a CRM → sheet column). */
  readonly writable: boolean;
}

/** A table's mapping resolved once: what each export, import and merge of the table reads. */
export interface TableFields {
  readonly crm: TableMapping['crm'];
  readonly object: string;
  readonly fields: readonly SyncField[];
  /** The unique property holding the Rowbridge row id (`rowbridge_id`, `Rowbridge_Id__c`). */
  readonly rowIdProperty: string;
  /** Fields with a property on the table's object: what the CRM side of a merge holds. */
  readonly synced: readonly SyncField[];
  /** Properties to read from the CRM for a record of this table. */
  readonly properties: readonly string[];
}

/**
 * Resolves a validated mapping for its own object. Columns mapped to a related object (a HubSpot deal's
 * amount on a contacts table) are kept with no property: they are written by the outreach events that
 * create those records, not by record sync.
 */
export function tableFields(mapping: TableMapping): TableFields {
  const catalog = new FieldCatalog(mapping.customFields);
  const rowIdProperty = rowIdPropertyFor(mapping.crm, mapping.object).path;
  const fields = mapping.fields.map((column): SyncField => {
    const type = catalog.typeOf(column.field) ?? 'text';
    const own = column.property && column.property.object === mapping.object ? column.property : undefined;
    const base = { header: column.header, key: column.field, type, direction: column.direction };
    if (!own) return { ...base, writable: false };
    return { ...base, property: own.path, writable: !own.readOnly && column.direction !== 'crm_to_sheet' };
  });
  const synced = fields.filter((field) => field.property !== undefined);
  return {
    crm: mapping.crm,
    object: mapping.object,
    fields,
    rowIdProperty,
    synced,
    properties: [...new Set([...synced.map((field) => field.property ?? ''), rowIdProperty])],
  };
}

/** The merge's view of a table's synced fields. */
export function mergeFields(table: TableFields): MergeField[] {
  return table.synced.map((field) => ({ key: field.key, type: field.type, direction: field.direction }));
}
