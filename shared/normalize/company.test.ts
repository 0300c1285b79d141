import { describe, expect, it } from 'vitest';
import { companyKey, normalizeCompany } from './company.ts';

describe('normalizeCompany', () => {
  it('cleans but keeps case and legal form', () => {
    expect(normalizeCompany('  ACME,   Inc. ')).toBe('ACME, Inc.');
    expect(normalizeCompany('Brandt & Söhne GmbH')).toBe('Brandt & Söhne GmbH');
    expect(normalizeCompany('N/A')).toBeNull();
    expect(normalizeCompany('')).toBeNull();
  });
});

describe('companyKey', () => {
  it('ignores case, punctuation, a leading "The" and trailing legal forms', () => {
    const acme = companyKey('acme');
    expect(acme).toBe('acme');
    for (const name of [
      'ACME, Inc.',
      'Acme Inc',
      'The Acme Company Ltd',
      'Acme LLC',
      'Acme Limited',
      'ACME Corp.',
      'Acme Corporation',
      'Acme Co.',
      'Acme plc',
    ]) {
      expect(companyKey(name), name).toBe(acme);
    }
  });

  it('reads "&" as "and" and ignores accents', () => {
    expect(companyKey('Brandt & Söhne GmbH')).toBe(companyKey('Brandt and Sohne'));
    expect(companyKey('Brandt & Söhne GmbH')).toBe('brandt and sohne');
    expect(companyKey('Johnson & Johnson')).toBe('johnson and johnson');
  });

  it('reads dotted legal forms', () => {
    expect(companyKey('Müller G.m.b.H.')).toBe('muller');
    expect(companyKey('Müller GmbH')).toBe('muller');
    expect(companyKey('Renault S.A.')).toBe('renault');
    expect(companyKey('Renault SA')).toBe('renault');
    expect(companyKey('Orange S.A.S.')).toBe('orange');
  });

  it('drops only trailing legal words', () => {
    expect(companyKey('Limited Editions Ltd')).toBe('limited editions');
    expect(companyKey('Co-operative Bank')).toBe('co operative bank');
    expect(companyKey('Acme Holdings Ltd')).toBe('acme holdings');
  });

  it('never becomes empty', () => {
    expect(companyKey('The Company')).toBe('the');
    expect(companyKey('Company Ltd')).toBe('company');
    expect(companyKey('Ltd')).toBe('ltd');
    expect(companyKey('')).toBe('');
  });

  it('drops the "& Co." of a legal form (used to leave "merck and")', () => {
    expect(companyKey('Merck & Co., Inc.')).toBe('merck');
    expect(companyKey('Merck & Co')).toBe(companyKey('Merck'));
    expect(companyKey('Smith and Co Ltd')).toBe('smith');
  });

  it('drops every leading "The" (used to drop one: "the acme", then "acme")', () => {
    expect(companyKey('The The Acme')).toBe('acme');
  });

  it('tells different companies apart', () => {
    expect(companyKey('Acme')).not.toBe(companyKey('Acme Holdings'));
    expect(companyKey('Acme')).not.toBe(companyKey('Acne'));
  });
});
