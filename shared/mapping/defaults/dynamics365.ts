import type { PropertyRef } from '../schema.ts';
import { type CrmDefaults, custom, type ObjectDefaults, ref } from './types.ts';

/**
 * Dataverse custom columns carry the solution publisher's prefix (2-8 characters); Rowbridge's publisher
 * uses `rb`. The column is also an alternate key, so creates are upserts.
 */
export const rowIdProperty: PropertyRef = custom('lead', 'rb_rowbridgeid');

/** What lead and contact share under the same logical names; deals are opportunities. */
function person(entity: 'lead' | 'contact'): ObjectDefaults {
  return {
    email: ref(entity, 'emailaddress1'),
    phone: ref(entity, 'telephone1'),
    mobile: ref(entity, 'mobilephone'),
    first_name: ref(entity, 'firstname'),
    last_name: ref(entity, 'lastname'),
    title: ref(entity, 'jobtitle'),
    website: ref(entity, 'websiteurl'),
    city: ref(entity, 'address1_city'),
    country: ref(entity, 'address1_country'),
    source: ref(entity, 'leadsourcecode'),
    notes: ref(entity, 'description'),
    deal_value: ref('opportunity', 'estimatedvalue'),
    deal_stage: ref('opportunity', 'salesstagecode'),
    deal_close_date: ref('opportunity', 'estimatedclosedate'),
  };
}

/**
 * Dynamics 365 / Dataverse Web API logical names. A lead keeps its company as text (`companyname`); a
 * contact's company is its parent account. Option-set columns (`leadsourcecode`, `statuscode`,
 * `salesstagecode`) take numeric values: the connector maps labels to them.
 */
export const defaults: CrmDefaults = {
  crm: 'dynamics365',
  label: 'Dynamics 365',
  rowIdProperty,
  objects: {
    lead: {
      ...person('lead'),
      company: ref('lead', 'companyname'),
      status: ref('lead', 'statuscode'),
    },
    contact: {
      ...person('contact'),
      company: ref('account', 'name'),
    },
  },
};
