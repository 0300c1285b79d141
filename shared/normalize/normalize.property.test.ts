import fc from 'fast-check';
import { getExampleNumber, parsePhoneNumberFromString } from 'libphonenumber-js';
import examples from 'libphonenumber-js/examples.mobile.json';
import { describe, expect, it } from 'vitest';
import { FIELD_TYPES, type FieldType, type FieldValue, type RawValue } from '../fields.ts';
import {
  companyKey,
  foldKey,
  type NormalizeOptions,
  nameKey,
  normalizePhone,
  normalizeValue,
  phoneKey,
  type Region,
  valueKey,
  valuesEqual,
} from './index.ts';

const RUNS = { numRuns: 500 };

const REGIONS: readonly (Region | undefined)[] = ['US', 'GB', 'DE', 'FR', 'AU', 'IT', 'IN', undefined];
const regionArb = fc.constantFrom(...REGIONS);

const optionsArb: fc.Arbitrary<NormalizeOptions> = fc
  .record({ region: regionArb, dayFirst: fc.option(fc.boolean(), { nil: undefined }) })
  .map(({ region, dayFirst }) => ({
    ...(region === undefined ? {} : { region }),
    ...(dayFirst === undefined ? {} : { dayFirst }),
  }));

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);
const digitsArb = (minLength: number, maxLength: number) =>
  fc.string({ unit: pick([...'0123456789']), minLength, maxLength });

/**
 * Fragments that sit on the normalisers' edges: every kind of space, zero-width characters, combining
 * marks, letters that fold or change under lower-casing (ß, Ð, Þ, İ, Σ, Kelvin and Ångström signs),
 * decomposed Hangul, punctuation the email, company and number parsers strip, placeholders and prefixes.
 */
const TRICKY = [
  ' ',
  '  ',
  '\t',
  '\n',
  '\u00A0',
  '\u2009',
  '\u3000',
  '\u200B',
  '\uFEFF',
  '\u0301',
  '\u0308',
  '\u0327',
  'e',
  'E',
  'é',
  'ß',
  '\u1E9E',
  'Æ',
  'Ø',
  'ø',
  'Ł',
  'Ð',
  'ð',
  'Þ',
  'ı',
  'İ',
  'Σ',
  'ς',
  '\u212A',
  '\u212B',
  '한',
  '\u1100',
  '\u1161',
  'ﬁ',
  '.',
  ',',
  ';',
  ':',
  "'",
  '’',
  '-',
  '–',
  '_',
  '&',
  '@',
  '<',
  '>',
  '(',
  ')',
  '/',
  '#',
  '+',
  '00',
  '0',
  '1',
  '44',
  '7',
  '12',
  '2025',
  'x',
  'ext',
  'mailto:',
  'MAILTO:',
  'N/A',
  'none',
  'the',
  'The ',
  ' Inc',
  ' Ltd',
  'GmbH',
  ' co',
  '$',
  '€',
  '%',
  'k',
  'M',
  'bn',
  'Mar',
  'March',
  'th',
  'T',
  'Z',
  '+02:00',
  'www.',
  'http://',
  'Acme',
  'ann',
  'José',
];
/** Whole cells known to be awkward: each of these once broke idempotence of some normaliser. */
const EDGES = [
  '0',
  '00',
  '000',
  '+',
  '+0',
  '0123456',
  'e\u200B\u0301',
  'a \u0301 b',
  '\u0301 a',
  'İ\u0327',
  'Ða a ',
  'ÞÓR',
  'a@a.aa .',
  'mailto:',
  'mailto:mailto:a@x.com',
  '<N/A>',
  'The The Acme',
  'Merck & Co., Inc.',
  '2025-02-30 10:00',
  '99999999999999999999',
  '500000000',
];
const trickyArb = fc.oneof(
  { weight: 4, arbitrary: fc.array(pick(TRICKY), { maxLength: 8 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: pick(EDGES) },
);

const anyTextArb = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  trickyArb,
);

/** What a cell or CRM property can hold, of any type: text, numbers, booleans, dates (some invalid), blanks. */
const anyRawArb: fc.Arbitrary<RawValue> = fc.oneof(
  { weight: 6, arbitrary: anyTextArb },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.oneof(fc.date(), fc.constant(new Date(Number.NaN))) },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, '', ' ', 'N/A', '-') },
);

/** Valid numbers as people write them: libphonenumber's example mobiles in its own formats. */
const EXAMPLE_PHONES = REGIONS.flatMap((region) => {
  const example = region && getExampleNumber(region, examples);
  if (!example) return [];
  const international = example.formatInternational();
  return [example.formatNational(), international, example.number, international.replace('+', '00')];
});

const phoneArb: fc.Arbitrary<string> = fc.oneof(
  pick(EXAMPLE_PHONES),
  pick(EDGES),
  fc
    .record({
      prefix: pick(['', '', '+', '+', '00', '0', '1 ', '+1 ', '+44 (0)', '0044 ', '+49 ', '0049 ']),
      groups: fc.array(fc.tuple(digitsArb(1, 4), pick(['', ' ', ' ', '-', '.', '/', ' - '])), {
        minLength: 1,
        maxLength: 5,
      }),
      parens: fc.boolean(),
      extension: fc.option(
        fc.tuple(pick([' ext. ', ' ext', ' x', 'x', ' #', ' extension ']), digitsArb(1, 6)),
        {
          nil: undefined,
        },
      ),
    })
    .map(({ prefix, groups, parens, extension }) => {
      const body = groups.map(([digits, sep], i) => (i === 0 && parens ? `(${digits})${sep}` : digits + sep));
      return `${prefix}${body.join('')}${extension ? extension.join('') : ''}`;
    }),
);

const emailArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(fc.emailAddress(), fc.constantFrom('İ\u0327@x.com', 'José@Exämple.com', 'a@a.aa')),
    fc.boolean(),
    pick<(email: string) => string>([
      (e) => e,
      (e) => ` ${e} `,
      (e) => `mailto:${e}`,
      (e) => `MAILTO:${e}`,
      (e) => `mailto:mailto:${e}`,
      (e) => `Ann <${e}>`,
      (e) => `"Doe, Ann" < ${e} >`,
      (e) => `<mailto:${e}>`,
      (e) => `${e};`,
      (e) => `${e}.`,
      (e) => `${e} .`,
      (e) => `${e}, `,
    ]),
  )
  .map(([email, upper, wrap]) => wrap(upper ? email.toUpperCase() : email));

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
  'Smarch',
];
const pad = (n: number) => String(n).padStart(2, '0');

const dateTextArb: fc.Arbitrary<string> = fc
  .record({
    y: fc.integer({ min: 1900, max: 2099 }),
    m: fc.integer({ min: 1, max: 13 }),
    d: fc.integer({ min: 1, max: 32 }),
    h: fc.integer({ min: 0, max: 24 }),
    min: fc.integer({ min: 0, max: 59 }),
    zone: pick(['', 'Z', 'z', '+02:00', '+0200', '-05:30', ' +01:00']),
    format: fc.integer({ min: 0, max: 11 }),
  })
  .map(({ y, m, d, h, min, zone, format }) => {
    const name = MONTH_NAMES[m - 1] ?? 'May';
    switch (format) {
      case 0:
        return `${y}-${pad(m)}-${pad(d)}`;
      case 1:
        return `${m}/${d}/${y}`;
      case 2:
        return `${pad(d)}/${pad(m)}/${y}`;
      case 3:
        return `${d}.${m}.${String(y).slice(2)}`;
      case 4:
        return `${y}/${m}/${d}`;
      case 5:
        return `${d} ${name.slice(0, 3)} ${y}`;
      case 6:
        return `${name} ${d}th, ${y}`;
      case 7:
        return `Fri, ${d} ${name.slice(0, 3)}. ${y}`;
      case 8:
        return `${y}-${pad(m)}-${pad(d)}T${pad(h)}:${pad(min)}:00${zone}`;
      case 9:
        return `${y}-${pad(m)}-${pad(d)} ${pad(h)}:${pad(min)}${zone}`;
      case 10:
        return `${y}-${pad(m)}-${pad(d)}T${pad(h)}:${pad(min)}:07.123${zone}`;
      default:
        return String(d * 1000 + m * 37 + (y % 100));
    }
  });

const dateArb: fc.Arbitrary<RawValue> = fc.oneof(
  { weight: 6, arbitrary: dateTextArb },
  { weight: 1, arbitrary: fc.integer({ min: -1000, max: 80_000 }) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 80_000, noNaN: true }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 4_102_444_800_000 }) },
  { weight: 1, arbitrary: fc.date() },
);

const numberTextArb: fc.Arbitrary<string> = fc
  .record({
    sign: pick(['', '', '-', '+', '(', '- ']),
    currency: pick(['', '', '$', '€', '£', '€ ', 'USD ', 'CHF']),
    whole: fc.integer({ min: 0, max: 99_999_999 }),
    fraction: fc.option(digitsArb(1, 3), { nil: undefined }),
    style: pick(['us', 'eu', 'plain', 'swiss', 'space'] as const),
    suffix: pick(['', '', 'k', 'K', 'M', 'mm', 'bn', '%', ' €', ' EUR', ' k']),
  })
  .map(({ sign, currency, whole, fraction, style, suffix }) => {
    const group = { us: ',', eu: '.', plain: '', swiss: "'", space: ' ' }[style];
    const decimal = style === 'eu' ? ',' : '.';
    const grouped = String(whole).replace(/\B(?=(\d{3})+$)/g, group);
    const number = fraction === undefined ? grouped : `${grouped}${decimal}${fraction}`;
    return `${sign}${currency}${number}${suffix}${sign === '(' ? ')' : ''}`;
  });

const numberArb: fc.Arbitrary<RawValue> = fc.oneof(
  { weight: 4, arbitrary: numberTextArb },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
);

/** Combining marks, and a zero-width space that can sit between a letter and its mark. */
const COMBINING = ['\u0301', '\u0300', '\u0308', '\u0327', '\u030C', '\u0323', '\u0302', '\u200B'];
const nameWordArb = fc
  .array(
    fc.tuple(
      pick([...'aAeEiIoOuUnNcCsSzZlLyY', 'ø', 'Ł', 'ß', 'Ð', 'İ']),
      fc.array(pick(COMBINING), { maxLength: 2 }),
    ),
    {
      minLength: 1,
      maxLength: 6,
    },
  )
  .map((letters) => letters.map(([letter, marks]) => letter + marks.join('')).join(''));
const nameArb: fc.Arbitrary<string> = fc
  .array(fc.tuple(nameWordArb, pick([' ', '  ', '-', "'", '’', '. ', '\u00A0', ' \u0301', ''])), {
    minLength: 1,
    maxLength: 4,
  })
  .map((words) => words.map(([word, sep]) => word + sep).join(''));

const companyArb: fc.Arbitrary<string> = fc
  .record({
    the: pick(['', 'The ', 'the ', 'THE ', 'The The ']),
    name: fc.oneof(
      nameArb,
      pick(['Acme', 'ACME', 'Brandt & Söhne', 'Limited Editions', 'Co-operative Bank']),
    ),
    punctuation: pick(['', ',', '.', ' -', ' &']),
    suffixes: fc.array(
      pick(['Inc', 'Inc.', 'LLC', 'Ltd', 'Limited', 'Corp.', 'Co', 'Company', 'G.m.b.H.', 'S.A.', 'AG']),
      {
        maxLength: 3,
      },
    ),
  })
  .map(({ the, name, punctuation, suffixes }) => `${the}${name}${punctuation} ${suffixes.join(' ')}`);

const urlArb: fc.Arbitrary<string> = fc.oneof(
  fc.webUrl(),
  fc
    .record({
      scheme: pick(['', 'http://', 'HTTPS://', 'ftp://']),
      www: pick(['', 'www.', 'WWW.', 'www2.']),
      host: pick(['acme.com', 'Acme.CO.uk', 'example', 'münchen.de', 'ann@acme.com']),
      port: pick(['', ':8080', ':']),
      path: pick(['', '/', '/about', '/About/', '//', '?q=1', '#top', ' /x']),
      space: pick(['', ' ', '\u00A0']),
    })
    .map(
      ({ scheme, www, host, port, path, space }) => `${space}${scheme}${www}${host}${port}${path}${space}`,
    ),
);

const countryArb: fc.Arbitrary<string> = pick([
  'UK',
  'u.k.',
  'United Kingdom',
  'England',
  'GB',
  'gbr',
  'Deutschland',
  'Allemagne',
  'España',
  'Espana',
  'Holland',
  'usa',
  'U.S.A.',
  'Türkiye',
  'Côte d’Ivoire',
  'Narnia',
  ' de ',
]);

const TYPE_ARBS: Record<FieldType, fc.Arbitrary<RawValue>> = {
  text: anyTextArb,
  email: emailArb,
  phone: phoneArb,
  name: nameArb,
  company: companyArb,
  url: urlArb,
  country: countryArb,
  date: dateArb,
  datetime: dateArb,
  number: numberArb,
};

/** Mostly values shaped like the type, often anything at all (a phone column holds notes too). */
const rawFor = (type: FieldType): fc.Arbitrary<RawValue> =>
  fc.oneof(
    { weight: 6, arbitrary: TYPE_ARBS[type] },
    { weight: 4, arbitrary: anyRawArb },
    { weight: 1, arbitrary: pick(EDGES) },
  );

describe('normalizeValue is idempotent', () => {
  it.each(FIELD_TYPES)('%s: normalising twice equals normalising once', (type) => {
    fc.assert(
      fc.property(rawFor(type), optionsArb, (raw, options) => {
        const once = normalizeValue(type, raw, options);
        expect(normalizeValue(type, once, options)).toStrictEqual(once);
      }),
      RUNS,
    );
  });
});

describe('valuesEqual', () => {
  const typeArb = pick(FIELD_TYPES);
  const valueArb = (type: FieldType): fc.Arbitrary<FieldValue> =>
    rawFor(type).map((raw) => (raw instanceof Date || raw === undefined ? null : raw));

  it('is reflexive, and a value equals its own normalised form', () => {
    fc.assert(
      fc.property(
        typeArb.chain((type) => fc.tuple(fc.constant(type), valueArb(type))),
        optionsArb,
        ([type, value], options) => {
          expect(valuesEqual(type, value, value, options)).toBe(true);
          expect(valuesEqual(type, value, normalizeValue(type, value, options), options)).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('is symmetric', () => {
    fc.assert(
      fc.property(
        typeArb.chain((type) => fc.tuple(fc.constant(type), valueArb(type), valueArb(type))),
        optionsArb,
        ([type, a, b], options) => {
          expect(valuesEqual(type, a, b, options)).toBe(valuesEqual(type, b, a, options));
          expect(valuesEqual(type, a, b, options)).toBe(
            valueKey(type, a, options) === valueKey(type, b, options),
          );
        },
      ),
      RUNS,
    );
  });
});

describe('comparison keys are idempotent', () => {
  const textArb = fc.oneof(anyTextArb, nameArb, companyArb);

  it('foldKey', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const once = foldKey(text);
        expect(foldKey(once)).toBe(once);
      }),
      RUNS,
    );
  });

  it('nameKey', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const once = nameKey(text);
        expect(nameKey(once)).toBe(once);
      }),
      RUNS,
    );
  });

  it('companyKey', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const once = companyKey(text);
        expect(companyKey(once)).toBe(once);
      }),
      RUNS,
    );
  });

  it('phoneKey', () => {
    fc.assert(
      fc.property(fc.oneof(phoneArb, anyTextArb, pick(EDGES)), regionArb, (text, region) => {
        const once = phoneKey(text, region);
        if (once !== null) expect(phoneKey(once, region)).toBe(once);
      }),
      RUNS,
    );
  });
});

/**
 * Valid numbers other than the examples: an example with its last digits replaced, kept when
 * libphonenumber still calls it valid for that region. Argentina is left out: its national mobile
 * spelling needs a rewrite rule the fast key does not apply (see phone.test.ts).
 */
const KEY_REGIONS = [
  'US',
  'GB',
  'DE',
  'FR',
  'AU',
  'IT',
  'IN',
  'BR',
  'MX',
  'JP',
  'CN',
  'ES',
  'NL',
  'CH',
] as const;
const validPhoneArb = fc
  .record({ region: pick(KEY_REGIONS), tail: digitsArb(1, 4) })
  .map(({ region, tail }) => {
    const example = getExampleNumber(region, examples);
    const national = example?.nationalNumber ?? '';
    const parsed = parsePhoneNumberFromString(national.slice(0, -tail.length) + tail, region);
    return { region, parsed: parsed?.isValid() && parsed.country === region ? parsed : undefined };
  })
  .filter((x) => x.parsed !== undefined);

describe('phoneKey agrees with normalizePhone on valid numbers', () => {
  it('in national, international, E.164, 00 and digits-only spellings', () => {
    fc.assert(
      fc.property(validPhoneArb, ({ region, parsed }) => {
        if (!parsed) return;
        const international = parsed.formatInternational();
        const national = parsed.formatNational();
        const spellings: [string, Region | undefined][] = [
          [national, region],
          [national.replace(/\D/g, ''), region],
          [international, undefined],
          [international, region],
          [parsed.number, undefined],
          [international.replace('+', '00'), region],
        ];
        for (const [spelling, spellingRegion] of spellings) {
          expect(normalizePhone(spelling, spellingRegion)).toBe(parsed.number);
          expect(phoneKey(spelling, spellingRegion)).toBe(parsed.number);
        }
      }),
      RUNS,
    );
  });
});
