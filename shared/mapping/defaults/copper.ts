import type { PropertyRef } from '../schema.ts';
import { type CrmDefaults, custom, ref } from './types.ts';

/**
 * Copper addresses custom fields by a numeric definition id; this readable key is a placeholder the setup
 * step replaces with the id of the field it creates.
 */
export const rowIdProperty: PropertyRef = custom('people', 'custom_fields.rowbridge_id');

const person = (path: string): PropertyRef => ref('people', path);

/**
 * Copper developer API v1 `people`. A person holds one `name` (the brief's "name (parsed)"); the company is
 * the linked Company record and deals are opportunities.
 */
export const defaults: CrmDefaults = {
  crm: 'copper',
  label: 'Copper',
  rowIdProperty,
  objects: {
    people: {
      full_name: person('name'),
      company: ref('companies', 'name'),
      email: person('emails[0].email'),
      phone: person('phone_numbers[0].number'),
      title: person('title'),
      website: person('websites[0].url'),
      city: person('address.city'),
      country: person('address.country'),
      notes: person('details'),
      deal_value: ref('opportunities', 'monetary_value'),
      deal_stage: ref('opportunities', 'pipeline_stage_id'),
      deal_close_date: ref('opportunities', 'close_date'),
    },
  },
};
