import type { PropertyRef } from '../schema.ts';
import { type CrmDefaults, custom, ref } from './types.ts';

/** Bitrix24 user fields are named `UF_CRM_...` by the portal. */
export const rowIdProperty: PropertyRef = custom('crm.lead', 'UF_CRM_ROWBRIDGE_ID');

const lead = (path: string): PropertyRef => ref('crm.lead', path);

/**
 * Bitrix24 is not in the brief's tables: these are the REST `crm.lead` field names. E-mail, phone and web
 * addresses are multi-fields (arrays of `{VALUE, VALUE_TYPE}`); `SOURCE_ID` and `STATUS_ID` take ids from
 * the portal's reference lists. Leads carry UTM fields natively; deals are `crm.deal` records.
 */
export const defaults: CrmDefaults = {
  crm: 'bitrix24',
  label: 'Bitrix24',
  rowIdProperty,
  objects: {
    'crm.lead': {
      first_name: lead('NAME'),
      last_name: lead('LAST_NAME'),
      company: lead('COMPANY_TITLE'),
      email: lead('EMAIL[0].VALUE'),
      phone: lead('PHONE[0].VALUE'),
      title: lead('POST'),
      source: lead('SOURCE_ID'),
      status: lead('STATUS_ID'),
      website: lead('WEB[0].VALUE'),
      city: lead('ADDRESS_CITY'),
      country: lead('ADDRESS_COUNTRY'),
      notes: lead('COMMENTS'),
      deal_value: lead('OPPORTUNITY'),
      campaign: lead('UTM_CAMPAIGN'),
      utm_source: lead('UTM_SOURCE'),
      deal_stage: ref('crm.deal', 'STAGE_ID'),
      deal_close_date: ref('crm.deal', 'CLOSEDATE'),
    },
  },
};
