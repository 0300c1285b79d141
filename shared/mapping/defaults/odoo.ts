import type { PropertyRef } from '../schema.ts';
import { type CrmDefaults, custom, ref } from './types.ts';

/** Odoo requires custom field names to start with `x_`. */
export const rowIdProperty: PropertyRef = custom('crm.lead', 'x_rowbridge_id');

const lead = (path: string): PropertyRef => ref('crm.lead', path);

/**
 * Odoo `crm.lead` fields. A lead's `name` is the opportunity's title, so the person's name (one field that
 * the brief says is parsed into first and last) is `contact_name`. `source_id` is Odoo's UTM source, which
 * the UI labels "Source"; it is mapped to `source`, leaving `utm_source` unmapped rather than writing one
 * field from two columns. Many2one fields (`stage_id`, `country_id`, `source_id`, `campaign_id`) take a
 * record id: the connector resolves names to ids.
 */
export const defaults: CrmDefaults = {
  crm: 'odoo',
  label: 'Odoo',
  rowIdProperty,
  objects: {
    'crm.lead': {
      company: lead('partner_name'),
      email: lead('email_from'),
      phone: lead('phone'),
      full_name: lead('contact_name'),
      title: lead('function'),
      website: lead('website'),
      city: lead('city'),
      country: lead('country_id'),
      source: lead('source_id'),
      campaign: lead('campaign_id'),
      notes: lead('description'),
      deal_value: lead('expected_revenue'),
      deal_stage: lead('stage_id'),
      deal_close_date: lead('date_deadline'),
    },
  },
};
