import { describe, expect, it } from 'vitest';
import { isRowbridgeError, type RowbridgeError } from '../errors.ts';
import { validateMapping } from './validate.ts';

function rejection(input: unknown): RowbridgeError {
  try {
    validateMapping(input);
  } catch (error) {
    if (isRowbridgeError(error)) return error;
    throw error;
  }
  throw new Error('expected validateMapping to throw');
}

const mapping = (fields: unknown[], extra: Record<string, unknown> = {}) => ({
  crm: 'salesforce',
  object: 'Contact',
  fields,
  ...extra,
});

describe('validateMapping', () => {
  it('accepts a valid mapping, defaulting direction and custom fields', () => {
    const result = validateMapping(
      mapping([
        { header: 'E-mail', field: 'email', property: { object: 'Contact', path: 'Email' } },
        { header: 'Company', field: 'company', property: { object: 'Account', path: 'Name' } },
        { header: 'Rating', field: 'notes', direction: 'crm_to_sheet' },
      ]),
    );
    expect(result.fields.map((field) => field.direction)).toEqual(['both', 'both', 'crm_to_sheet']);
    expect(result.customFields).toEqual([]);
    expect(result.crm).toBe('salesforce');
  });

  it('reports an unknown field with the column and the fix', () => {
    const error = rejection(mapping([{ header: 'Foo', field: 'fax' }]));
    expect(error.code).toBe('mapping_unknown_field');
    expect(error.message).toContain('Column "Foo" maps to unknown field "fax"');
    expect(error.message).toContain('email, phone');
    expect(error.message).toContain('custom.fax');
    expect(error.problems).toEqual([
      { code: 'mapping_unknown_field', message: error.message, path: ['fields', 0, 'field'] },
    ]);
  });

  it('suggests the canonical field a near miss meant, and a valid custom key', () => {
    expect(rejection(mapping([{ header: 'Mail', field: 'Email' }])).message).toContain(
      'Did you mean "email"?',
    );
    expect(rejection(mapping([{ header: 'Fax', field: 'Fax No.' }])).message).toContain('custom.fax_no ');
  });

  it('requires custom fields to be declared', () => {
    const linkedin = { header: 'LinkedIn', field: 'custom.linkedin' };
    const error = rejection(mapping([linkedin]));
    expect(error.code).toBe('mapping_unknown_field');
    expect(error.message).toContain(
      'Column "LinkedIn" maps to custom field "custom.linkedin", which is not declared',
    );
    const declared = { customFields: [{ key: 'custom.linkedin', label: 'LinkedIn', type: 'url' }] };
    expect(validateMapping(mapping([linkedin], declared)).fields[0]?.field).toBe('custom.linkedin');
  });

  it('reports a column mapped twice, ignoring case and spaces', () => {
    const error = rejection(
      mapping([
        { header: 'Work Email', field: 'email' },
        { header: ' work  email', field: 'notes' },
      ]),
    );
    expect(error.code).toBe('mapping_duplicate_header');
    expect(error.message).toContain('"Work Email" and "work  email"');
    expect(error.problems[0]?.path).toEqual(['fields', 1, 'header']);
  });

  it('reports one field mapped from two columns', () => {
    const error = rejection(
      mapping([
        { header: 'Email', field: 'email' },
        { header: 'Work email', field: 'email' },
      ]),
    );
    expect(error.code).toBe('mapping_duplicate_field');
    expect(error.message).toBe(
      'Field "email" is mapped from two columns, "Email" and "Work email"; map it from one only.',
    );
  });

  it('reports a custom field declared twice', () => {
    const custom = { key: 'custom.linkedin', label: 'LinkedIn', type: 'url' };
    const error = rejection(mapping([], { customFields: [custom, custom] }));
    expect(error.code).toBe('mapping_duplicate_field');
    expect(error.problems[0]?.path).toEqual(['customFields', 1, 'key']);
  });

  it('reports two columns writing one CRM property, but lets a second column read it', () => {
    const customFields = [{ key: 'custom.account', label: 'Account', type: 'company' }];
    const company = { header: 'Company', field: 'company', property: { object: 'Account', path: 'Name' } };
    const account = {
      header: 'Account',
      field: 'custom.account',
      property: { object: 'account', path: 'name' },
    };
    const error = rejection(mapping([company, account], { customFields }));
    expect(error.code).toBe('mapping_duplicate_property');
    expect(error.message).toContain('Columns "Company" and "Account" both write account.name');
    const reader = { ...account, direction: 'crm_to_sheet' };
    expect(validateMapping(mapping([company, reader], { customFields })).fields).toHaveLength(2);
  });

  it('reports an unknown CRM with the valid ids', () => {
    const error = rejection({ crm: 'hubspott', object: 'contacts', fields: [] });
    expect(error.code).toBe('mapping_unknown_crm');
    expect(error.message).toContain('Unknown CRM "hubspott"');
    expect(error.message).toContain('hubspot, salesforce, zoho');
  });

  it('refuses to write a property the CRM computes, and to map the Rowbridge ID column', () => {
    const lastActivity = { object: 'Contact', path: 'LastActivityDate', readOnly: true };
    const error = rejection(
      mapping([{ header: 'Last touch', field: 'last_contacted', property: lastActivity }]),
    );
    expect(error.code).toBe('mapping_invalid');
    expect(error.message).toContain('Column "Last touch" would write Contact.LastActivityDate');
    const reading = {
      header: 'Last touch',
      field: 'last_contacted',
      property: lastActivity,
      direction: 'crm_to_sheet',
    };
    expect(validateMapping(mapping([reading])).fields).toHaveLength(1);
    expect(rejection(mapping([{ header: 'Rowbridge ID', field: 'notes' }])).message).toContain('row IDs');
  });

  it('lists every problem at once under mapping_invalid', () => {
    const error = rejection({
      crm: 'nope',
      object: 'Lead',
      fields: [
        { header: 'Foo', field: 'fax' },
        { header: 'Email', field: 'email' },
        { header: 'E-mail 2', field: 'email' },
      ],
    });
    expect(error.code).toBe('mapping_invalid');
    expect(error.problems.map((problem) => problem.code)).toEqual([
      'mapping_unknown_crm',
      'mapping_unknown_field',
      'mapping_duplicate_field',
    ]);
    expect(error.message).toMatch(/^The mapping has 3 problems: 1\. Unknown CRM/);
    expect(error.message).toContain('"Foo"');
    expect(error.message).toContain('"E-mail 2"');
  });

  it('rejects malformed input as mapping_invalid with paths', () => {
    const error = rejection(mapping([{ header: 'Email', field: 'email', direction: 'sideways' }]));
    expect(error.code).toBe('mapping_invalid');
    expect(error.problems[0]?.path).toEqual(['fields', 0, 'direction']);
    expect(rejection(mapping([{ header: 'Email', field: 'email', directon: 'both' }])).code).toBe(
      'mapping_invalid',
    );
    expect(rejection(mapping([{ header: '  ', field: 'email' }])).code).toBe('mapping_invalid');
    expect(rejection('not a mapping').code).toBe('mapping_invalid');
  });
});
