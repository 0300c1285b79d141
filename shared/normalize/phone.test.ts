import { type CountryCode, getCountries, getExampleNumber } from 'libphonenumber-js';
import examples from 'libphonenumber-js/examples.mobile.json';
import { describe, expect, it } from 'vitest';
import { isMeaningfulPhone, isRegion, normalizePhone, phoneKey, splitPhones } from './phone.ts';

describe('normalizePhone: valid numbers become E.164', () => {
  it('reads +44, 0044 and national 0 spellings of one London number alike', () => {
    expect(normalizePhone('+44 20 7946 0958', 'GB')).toBe('+442079460958');
    expect(normalizePhone('0044 20 7946 0958', 'GB')).toBe('+442079460958');
    expect(normalizePhone('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(normalizePhone('+44 (0)20 7946 0958', 'GB')).toBe('+442079460958');
  });

  it('reads 00 as the international prefix whatever the default region', () => {
    expect(normalizePhone('0044 20 7946 0958', 'US')).toBe('+442079460958');
    expect(normalizePhone('0044 20 7946 0958')).toBe('+442079460958');
    expect(normalizePhone('+44 20 7946 0958')).toBe('+442079460958');
  });

  it('reads US spellings with parentheses, dots and a leading 1', () => {
    expect(normalizePhone('(415) 555-2671', 'US')).toBe('+14155552671');
    expect(normalizePhone('415.555.2671', 'US')).toBe('+14155552671');
    expect(normalizePhone('1-415-555-2671', 'US')).toBe('+14155552671');
    expect(normalizePhone('+1 415 555 2671')).toBe('+14155552671');
  });

  it('reads German numbers with a slash, and other regions by their own rules', () => {
    expect(normalizePhone('030/1234567', 'DE')).toBe('+49301234567');
    expect(normalizePhone('030 1234567', 'DE')).toBe('+49301234567');
    expect(normalizePhone('06 12 34 56 78', 'FR')).toBe('+33612345678');
    expect(normalizePhone('0412 345 678', 'AU')).toBe('+61412345678');
    // Italy keeps its leading 0 after +39.
    expect(normalizePhone('06 1234 5678', 'IT')).toBe('+390612345678');
  });

  it('uses the region only for numbers without a country code', () => {
    expect(normalizePhone('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(normalizePhone('(415) 555-2671', 'GB')).not.toBe('+14155552671');
    expect(normalizePhone('+1 415 555 2671', 'GB')).toBe('+14155552671');
  });

  it('drops an extension', () => {
    expect(normalizePhone('+1 415 555 2671 ext. 12', 'US')).toBe('+14155552671');
    expect(normalizePhone('(415) 555-2671 x12', 'US')).toBe('+14155552671');
    expect(normalizePhone('+44 20 7946 0958 #3')).toBe('+442079460958');
    expect(normalizePhone('020 7946 0958 extension 204', 'GB')).toBe('+442079460958');
  });

  it('finds the plus after an opening parenthesis or a label', () => {
    expect(normalizePhone('(+44) 20 7946 0958', 'US')).toBe('+442079460958');
    expect(normalizePhone('Tel: +44 20 7946 0958', 'US')).toBe('+442079460958');
  });
});

describe('normalizePhone: digits-only fallback for numbers the library rejects', () => {
  it('makes spellings of a fictional 555 number agree', () => {
    const expected = '5551234567';
    expect(normalizePhone('+1 (555) 123-4567', 'US')).toBe(expected);
    expect(normalizePhone('555-123-4567', 'US')).toBe(expected);
    expect(normalizePhone('1 555 123 4567', 'US')).toBe(expected);
    expect(normalizePhone('555.123.4567', 'US')).toBe(expected);
    expect(normalizePhone('001 555 123 4567', 'US')).toBe(expected);
    expect(normalizePhone('+1 (555) 123-4567')).toBe(expected);
    expect(normalizePhone('555-123-4567')).toBe(expected);
  });

  it('drops the trunk zero so national and international spellings agree', () => {
    // 07700 900xxx is Ofcom's range for drama: not a valid number.
    expect(normalizePhone('07700 900123', 'GB')).toBe('7700900123');
    expect(normalizePhone('+44 7700 900123', 'GB')).toBe('7700900123');
    expect(normalizePhone('0044 7700 900123', 'GB')).toBe('7700900123');
    expect(normalizePhone('(+44) 7700 900123', 'US')).toBe('7700900123');
  });

  it('drops the extension in the fallback too', () => {
    expect(normalizePhone('555-123-4567 ext 89', 'US')).toBe('5551234567');
  });

  it('returns null for blanks and keeps text without digits', () => {
    expect(normalizePhone('')).toBeNull();
    expect(normalizePhone('  ')).toBeNull();
    expect(normalizePhone('N/A')).toBeNull();
    expect(normalizePhone('no phone')).toBeNull();
    expect(normalizePhone('call reception', 'US')).toBe('call reception');
  });

  it('keeps "00" as typed (was "", which a second pass turned into null)', () => {
    expect(normalizePhone('00', 'US')).toBe('00');
    expect(normalizePhone('00')).toBe('00');
  });
});

describe('splitPhones', () => {
  it('splits on ; , new lines, " / " and "or", but not on the slash in 030/1234567', () => {
    expect(splitPhones('020 7946 0958 / 07700 900123; +1 415 555 2671', 'GB')).toEqual([
      '+442079460958',
      '7700900123',
      '+14155552671',
    ]);
    expect(splitPhones('030/1234567', 'DE')).toEqual(['+49301234567']);
    expect(splitPhones('020 7946 0958 or +44 20 7946 0958\nN/A', 'GB')).toEqual(['+442079460958']);
  });
});

describe('isMeaningfulPhone', () => {
  it('rejects fillers and short numbers', () => {
    expect(isMeaningfulPhone('0000000')).toBe(false);
    expect(isMeaningfulPhone('1234567')).toBe(false);
    expect(isMeaningfulPhone('+1 999 999 9999')).toBe(false);
    expect(isMeaningfulPhone('9876543')).toBe(false);
    expect(isMeaningfulPhone('12345')).toBe(false);
    expect(isMeaningfulPhone('')).toBe(false);
  });

  it('accepts real numbers', () => {
    expect(isMeaningfulPhone('+442079460958')).toBe(true);
    expect(isMeaningfulPhone('+14155552671')).toBe(true);
    expect(isMeaningfulPhone('7700900123')).toBe(true);
  });
});

describe('isRegion', () => {
  it('knows ISO regions libphonenumber has metadata for', () => {
    expect(isRegion('GB')).toBe(true);
    expect(isRegion('US')).toBe(true);
    expect(isRegion('UK')).toBe(false);
    expect(isRegion('gb')).toBe(false);
  });
});

describe('phoneKey', () => {
  it('makes +44, 0044 and 020 spellings agree, with the row region or the default', () => {
    for (const region of ['GB', 'US', undefined] as const) {
      expect(phoneKey('+44 20 7946 0958', region)).toBe('+442079460958');
      expect(phoneKey('0044 20 7946 0958', region)).toBe('+442079460958');
      expect(phoneKey('+44 (0)20 7946 0958', region)).toBe('+442079460958');
      expect(phoneKey('(+44) 20 7946 0958', region)).toBe('+442079460958');
    }
    expect(phoneKey('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(phoneKey('20 7946 0958', 'GB')).toBe('+442079460958');
    expect(phoneKey('44 20 7946 0958', 'GB')).toBe('+442079460958');
  });

  it('reads national numbers by the region and drops extensions', () => {
    expect(phoneKey('(415) 555-2671', 'US')).toBe('+14155552671');
    expect(phoneKey('1-415-555-2671', 'US')).toBe('+14155552671');
    expect(phoneKey('415.555.2671 x12', 'US')).toBe('+14155552671');
    expect(phoneKey('030/1234567', 'DE')).toBe('+49301234567');
  });

  it('is consistent across spellings of numbers the library rejects', () => {
    expect(phoneKey('555-123-4567', 'US')).toBe('+15551234567');
    expect(phoneKey('+1 (555) 123-4567', 'US')).toBe('+15551234567');
    expect(phoneKey('1 555 123 4567', 'US')).toBe('+15551234567');
    expect(phoneKey('07700 900123', 'GB')).toBe('+447700900123');
    expect(phoneKey('+44 7700 900123', 'GB')).toBe('+447700900123');
  });

  it('returns null without digits and leading-zero-stripped digits without a region', () => {
    expect(phoneKey('')).toBeNull();
    expect(phoneKey('N/A')).toBeNull();
    expect(phoneKey('call me')).toBeNull();
    expect(phoneKey('07700 900123')).toBe('7700900123');
  });

  // Counterexamples found by normalize.property.test.ts: each used to change again when keyed twice.
  it('is idempotent on what used to need a second pass', () => {
    // A zero left after the trunk prefix was kept ("+440123456"); keyed again it went ("+44123456").
    expect(phoneKey('0123456', 'GB')).toBe('+44123456');
    expect(phoneKey('+44 0123456', 'GB')).toBe('+44123456');
    // All zeros without a region gave "", which keyed again was null.
    expect(phoneKey('00')).toBe('0');
    expect(phoneKey('0')).toBe('0');
  });

  /**
   * libphonenumber's example mobile number for every region, in five spellings, must key to its E.164
   * form. Argentina is the one known exception: its national mobile spelling ("011 15-2345-6789") needs
   * the rewrite rule in its national-prefix-for-parsing pattern, which the fast key does not apply.
   */
  it('equals E.164 for every region’s example mobile number in every spelling', () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const region of getCountries()) {
      const example = getExampleNumber(region, examples);
      if (!example) continue;
      checked += 1;
      const international = example.formatInternational();
      const national = example.formatNational();
      const spellings: [string, string, CountryCode | undefined][] = [
        ['national', national, region],
        ['international', international, undefined],
        ['E.164', example.number, undefined],
        ['00', international.replace('+', '00'), undefined],
        ['national digits', national.replace(/\D/g, ''), region],
      ];
      for (const [name, spelling, spellingRegion] of spellings) {
        const key = phoneKey(spelling, spellingRegion);
        if (key !== example.number) mismatches.push(`${region} ${name} ${spelling} → ${key}`);
      }
    }
    expect(checked).toBeGreaterThan(240);
    expect(mismatches).toEqual([
      'AR national 011 15-2345-6789 → +54111523456789',
      'AR national digits 0111523456789 → +54111523456789',
    ]);
    // normalizePhone, with the full parser, reads Argentina's spelling.
    expect(normalizePhone('011 15-2345-6789', 'AR')).toBe('+5491123456789');
  });

  it('normalizePhone also gives E.164 for every region’s example in every spelling', () => {
    for (const region of getCountries()) {
      const example = getExampleNumber(region, examples);
      if (!example) continue;
      const international = example.formatInternational();
      expect(normalizePhone(example.formatNational(), region)).toBe(example.number);
      expect(normalizePhone(international)).toBe(example.number);
      expect(normalizePhone(example.number, 'US')).toBe(example.number);
      expect(normalizePhone(international.replace('+', '00'))).toBe(example.number);
    }
  });
});
