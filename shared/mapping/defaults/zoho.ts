import type { PropertyRef } from '../schema.ts';
import { type CrmDefaults, custom, type ObjectDefaults, ref } from './types.ts';

/** Zoho custom fields get API names from their labels; "Rowbridge Id" becomes `Rowbridge_Id`. */
export const rowIdProperty: PropertyRef = custom('Leads', 'Rowbridge_Id');

/** What Leads and Contacts share under the same API names; deals and campaigns are related records. */
function person(module: 'Leads' | 'Contacts'): ObjectDefaults {
  return {
    email: ref(module, 'Email'),
    phone: ref(module, 'Phone'),
    mobile: ref(module, 'Mobile'),
    first_name: ref(module, 'First_Name'),
    last_name: ref(module, 'Last_Name'),
    source: ref(module, 'Lead_Source'),
    notes: ref(module, 'Description'),
    last_contacted: custom(module, 'Last_Contacted'),
    utm_source: custom(module, 'UTM_Source'),
    score: custom(module, 'Marketing_Score'),
    deal_value: ref('Deals', 'Amount'),
    deal_stage: ref('Deals', 'Stage'),
    deal_close_date: ref('Deals', 'Closing_Date'),
    campaign: ref('Campaigns', 'Campaign_Name'),
  };
}

/**
 * Zoho CRM v8 API names. A lead keeps its company as text (`Company`); a contact's company is its Account
 * (the brief's `Account.Account_Name`), which also holds the website. Leads call the job title
 * `Designation`, Contacts `Title`.
 */
export const defaults: CrmDefaults = {
  crm: 'zoho',
  label: 'Zoho CRM',
  rowIdProperty,
  objects: {
    Leads: {
      ...person('Leads'),
      company: ref('Leads', 'Company'),
      title: ref('Leads', 'Designation'),
      website: ref('Leads', 'Website'),
      city: ref('Leads', 'City'),
      country: ref('Leads', 'Country'),
      status: ref('Leads', 'Lead_Status'),
    },
    Contacts: {
      ...person('Contacts'),
      company: ref('Accounts', 'Account_Name'),
      title: ref('Contacts', 'Title'),
      website: ref('Accounts', 'Website'),
      city: ref('Contacts', 'Mailing_City'),
      country: ref('Contacts', 'Mailing_Country'),
    },
  },
};
