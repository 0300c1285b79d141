import { describe, expect, it } from 'vitest';
import { countryKey, countryToRegion, normalizeCountry } from './country.ts';

describe('countryToRegion', () => {
  it('reads the United Kingdom however it is written', () => {
    for (const name of [
      'UK',
      'u.k.',
      'United Kingdom',
      'England',
      'Scotland',
      'Great Britain',
      'GB',
      'gb',
      'GBR',
    ]) {
      expect(countryToRegion(name), name).toBe('GB');
    }
  });

  it('reads German, French and Spanish names', () => {
    expect(countryToRegion('Germany')).toBe('DE');
    expect(countryToRegion('Deutschland')).toBe('DE');
    expect(countryToRegion('Allemagne')).toBe('DE');
    expect(countryToRegion('España')).toBe('ES');
    expect(countryToRegion('Royaume-Uni')).toBe('GB');
    expect(countryToRegion('Vereinigte Staaten')).toBe('US');
  });

  it('reads aliases and codes in any case', () => {
    expect(countryToRegion('Holland')).toBe('NL');
    expect(countryToRegion('usa')).toBe('US');
    expect(countryToRegion('U.S.A.')).toBe('US');
    expect(countryToRegion('United States')).toBe('US');
    expect(countryToRegion('Turkiye')).toBe('TR');
    expect(countryToRegion('fra')).toBe('FR');
    expect(countryToRegion(' de ')).toBe('DE');
  });

  it('returns undefined for blanks and unknown names', () => {
    expect(countryToRegion('Narnia')).toBeUndefined();
    expect(countryToRegion('')).toBeUndefined();
    expect(countryToRegion('N/A')).toBeUndefined();
    expect(countryToRegion('XX')).toBeUndefined();
  });
});

describe('normalizeCountry', () => {
  it('keeps what was typed, cleaned', () => {
    expect(normalizeCountry('  United   Kingdom ')).toBe('United Kingdom');
    expect(normalizeCountry('-')).toBeNull();
  });
});

describe('countryKey', () => {
  it('gives every name of a country its code', () => {
    expect(countryKey('UK')).toBe(countryKey('GB'));
    expect(countryKey('UK')).toBe('GB');
    expect(countryKey('United Kingdom')).toBe('GB');
    expect(countryKey('Deutschland')).toBe(countryKey('Germany'));
  });

  it('compares unknown names case- and accent-insensitively', () => {
    expect(countryKey('Narnia')).toBe('narnia');
    expect(countryKey('Nárnia')).toBe(countryKey('NARNIA'));
    expect(countryKey('Narnia')).not.toBe(countryKey('Gondor'));
  });
});
