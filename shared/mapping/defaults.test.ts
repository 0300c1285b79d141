import { describe, expect, it } from 'vitest';
import { isRowbridgeError } from '../errors.ts';
import { CANONICAL_FIELD_NAMES, CANONICAL_FIELDS, isCanonicalField } from '../fields.ts';
import { DEFAULT_MAPS, defaultMapping, rowIdPropertyFor } from './defaults/index.ts';
import { CRM_IDS, propertyRefSchema } from './schema.ts';
import { validateMapping } from './validate.ts';

const objects = CRM_IDS.flatMap((crm) =>
  Object.keys(DEFAULT_MAPS[crm].objects).map((object) => [crm, object] as const),
);

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('DEFAULT_MAPS', () => {
  it.each(CRM_IDS)('has defaults for %s with email mapped on every object', (crm) => {
    const defaults = DEFAULT_MAPS[crm];
    expect(defaults.crm).toBe(crm);
    expect(Object.keys(defaults.objects).length).toBeGreaterThan(0);
    for (const map of Object.values(defaults.objects)) expect(map.email).toBeDefined();
  });

  it.each(objects)('%s %s maps canonical fields to well-formed properties', (crm, object) => {
    for (const [field, property] of Object.entries(DEFAULT_MAPS[crm].objects[object] ?? {})) {
      expect(isCanonicalField(field), field).toBe(true);
      expect(propertyRefSchema.parse(property)).toEqual(property);
      expect(property.custom && property.readOnly, `${field} is both custom and read-only`).toBeFalsy();
    }
  });

  it.each(objects)('%s %s never writes one property from two fields, row id included', (crm, object) => {
    const defaults = DEFAULT_MAPS[crm];
    const refs = [...Object.values(defaults.objects[object] ?? {}), rowIdPropertyFor(crm, object)];
    const keys = refs.map((ref) => `${ref.object}.${ref.path}`.toLowerCase());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each(CRM_IDS)('%s has a custom row-id property on its first object', (crm) => {
    const { rowIdProperty, objects: maps } = DEFAULT_MAPS[crm];
    expect(rowIdProperty.custom).toBe(true);
    expect(rowIdProperty.object).toBe(Object.keys(maps)[0]);
  });

  it('follows the brief where it is explicit', () => {
    expect(DEFAULT_MAPS.salesforce.objects.Contact?.company).toEqual({ object: 'Account', path: 'Name' });
    expect(DEFAULT_MAPS.salesforce.objects.Lead?.company).toEqual({ object: 'Lead', path: 'Company' });
    expect(DEFAULT_MAPS.hubspot.objects.contacts?.deal_value).toEqual({ object: 'deals', path: 'amount' });
    expect(DEFAULT_MAPS.hubspot.rowIdProperty).toEqual({
      object: 'contacts',
      path: 'rowbridge_id',
      custom: true,
    });
    expect(DEFAULT_MAPS.salesforce.rowIdProperty.path).toBe('Rowbridge_Id__c');
    expect(DEFAULT_MAPS.zoho.objects.Leads?.utm_source).toEqual({
      object: 'Leads',
      path: 'UTM_Source',
      custom: true,
    });
    expect(DEFAULT_MAPS.pipedrive.objects.Person?.website?.custom).toBe(true);
  });

  it.each(['odoo', 'copper', 'close', 'monday'] as const)(
    '%s keeps one name: full_name, not first/last',
    (crm) => {
      for (const map of Object.values(DEFAULT_MAPS[crm].objects)) {
        expect(map.full_name).toBeDefined();
        expect(map.first_name).toBeUndefined();
        expect(map.last_name).toBeUndefined();
      }
    },
  );
});

describe('defaultMapping', () => {
  const everyField = CANONICAL_FIELD_NAMES.map((field) => ({ header: CANONICAL_FIELDS[field].label, field }));

  it.each(objects)('maps every canonical field for %s %s into a valid mapping', (crm, object) => {
    const result = defaultMapping(crm, object, everyField);
    expect(validateMapping(structuredClone(result))).toEqual(result);
    expect(result.fields).toHaveLength(everyField.length);
    const map = DEFAULT_MAPS[crm].objects[object] ?? {};
    for (const mapped of result.fields) {
      const expected = isCanonicalField(mapped.field) ? map[mapped.field] : undefined;
      expect(mapped.property).toEqual(expected);
      expect(mapped.direction).toBe(expected?.readOnly ? 'crm_to_sheet' : 'both');
    }
  });

  it('skips columns without a canonical field and finds objects case-insensitively', () => {
    const result = defaultMapping('salesforce', 'lead', [
      { header: 'Email', field: 'email' },
      { header: 'Mystery' },
      { header: 'LinkedIn', field: 'custom.linkedin' },
    ]);
    expect(result).toEqual({
      crm: 'salesforce',
      object: 'Lead',
      customFields: [],
      fields: [
        { header: 'Email', field: 'email', property: { object: 'Lead', path: 'Email' }, direction: 'both' },
      ],
    });
  });

  it('rejects an unknown CRM or object, listing the valid ones', () => {
    const crm = thrown(() => defaultMapping('salesfarce', 'Lead', []));
    expect(isRowbridgeError(crm) && crm.code).toBe('mapping_unknown_crm');
    expect(String(crm)).toContain('Unknown CRM "salesfarce". Use one of: hubspot, salesforce');
    const object = thrown(() => defaultMapping('salesforce', 'Deal', []));
    expect(isRowbridgeError(object) && object.code).toBe('mapping_unknown_crm');
    expect(String(object)).toContain(
      'Salesforce has no default mapping for object "Deal". Use one of: Lead, Contact.',
    );
  });

  it('puts the row-id property on the object asked for', () => {
    expect(rowIdPropertyFor('salesforce', 'Contact')).toEqual({
      object: 'Contact',
      path: 'Rowbridge_Id__c',
      custom: true,
    });
  });
});
