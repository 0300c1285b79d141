import { describe, expect, it } from 'vitest';
import { emailDomain, isValidEmail, normalizeEmail, splitEmails } from './email.ts';

describe('normalizeEmail', () => {
  it('trims and lower-cases', () => {
    expect(normalizeEmail(' Ann@Example.COM ')).toBe('ann@example.com');
    expect(normalizeEmail('\u00A0ann@example.com\t')).toBe('ann@example.com');
  });

  it('removes mailto: and a display name', () => {
    expect(normalizeEmail('mailto:Ann@X.com')).toBe('ann@x.com');
    expect(normalizeEmail('MAILTO:ann@x.com')).toBe('ann@x.com');
    expect(normalizeEmail('Ann <ann@x.com>')).toBe('ann@x.com');
    expect(normalizeEmail('"Doe, Ann" <Ann@X.com>')).toBe('ann@x.com');
    expect(normalizeEmail('<mailto:ann@x.com>')).toBe('ann@x.com');
  });

  it('drops punctuation pasted from prose', () => {
    expect(normalizeEmail('ann@x.com;')).toBe('ann@x.com');
    expect(normalizeEmail('ann@x.com.')).toBe('ann@x.com');
    expect(normalizeEmail('ann@x.com, ')).toBe('ann@x.com');
  });

  it('returns null for blanks and placeholders', () => {
    for (const blank of ['', '   ', 'N/A', 'n/a', '-', 'none', 'None', 'no email', '#N/A']) {
      expect(normalizeEmail(blank)).toBeNull();
    }
  });

  it('keeps an invalid address, lower-cased, for isValidEmail to flag', () => {
    expect(normalizeEmail('Not An Email')).toBe('not an email');
    expect(isValidEmail('not an email')).toBe(false);
    expect(normalizeEmail('ANN@LOCALHOST')).toBe('ann@localhost');
    expect(isValidEmail('ann@localhost')).toBe(false);
  });

  // Counterexamples found by normalize.property.test.ts: each used to change again when normalised twice.
  it('is idempotent on what used to need a second pass', () => {
    // Was "a@a.aa " (the space before the dot survived), then "a@a.aa".
    expect(normalizeEmail('a@a.aa .')).toBe('a@a.aa');
    // Was "mailto:a@x.com", then "a@x.com".
    expect(normalizeEmail('mailto:mailto:a@x.com')).toBe('a@x.com');
    // Was "" and "n/a", then null.
    expect(normalizeEmail('mailto:')).toBeNull();
    expect(normalizeEmail('<N/A>')).toBeNull();
    // Lower-casing "İ" gives "i\u0307", which sorted the dot before the cedilla; NFC puts it after.
    expect(normalizeEmail('İ\u0327')).toBe('i\u0327\u0307');
  });
});

describe('isValidEmail', () => {
  it('accepts what people use and rejects what is not an address', () => {
    expect(isValidEmail('ann@example.com')).toBe(true);
    expect(isValidEmail('ann.lee+crm@mail.example.co.uk')).toBe(true);
    expect(isValidEmail('ann@example')).toBe(false);
    expect(isValidEmail('ann@@example.com')).toBe(false);
    expect(isValidEmail('ann lee@example.com')).toBe(false);
    expect(isValidEmail('@example.com')).toBe(false);
    expect(isValidEmail('ann@example.c')).toBe(false);
  });
});

describe('splitEmails', () => {
  it('splits on semicolons, commas, spaces and new lines, normalising and removing repeats', () => {
    expect(splitEmails('a@x.com; B@y.com, c@z.com d@w.com\ne@v.com A@X.COM')).toEqual([
      'a@x.com',
      'b@y.com',
      'c@z.com',
      'd@w.com',
      'e@v.com',
    ]);
  });

  it('reads display names and "or", and drops what is not an address', () => {
    expect(splitEmails('Ann <ann@x.com>, Bob <BOB@y.com>')).toEqual(['ann@x.com', 'bob@y.com']);
    expect(splitEmails('ann@x.com or bob@y.com')).toEqual(['ann@x.com', 'bob@y.com']);
    expect(splitEmails('ann@x.com; n/a; not-an-email')).toEqual(['ann@x.com']);
  });

  it('handles a single address and an empty or invalid cell', () => {
    expect(splitEmails(' Ann@X.com ')).toEqual(['ann@x.com']);
    expect(splitEmails('')).toEqual([]);
    expect(splitEmails('N/A')).toEqual([]);
    expect(splitEmails('nobody')).toEqual([]);
  });
});

describe('emailDomain', () => {
  it('returns the lower-cased domain', () => {
    expect(emailDomain('ann@Example.COM')).toBe('example.com');
    expect(emailDomain('ann@mail.example.co.uk')).toBe('mail.example.co.uk');
    expect(emailDomain('ann@example.com.')).toBe('example.com');
  });

  it('returns undefined without a usable domain', () => {
    expect(emailDomain('ann')).toBeUndefined();
    expect(emailDomain('@example.com')).toBeUndefined();
    expect(emailDomain('ann@localhost')).toBeUndefined();
  });
});
