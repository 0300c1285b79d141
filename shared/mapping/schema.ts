import * as z from 'zod';
import { customFieldSchema, type FieldKey } from '../fields.ts';

/** Every CRM Rowbridge connects to. The id is stable: it is stored in table configs and URLs. */
export const CRM_IDS = [
  'hubspot',
  'salesforce',
  'zoho',
  'pipedrive',
  'odoo',
  'freshsales',
  'monday',
  'dynamics365',
  'copper',
  'close',
  'keap',
  'bitrix24',
] as const;
export type CrmId = (typeof CRM_IDS)[number];

export function isCrmId(value: string): value is CrmId {
  return (CRM_IDS as readonly string[]).includes(value);
}

/** Which way a mapped field flows. `both` is the two-way sync the merge rule in DESIGN.md describes. */
export const DIRECTIONS = ['both', 'sheet_to_crm', 'crm_to_sheet'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/**
 * Where a field lives in the CRM. `object` is the CRM object holding it (`Lead`, `Account`, `contacts`,
 * `deals`, ...), which may differ from the table's object for related records; `path` is the property name
 * or a path into nested vendor JSON (`emails[0].value`). `custom` marks a property a setup step must create
 * first; `readOnly` one the CRM computes itself (Salesforce `LastActivityDate`), so it is never written.
 */
export const propertyRefSchema = z.strictObject({
  object: z.string().trim().min(1).max(100),
  path: z.string().trim().min(1).max(300),
  custom: z.boolean().optional(),
  readOnly: z.boolean().optional(),
});
export type PropertyRef = z.infer<typeof propertyRefSchema>;

/**
 * One sheet column. `field` is checked against the canonical and declared custom fields by
 * `validateMapping`, not here, so an unknown field is reported with its own code and a fix.
 */
export const fieldMappingSchema = z.strictObject({
  header: z.string().trim().min(1).max(200),
  field: z.string().trim().min(1).max(100),
  property: propertyRefSchema.optional(),
  direction: z.enum(DIRECTIONS).default('both'),
});

/**
 * A sync table's mapping as accepted from users and the API. `crm` is a plain string here for the same
 * reason as `field`: an unknown CRM gets `mapping_unknown_crm` and the list of valid ids.
 */
export const tableMappingSchema = z.strictObject({
  crm: z.string().trim().min(1),
  object: z.string().trim().min(1).max(100),
  // An empty list is a valid draft: a new table starts with nothing mapped and the user fills it in.
  fields: z.array(fieldMappingSchema),
  customFields: z.array(customFieldSchema).default([]),
});
export type TableMappingInput = z.input<typeof tableMappingSchema>;
type ParsedTableMapping = z.output<typeof tableMappingSchema>;
type ParsedFieldMapping = z.output<typeof fieldMappingSchema>;

/** A column mapping after validation: its field is known. No `property` means the field stays in the sheet. */
export type FieldMapping = Omit<ParsedFieldMapping, 'field'> & { field: FieldKey };

/** A validated table mapping, as returned by `validateMapping` and `defaultMapping`. */
export type TableMapping = Omit<ParsedTableMapping, 'crm' | 'fields'> & {
  crm: CrmId;
  fields: FieldMapping[];
};

/** The shape `validateMapping` checks semantically: parsed, but fields and CRM not yet known to be valid. */
export type UncheckedTableMapping = ParsedTableMapping;
