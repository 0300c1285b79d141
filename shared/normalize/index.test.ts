import { describe, expect, it } from 'vitest';
import { FIELD_TYPES } from '../fields.ts';
import { normalizeValue, valueKey, valuesEqual } from './index.ts';

describe('normalizeValue', () => {
  it('makes null, undefined, blanks, placeholders and an invalid Date null for every type', () => {
    for (const type of FIELD_TYPES) {
      for (const blank of [null, undefined, '', '   ', 'N/A', '-', 'none', new Date(Number.NaN)]) {
        expect(normalizeValue(type, blank), `${type} ${String(blank)}`).toBeNull();
      }
    }
  });

  it('dispatches on the field type', () => {
    expect(normalizeValue('email', ' Ann@X.com ')).toBe('ann@x.com');
    expect(normalizeValue('phone', '020 7946 0958', { region: 'GB' })).toBe('+442079460958');
    expect(normalizeValue('phone', '(415) 555-2671', { region: 'US' })).toBe('+14155552671');
    expect(normalizeValue('name', '  Jose\u0301  Lee ')).toBe('José Lee');
    expect(normalizeValue('company', ' ACME,  Inc. ')).toBe('ACME, Inc.');
    expect(normalizeValue('url', ' https://Acme.com/ ')).toBe('https://Acme.com/');
    expect(normalizeValue('country', ' UK ')).toBe('UK');
    expect(normalizeValue('date', '14 Mar 2025')).toBe('2025-03-14');
    expect(normalizeValue('date', '03/04/2025', { dayFirst: true })).toBe('2025-04-03');
    expect(normalizeValue('date', 45000)).toBe('2023-03-15');
    expect(normalizeValue('date', new Date(Date.UTC(2025, 2, 14)))).toBe('2025-03-14');
    expect(normalizeValue('datetime', '2025-03-14T10:00:00+02:00')).toBe('2025-03-14T08:00:00.000Z');
    expect(normalizeValue('number', '$1,200.50')).toBe(1200.5);
    expect(normalizeValue('number', 7)).toBe(7);
    expect(normalizeValue('text', '  Hello   world ')).toBe('Hello world');
  });

  it('keeps booleans and numbers in text fields', () => {
    expect(normalizeValue('text', true)).toBe(true);
    expect(normalizeValue('text', false)).toBe(false);
    expect(normalizeValue('text', 42)).toBe(42);
  });

  it('reads booleans and other non-strings by type', () => {
    expect(normalizeValue('number', true)).toBe(1);
    expect(normalizeValue('number', false)).toBe(0);
    expect(normalizeValue('number', Number.NaN)).toBeNull();
    expect(normalizeValue('date', true)).toBe('true');
    expect(normalizeValue('email', true)).toBe('true');
    expect(normalizeValue('phone', 4155552671, { region: 'US' })).toBe('+14155552671');
    expect(normalizeValue('number', new Date(Date.UTC(2025, 2, 14)))).toBe('2025-03-14T00:00:00.000Z');
  });

  it('uses the region only for phones without a country code', () => {
    expect(normalizeValue('phone', '+44 20 7946 0958', { region: 'US' })).toBe('+442079460958');
    expect(normalizeValue('phone', '0044 20 7946 0958', { region: 'US' })).toBe('+442079460958');
  });
});

describe('valuesEqual and valueKey', () => {
  it('compares emails case-insensitively', () => {
    expect(valuesEqual('email', 'Ann@Example.com', 'ann@example.COM')).toBe(true);
    expect(valuesEqual('email', 'mailto:ann@x.com', 'Ann <ANN@x.com>')).toBe(true);
    expect(valuesEqual('email', 'ann@x.com', 'anne@x.com')).toBe(false);
  });

  it('compares names case- and accent-insensitively', () => {
    expect(valuesEqual('name', 'José', 'JOSE')).toBe(true);
    expect(valuesEqual('name', "O'Brien", 'OBrien')).toBe(true);
    expect(valuesEqual('name', 'Ann', 'Anne')).toBe(false);
  });

  it('compares companies case- and accent-insensitively, but a legal-suffix change is an edit', () => {
    expect(valuesEqual('company', 'ACME Inc', 'acme inc')).toBe(true);
    expect(valuesEqual('company', 'Société Générale', 'SOCIETE GENERALE')).toBe(true);
    expect(valuesEqual('company', 'Acme', 'Acme Inc')).toBe(false);
    expect(valuesEqual('company', 'Acme Ltd', 'Acme Limited')).toBe(false);
  });

  it('compares countries by code', () => {
    expect(valuesEqual('country', 'UK', 'United Kingdom')).toBe(true);
    expect(valuesEqual('country', 'GB', 'England')).toBe(true);
    expect(valueKey('country', 'Deutschland')).toBe('DE');
    expect(valuesEqual('country', 'UK', 'Ukraine')).toBe(false);
  });

  it('compares phones as E.164, with the region option', () => {
    expect(valuesEqual('phone', '020 7946 0958', '+44 20 7946 0958', { region: 'GB' })).toBe(true);
    expect(valuesEqual('phone', '0044 20 7946 0958', '+442079460958', { region: 'US' })).toBe(true);
    expect(valuesEqual('phone', '(415) 555-2671', '+1 415 555 2671', { region: 'US' })).toBe(true);
    // Without the region the national spelling is not +44: the two differ.
    expect(valuesEqual('phone', '020 7946 0958', '+44 20 7946 0958')).toBe(false);
  });

  it('compares URLs by host and path', () => {
    expect(valuesEqual('url', 'https://www.acme.com/about/', 'acme.com/about')).toBe(true);
    expect(valuesEqual('url', 'https://acme.com/about', 'https://acme.com/careers')).toBe(false);
  });

  it('compares dates, datetimes and numbers by their canonical form', () => {
    expect(valuesEqual('date', '14 Mar 2025', '2025-03-14')).toBe(true);
    expect(valuesEqual('date', 45000, '2023-03-15')).toBe(true);
    expect(valuesEqual('datetime', '2025-03-14T10:00:00+02:00', '2025-03-14 08:00')).toBe(true);
    expect(valuesEqual('number', '1,200', 1200)).toBe(true);
    expect(valuesEqual('number', '$1,200.50', '1200.5')).toBe(true);
    expect(valuesEqual('number', '1,200', 1201)).toBe(false);
  });

  it('compares text exactly, after cleaning', () => {
    expect(valuesEqual('text', ' CEO ', 'CEO')).toBe(true);
    expect(valuesEqual('text', 'CEO', 'ceo')).toBe(false);
  });

  it('treats every blank alike, and unlike a value', () => {
    expect(valuesEqual('email', null, '')).toBe(true);
    expect(valuesEqual('text', 'N/A', null)).toBe(true);
    expect(valueKey('name', null)).toBe('');
    expect(valuesEqual('text', null, 'x1')).toBe(false);
  });

  it('keeps types apart in keys of non-strings', () => {
    expect(valueKey('number', 5)).toBe('number:5');
    expect(valueKey('text', true)).toBe('boolean:true');
    expect(valuesEqual('text', true, 'true')).toBe(false);
  });
});
