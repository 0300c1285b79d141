import { RowbridgeError } from '../../errors.ts';
import { type FieldKey, isCanonicalField } from '../../fields.ts';
import {
  CRM_IDS,
  type CrmId,
  type FieldMapping,
  isCrmId,
  type PropertyRef,
  type TableMapping,
} from '../schema.ts';
import { validateMapping } from '../validate.ts';
import * as bitrix24 from './bitrix24.ts';
import * as close from './close.ts';
import * as copper from './copper.ts';
import * as dynamics365 from './dynamics365.ts';
import * as freshsales from './freshsales.ts';
import * as hubspot from './hubspot.ts';
import * as keap from './keap.ts';
import * as monday from './monday.ts';
import * as odoo from './odoo.ts';
import * as pipedrive from './pipedrive.ts';
import * as salesforce from './salesforce.ts';
import type { CrmDefaults } from './types.ts';
import * as zoho from './zoho.ts';

export type { CrmDefaults, ObjectDefaults } from './types.ts';

/** Every CRM's default field map, keyed by CRM id. */
export const DEFAULT_MAPS: Readonly<Record<CrmId, CrmDefaults>> = {
  hubspot: hubspot.defaults,
  salesforce: salesforce.defaults,
  zoho: zoho.defaults,
  pipedrive: pipedrive.defaults,
  odoo: odoo.defaults,
  freshsales: freshsales.defaults,
  monday: monday.defaults,
  dynamics365: dynamics365.defaults,
  copper: copper.defaults,
  close: close.defaults,
  keap: keap.defaults,
  bitrix24: bitrix24.defaults,
};

/** A column as `detectColumns` returns it; columns without a field are skipped. */
export interface ColumnField {
  readonly header: string;
  readonly field?: FieldKey | undefined;
}

/**
 * Looks up a CRM's defaults and the spelling of one of its objects ("lead" finds Salesforce's "Lead").
 * Throws `mapping_unknown_crm`, listing the valid choices, for an unknown CRM or object.
 */
export function crmObjectDefaults(crm: string, object: string): { defaults: CrmDefaults; object: string } {
  if (!isCrmId(crm)) {
    throw new RowbridgeError(
      'mapping_unknown_crm',
      `Unknown CRM "${crm}". Use one of: ${CRM_IDS.join(', ')}.`,
    );
  }
  const defaults = DEFAULT_MAPS[crm];
  const names = Object.keys(defaults.objects);
  const found =
    names.find((name) => name === object) ?? names.find((n) => n.toLowerCase() === object.toLowerCase());
  if (found === undefined) {
    throw new RowbridgeError(
      'mapping_unknown_crm',
      `${defaults.label} has no default mapping for object "${object}". Use one of: ${names.join(', ')}.`,
    );
  }
  return { defaults, object: found };
}

/**
 * The row-id property on a given object of a CRM: the same custom property is created on every object a
 * table can sync, so only `object` differs from the CRM's `rowIdProperty`.
 */
export function rowIdPropertyFor(crm: string, object: string): PropertyRef {
  const found = crmObjectDefaults(crm, object);
  return { ...found.defaults.rowIdProperty, object: found.object };
}

/**
 * Builds a validated mapping for detected columns from a CRM's defaults. Every field syncs both ways,
 * except properties the CRM computes itself (`readOnly`), which only flow into the sheet. A canonical
 * field the CRM does not hold is mapped without a property, so it stays in the sheet. Custom fields have
 * no defaults and are left for the user to map. Throws `mapping_unknown_crm` for an unknown CRM or object.
 *
 * @example
 * defaultMapping('hubspot', 'contacts', detectColumns(['E-mail', 'Company Name']));
 */
export function defaultMapping(crm: string, object: string, columns: readonly ColumnField[]): TableMapping {
  const found = crmObjectDefaults(crm, object);
  const properties = found.defaults.objects[found.object] ?? {};
  const fields: FieldMapping[] = [];
  for (const { header, field } of columns) {
    if (field === undefined || !isCanonicalField(field)) continue;
    const property = properties[field];
    if (property === undefined) fields.push({ header, field, direction: 'both' });
    else fields.push({ header, field, property, direction: property.readOnly ? 'crm_to_sheet' : 'both' });
  }
  return validateMapping({ crm, object: found.object, fields, customFields: [] });
}
