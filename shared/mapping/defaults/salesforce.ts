import type { PropertyRef } from '../schema.ts';
import { type CrmDefaults, custom, type ObjectDefaults, readOnly, ref } from './types.ts';

/** An external-id field on Lead and Contact, so creates are upserts (`PATCH .../Rowbridge_Id__c/{id}`). */
export const rowIdProperty: PropertyRef = custom('Lead', 'Rowbridge_Id__c');

/** What Lead and Contact share under the same API names; deals and campaigns are related records. */
function person(object: 'Lead' | 'Contact'): ObjectDefaults {
  return {
    email: ref(object, 'Email'),
    phone: ref(object, 'Phone'),
    mobile: ref(object, 'MobilePhone'),
    first_name: ref(object, 'FirstName'),
    last_name: ref(object, 'LastName'),
    title: ref(object, 'Title'),
    source: ref(object, 'LeadSource'),
    // Maintained by Salesforce from logged activities; the API cannot write it.
    last_contacted: readOnly(object, 'LastActivityDate'),
    notes: ref(object, 'Description'),
    utm_source: custom(object, 'UTM_Source__c'),
    score: custom(object, 'Marketing_Score__c'),
    deal_value: ref('Opportunity', 'Amount'),
    deal_stage: ref('Opportunity', 'StageName'),
    deal_close_date: ref('Opportunity', 'CloseDate'),
    campaign: ref('Campaign', 'Name'),
  };
}

/**
 * Salesforce REST API names. A Contact has no company or website of its own (they are its Account's) and
 * no status (lead status exists on Lead only).
 */
export const defaults: CrmDefaults = {
  crm: 'salesforce',
  label: 'Salesforce',
  rowIdProperty,
  objects: {
    Lead: {
      ...person('Lead'),
      company: ref('Lead', 'Company'),
      website: ref('Lead', 'Website'),
      city: ref('Lead', 'City'),
      country: ref('Lead', 'Country'),
      status: ref('Lead', 'Status'),
    },
    Contact: {
      ...person('Contact'),
      company: ref('Account', 'Name'),
      website: ref('Account', 'Website'),
      city: ref('Contact', 'MailingCity'),
      country: ref('Contact', 'MailingCountry'),
    },
  },
};
