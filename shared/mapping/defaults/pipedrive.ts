import type { PropertyRef } from '../schema.ts';
import { type CrmDefaults, custom, ref } from './types.ts';

/**
 * Pipedrive names custom fields by a 40-character hash chosen when the field is created. These readable
 * keys are placeholders: the setup step creates the field and records its real hash for the connector.
 */
const placeholder = (key: string): PropertyRef => custom('Person', `custom_fields.${key}`);

export const rowIdProperty: PropertyRef = placeholder('rowbridge_id');

/**
 * Pipedrive API v2 person fields (emails and phones are arrays of `{value, primary, label}`); company and
 * deals are the linked Organization and Deal. Everything the brief marks "(custom)" is a placeholder.
 */
export const defaults: CrmDefaults = {
  crm: 'pipedrive',
  label: 'Pipedrive',
  rowIdProperty,
  objects: {
    Person: {
      company: ref('Organization', 'name'),
      email: ref('Person', 'emails[0].value'),
      phone: ref('Person', 'phones[0].value'),
      first_name: ref('Person', 'first_name'),
      last_name: ref('Person', 'last_name'),
      title: ref('Person', 'job_title'),
      source: ref('Person', 'source'),
      website: placeholder('rowbridge_website'),
      city: placeholder('rowbridge_city'),
      status: placeholder('rowbridge_status'),
      last_contacted: placeholder('rowbridge_last_contacted'),
      deal_value: ref('Deal', 'value'),
      deal_stage: ref('Deal', 'stage_id'),
      deal_close_date: ref('Deal', 'expected_close_date'),
      campaign: placeholder('rowbridge_campaign'),
      utm_source: placeholder('rowbridge_utm_source'),
      score: placeholder('rowbridge_score'),
    },
  },
};
