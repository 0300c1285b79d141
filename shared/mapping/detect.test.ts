import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CANONICAL_FIELD_NAMES, CANONICAL_FIELDS, type CanonicalField } from '../fields.ts';
import { detectColumns } from './detect.ts';
import { headerKey } from './headers.ts';
import { HEADER_SYNONYMS } from './synonyms.ts';

const fieldsOf = (headers: string[]) => detectColumns(headers).map((column) => column.field);

describe('detectColumns', () => {
  it('recognises the headers the issue names: "E-mail", "Company Name", "Mobile"', () => {
    expect(fieldsOf(['E-mail', 'Company Name', 'Mobile'])).toEqual(['email', 'company', 'phone']);
  });

  it('keeps Mobile as mobile when the sheet also has a phone column, wherever it is', () => {
    expect(fieldsOf(['Mobile', 'Phone'])).toEqual(['mobile', 'phone']);
    expect(fieldsOf(['Cell', 'Telephone'])).toEqual(['mobile', 'phone']);
    expect(fieldsOf(['Phone Number', 'Mobile Phone'])).toEqual(['phone', 'mobile']);
  });

  it('uses the best mobile column as phone and keeps the next as mobile', () => {
    expect(fieldsOf(['Cell', 'Mobile'])).toEqual(['mobile', 'phone']);
  });

  it.each([
    'email',
    'EMAIL',
    'Email',
    ' e mail ',
    'E_Mail',
    'e.mail',
    'E-MAIL ADDRESS',
    'Email address:',
    'Émail',
  ])('ignores case, spacing, punctuation and accents: %j is email', (header) => {
    expect(fieldsOf([header])).toEqual(['email']);
  });

  it('folds accents in synonyms too', () => {
    expect(fieldsOf(['Téléphone', 'Société'])).toEqual(['phone', undefined]);
  });

  const synonymCases = CANONICAL_FIELD_NAMES.flatMap((field) =>
    HEADER_SYNONYMS[field].map((synonym) => [field, synonym] as const),
  );
  it.each(synonymCases)('detects %s from %j', (field, synonym) => {
    // A lone mobile column stands in for phone; next to a phone column it is mobile.
    const headers = field === 'mobile' ? ['Phone', synonym] : [synonym];
    expect(detectColumns(headers).at(-1)?.field).toBe(field);
  });

  it('lists every header key under one field only', () => {
    const owner = new Map<string, CanonicalField>();
    for (const field of CANONICAL_FIELD_NAMES) {
      const keys = [field, CANONICAL_FIELDS[field].label, ...HEADER_SYNONYMS[field]].map(headerKey);
      for (const key of keys) {
        expect(owner.get(key) ?? field, `"${key}"`).toBe(field);
        owner.set(key, field);
      }
    }
  });

  it('rates the canonical key and label exact, synonyms synonym', () => {
    const columns = detectColumns(['first_name', 'Job title', 'Email Address', 'Favourite colour']);
    expect(columns.map((column) => column.confidence)).toEqual(['exact', 'exact', 'synonym', 'none']);
    expect(columns.map((column) => column.field)).toEqual(['first_name', 'title', 'email', undefined]);
  });

  it('tells status, deal stage and full name apart', () => {
    expect(fieldsOf(['Stage', 'Status', 'Lead Status', 'Name', 'Amount'])).toEqual([
      'deal_stage',
      'status',
      undefined,
      'full_name',
      'deal_value',
    ]);
  });

  it('assigns a field once: the left-most wins, later duplicates stay unmapped', () => {
    const columns = detectColumns(['Email', 'E-mail', 'email']);
    expect(columns.map((column) => [column.field, column.confidence])).toEqual([
      ['email', 'exact'],
      [undefined, 'none'],
      [undefined, 'none'],
    ]);
  });

  it('prefers an exact header over an earlier synonym', () => {
    expect(fieldsOf(['Work Email', 'Email'])).toEqual([undefined, 'email']);
  });

  it('never maps the Rowbridge ID column or blank headers', () => {
    const headers = ['Rowbridge ID', 'ROWBRIDGE_ID (do not edit)', '', '   ', 'Email'];
    expect(fieldsOf(headers)).toEqual([undefined, undefined, undefined, undefined, 'email']);
  });

  it('keeps every header and its index, in order', () => {
    const headers = ['  Email ', 'Notes', 'What?'];
    expect(detectColumns(headers)).toEqual([
      { index: 0, header: '  Email ', field: 'email', confidence: 'exact' },
      { index: 1, header: 'Notes', field: 'notes', confidence: 'exact' },
      { index: 2, header: 'What?', confidence: 'none' },
    ]);
  });

  it('returns one column per header and maps no field twice, whatever the headers', () => {
    const known = CANONICAL_FIELD_NAMES.flatMap((field) => HEADER_SYNONYMS[field]);
    const header = fc.oneof(fc.constantFrom(...known, 'Rowbridge ID', ''), fc.string());
    fc.assert(
      fc.property(fc.array(header, { maxLength: 30 }), (headers) => {
        const columns = detectColumns(headers);
        expect(columns.map((column) => column.index)).toEqual(headers.map((_, index) => index));
        const mapped = columns.flatMap((column) => (column.field ? [column.field] : []));
        expect(new Set(mapped).size).toBe(mapped.length);
        expect(
          columns.every((column) => (column.field === undefined) === (column.confidence === 'none')),
        ).toBe(true);
      }),
    );
  });
});
