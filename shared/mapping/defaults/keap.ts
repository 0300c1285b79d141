import type { PropertyRef } from '../schema.ts';
import { type CrmDefaults, custom, ref } from './types.ts';

/**
 * Keap addresses custom fields by numeric id (`custom_fields[{id, content}]`); this readable key is a
 * placeholder the setup step replaces with the id of the field it creates.
 */
export const rowIdProperty: PropertyRef = custom('contacts', 'custom_fields.rowbridge_id');

const contact = (path: string): PropertyRef => ref('contacts', path);

/**
 * Keap REST v1 contact fields. The company is the contact's embedded `company` reference (the brief's
 * `company.company_name`). The brief's `deal_value` is not a Keap property: opportunities carry a projected
 * revenue range, and its upper bound is the closest to a deal value.
 */
export const defaults: CrmDefaults = {
  crm: 'keap',
  label: 'Keap',
  rowIdProperty,
  objects: {
    contacts: {
      company: contact('company.company_name'),
      email: contact('email_addresses[0].email'),
      phone: contact('phone_numbers[0].number'),
      first_name: contact('given_name'),
      last_name: contact('family_name'),
      title: contact('job_title'),
      website: contact('website'),
      city: contact('addresses[0].locality'),
      country: contact('addresses[0].country_code'),
      source: contact('lead_source_id'),
      deal_value: ref('opportunities', 'projected_revenue_high'),
      deal_stage: ref('opportunities', 'stage.name'),
      deal_close_date: ref('opportunities', 'estimated_close_date'),
    },
  },
};
