import { describe, expect, it } from 'vitest';
import { DEFAULT_MAPS, defaultMapping } from './defaults/index.ts';
import { detectColumns } from './detect.ts';
import type { CrmId } from './schema.ts';
import { validateMapping } from './validate.ts';

/** Header rows as users bring them: exports, hand-made lists, a hidden Rowbridge ID column. */
const SHEETS: Record<CrmId, string[]> = {
  hubspot: [
    'Rowbridge ID',
    'First Name',
    'Last Name',
    'E-mail',
    'Company Name',
    'Mobile',
    'Job Title',
    'Lead Score',
  ],
  salesforce: [
    'Rowbridge ID',
    'FIRST NAME',
    'Surname',
    'Email Address',
    'Company',
    'Phone',
    'Mobile',
    'Lead Source',
  ],
  zoho: ['Rowbridge ID', 'first_name', 'last_name', 'email', 'company', 'phone', 'Designation', 'UTM Source'],
  pipedrive: [
    'Rowbridge ID',
    'Given name',
    'Family name',
    'Work Email',
    'Organisation',
    'Tel',
    'Website',
    'Stage',
  ],
  odoo: [
    'Rowbridge ID',
    'Contact Name',
    'E-Mail',
    'Company Name',
    'Mobile',
    'Position',
    'Expected close',
    'Notes',
  ],
  freshsales: ['Rowbridge ID', 'First', 'Last', 'Email', 'Account Name', 'Phone Number', 'Cell', 'City'],
  monday: ['Rowbridge ID', 'Name', 'Email', 'Company', 'Phone', 'Title', 'Deal Value', 'Reply'],
  dynamics365: [
    'Rowbridge ID',
    'Forename',
    'Surname',
    'Business Email',
    'Employer',
    'Direct Dial',
    'Country',
    'Score',
  ],
  copper: ['Rowbridge ID', 'Full Name', 'Email', 'Company', 'Mobile Number', 'Role', 'Homepage', 'Amount'],
  close: [
    'Rowbridge ID',
    'Lead Name',
    'Contact Email',
    'Business Name',
    'Telephone',
    'Job title',
    'URL',
    'Status',
  ],
  keap: [
    'Rowbridge ID',
    'First Name',
    'Last Name',
    'Email',
    'Company',
    'Phone',
    'Last Contacted',
    'Campaign',
  ],
  bitrix24: ['Rowbridge ID', 'Name', 'Surname', 'E-mail', 'Company', 'Mobile', 'Lead Status', 'UTM source'],
};

const cases = Object.entries(SHEETS).flatMap(([crm, headers]) =>
  Object.keys(DEFAULT_MAPS[crm as CrmId].objects).map((object) => [crm as CrmId, object, headers] as const),
);

describe('detectColumns → defaultMapping → validateMapping', () => {
  it.each(cases)('%s %s', (crm, object, headers) => {
    const detected = detectColumns(headers);
    const mapping = defaultMapping(crm, object, detected);
    // What the sidebar stores and sends back must validate to the same mapping.
    expect(validateMapping(JSON.parse(JSON.stringify(mapping)))).toEqual(mapping);

    const defaults = DEFAULT_MAPS[crm].objects[object] ?? {};
    // Every header but the row-id column is recognised in these realistic sheets, and mapped once.
    expect(mapping.fields.map((field) => field.header)).toEqual(headers.slice(1));
    expect(mapping.fields.find((field) => field.field === 'email')?.property).toEqual(defaults.email);
    expect(mapping.fields.some((field) => field.field === 'phone')).toBe(true);
  });
});
