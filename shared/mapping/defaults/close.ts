import type { PropertyRef } from '../schema.ts';
import { type CrmDefaults, custom, ref } from './types.ts';

/**
 * Close addresses custom fields as `custom.cf_<id>`; this readable key is a placeholder the setup step
 * replaces with the id of the field it creates.
 */
export const rowIdProperty: PropertyRef = custom('lead', 'custom.cf_rowbridge_id');

const lead = (path: string): PropertyRef => ref('lead', path);

/**
 * Close API v1. A lead is the company and holds its contacts, so person fields are paths into the first
 * contact. The company is written as the lead's `name`: the brief's `display_name` is derived from it and
 * read-only. Opportunity `value` is in cents, which the connector converts.
 */
export const defaults: CrmDefaults = {
  crm: 'close',
  label: 'Close',
  rowIdProperty,
  objects: {
    lead: {
      company: lead('name'),
      full_name: lead('contacts[0].name'),
      email: lead('contacts[0].emails[0].email'),
      phone: lead('contacts[0].phones[0].phone'),
      title: lead('contacts[0].title'),
      website: lead('url'),
      city: lead('addresses[0].city'),
      country: lead('addresses[0].country'),
      status: lead('status_id'),
      notes: lead('description'),
      deal_value: ref('opportunity', 'value'),
      deal_stage: ref('opportunity', 'status_id'),
      deal_close_date: ref('opportunity', 'date_won'),
    },
  },
};
