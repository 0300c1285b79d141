import type { PropertyRef } from '../schema.ts';
import { type CrmDefaults, custom, readOnly, ref } from './types.ts';

/** Custom contact property; HubSpot internal names are lower-case snake case. */
export const rowIdProperty: PropertyRef = custom('contacts', 'rowbridge_id');

/**
 * HubSpot CRM v3 internal property names. `company` is the contact's own text property, so a row never
 * needs a company association to sync. The brief allows `hubspotscore` or a custom score; the sheet owns
 * scores and HubSpot computes `hubspotscore` itself, so the score is custom. HubSpot sets
 * `notes_last_contacted` and `hs_analytics_source` itself, so they only flow into the sheet.
 */
export const defaults: CrmDefaults = {
  crm: 'hubspot',
  label: 'HubSpot',
  rowIdProperty,
  objects: {
    contacts: {
      company: ref('contacts', 'company'),
      email: ref('contacts', 'email'),
      phone: ref('contacts', 'phone'),
      mobile: ref('contacts', 'mobilephone'),
      first_name: ref('contacts', 'firstname'),
      last_name: ref('contacts', 'lastname'),
      title: ref('contacts', 'jobtitle'),
      source: ref('contacts', 'hs_lead_source'),
      website: ref('contacts', 'website'),
      city: ref('contacts', 'city'),
      country: ref('contacts', 'country'),
      status: ref('contacts', 'hs_lead_status'),
      last_contacted: readOnly('contacts', 'notes_last_contacted'),
      deal_value: ref('deals', 'amount'),
      deal_stage: ref('deals', 'dealstage'),
      deal_close_date: ref('deals', 'closedate'),
      campaign: custom('contacts', 'rowbridge_campaign'),
      utm_source: readOnly('contacts', 'hs_analytics_source'),
      score: custom('contacts', 'rowbridge_score'),
    },
  },
};
