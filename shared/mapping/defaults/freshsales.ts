import type { PropertyRef } from '../schema.ts';
import { type CrmDefaults, custom, readOnly, ref } from './types.ts';

/** Freshsales keeps custom fields under `custom_field` with a `cf_` prefix. */
export const rowIdProperty: PropertyRef = custom('contacts', 'custom_field.cf_rowbridge_id');

const contact = (path: string): PropertyRef => ref('contacts', path);

/**
 * Freshsales (Freshworks CRM) contact fields; the company is the linked sales account and deals are
 * `deals` records. `last_contacted` is maintained by Freshsales from logged activity.
 */
export const defaults: CrmDefaults = {
  crm: 'freshsales',
  label: 'Freshsales',
  rowIdProperty,
  objects: {
    contacts: {
      company: ref('sales_accounts', 'name'),
      email: contact('emails[0].value'),
      phone: contact('phones[0].value'),
      mobile: contact('mobile_number'),
      first_name: contact('first_name'),
      last_name: contact('last_name'),
      title: contact('job_title'),
      city: contact('city'),
      country: contact('country'),
      source: contact('lead_source_id'),
      status: contact('contact_status_id'),
      last_contacted: readOnly('contacts', 'last_contacted'),
      deal_value: ref('deals', 'amount'),
      deal_stage: ref('deals', 'deal_stage_id'),
      deal_close_date: ref('deals', 'expected_close'),
    },
  },
};
