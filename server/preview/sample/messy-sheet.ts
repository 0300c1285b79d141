/**
 * A labelled, deliberately messy outreach sheet for measuring the dedup matcher: every row carries the
 * id of the person it really is, so precision and recall can be computed. Deterministic (seeded), so a
 * change in the figures always means a change in the matcher.
 *
 * What real sheets do to duplicates, all represented: email case and stray spaces, phones in local,
 * international and 00-prefixed forms, typos and accents in names, "Inc."/"Ltd" suffixes, names in
 * "Last, First" form, blanks and placeholders ("N/A"). And the traps that must not merge: colleagues
 * sharing a switchboard number with different emails, namesakes at other companies, and people on
 * consumer mailboxes (gmail.com is not a company).
 */

import { seededRandom } from './random.ts';

export interface LabelledRow {
  readonly person: number;
  readonly cells: Record<string, string>;
}

export const HEADERS = [
  'First Name',
  'Last Name',
  'E-mail',
  'Phone',
  'Company Name',
  'Website',
  'Country',
  'Status',
];

const FIRST = [
  'James',
  'Maria',
  'Oliver',
  'Sophie',
  'Liam',
  'Emma',
  'Noah',
  'Chloé',
  'Lucas',
  'Zoë',
  'Mateo',
  'Amélie',
  'Henrik',
  'Ingrid',
  'Kenji',
  'Aisha',
  'Rahul',
  'Priya',
  'Tomás',
  'Lena',
  'Dmitri',
  'Fatima',
  'Jonas',
  'Isabella',
  'Ethan',
  'Grace',
  'Felix',
  'Nora',
  'Omar',
  'Hannah',
  'Victor',
  'Elena',
  'Samuel',
  'Clara',
  'Arjun',
  'Yara',
];
const LAST = [
  'Thompson',
  'García',
  'Müller',
  'Okafor',
  'Nakamura',
  'Johansson',
  'Rossi',
  'Dubois',
  'Kowalski',
  'Fernández',
  'Andersson',
  'Schneider',
  'Novak',
  'Murphy',
  "O'Brien",
  'Van der Berg',
  'Silva',
  'Haddad',
  'Chen',
  'Patel',
  'Ivanova',
  'Larsen',
  'Moreau',
  'Becker',
  'Rahman',
  'Costa',
  'Fischer',
  'Wright',
  'Lindqvist',
  'Sato',
];
const COMPANIES: {
  name: string;
  variants: string[];
  domain: string;
  country: string;
  switchboard: string;
}[] = [
  {
    name: 'Acme Analytics Inc.',
    variants: ['ACME Analytics', 'Acme Analytics, Inc', 'acme analytics inc'],
    domain: 'acme-analytics.com',
    country: 'USA',
    switchboard: '(415) 555-0100',
  },
  {
    name: 'Northwind Traders Ltd',
    variants: ['Northwind Traders Limited', 'NORTHWIND TRADERS', 'Northwind Traders'],
    domain: 'northwind.co.uk',
    country: 'United Kingdom',
    switchboard: '020 7946 0000',
  },
  {
    name: 'Brandt & Söhne GmbH',
    variants: ['Brandt & Sohne', 'BRANDT UND SÖHNE', 'Brandt & Söhne G.m.b.H.'],
    domain: 'brandt-soehne.de',
    country: 'Germany',
    switchboard: '030 1234560',
  },
  {
    name: 'Lumière SA',
    variants: ['Lumiere S.A.', 'LUMIÈRE', 'Lumière'],
    domain: 'lumiere.fr',
    country: 'France',
    switchboard: '01 42 68 53 00',
  },
  {
    name: 'Globex Corporation',
    variants: ['Globex Corp', 'Globex', 'GLOBEX CORP.'],
    domain: 'globex.com',
    country: 'US',
    switchboard: '212-555-0199',
  },
  {
    name: 'Initech LLC',
    variants: ['Initech', 'INITECH, LLC', 'Initech L.L.C.'],
    domain: 'initech.io',
    country: 'United States',
    switchboard: '+1 512 555 0142',
  },
  {
    name: 'Stark Industries',
    variants: ['Stark Industries Inc', 'stark industries', 'Stark Industries Co.'],
    domain: 'starkindustries.com',
    country: 'US',
    switchboard: '(646) 555-0177',
  },
  {
    name: 'Umbrella Health Pty Ltd',
    variants: ['Umbrella Health', 'UMBRELLA HEALTH PTY', 'Umbrella Health Pty. Ltd.'],
    domain: 'umbrellahealth.com.au',
    country: 'Australia',
    switchboard: '02 9374 4000',
  },
  {
    name: 'Hooli',
    variants: ['Hooli Inc', 'HOOLI', 'Hooli, Inc.'],
    domain: 'hooli.xyz',
    country: 'USA',
    switchboard: '650-555-0123',
  },
  {
    name: 'Vandelay Imports',
    variants: ['Vandelay Imports Co', 'vandelay imports', 'Vandelay Imports Company'],
    domain: 'vandelay.com',
    country: 'US',
    switchboard: '718-555-0110',
  },
];
const FREE = ['gmail.com', 'yahoo.com', 'hotmail.co.uk', 'outlook.com'];

const UK_MOBILES = ['07700 900', '07700 901', '07911 123'];

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)] as T;
}

function ascii(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/'/g, '');
}

/** A typo a person makes: a dropped, doubled or swapped letter (never in the first letter). */
function typo(rnd: () => number, word: string): string {
  if (word.length < 5) return word;
  const at = 1 + Math.floor(rnd() * (word.length - 2));
  const kind = Math.floor(rnd() * 3);
  if (kind === 0) return word.slice(0, at) + word.slice(at + 1);
  if (kind === 1) return word.slice(0, at) + word[at] + word.slice(at);
  return word.slice(0, at) + (word[at + 1] ?? '') + (word[at] ?? '') + word.slice(at + 2);
}

/** Phone spellings of one number that real sheets mix. */
function phoneVariants(country: string, local: string): string[] {
  const digits = local.replace(/\D/g, '');
  if (country === 'United Kingdom') {
    const national = digits.replace(/^0/, '');
    return [
      local,
      `+44 ${national.slice(0, 2)} ${national.slice(2, 6)} ${national.slice(6)}`,
      `0044 ${national}`,
      `+44 (0)${national}`,
    ];
  }
  if (country === 'Germany')
    return [local, `+49 ${digits.replace(/^0/, '')}`, `0049-${digits.replace(/^0/, '')}`];
  if (country === 'France')
    return [local, `+33 ${digits.replace(/^0/, '')}`, `0033 ${digits.replace(/^0/, '')}`];
  if (country === 'Australia') return [local, `+61 ${digits.replace(/^0/, '')}`];
  const us = digits.replace(/^1(?=\d{10}$)/, '');
  return [
    `(${us.slice(0, 3)}) ${us.slice(3, 6)}-${us.slice(6)}`,
    `${us.slice(0, 3)}.${us.slice(3, 6)}.${us.slice(6)}`,
    `+1 ${us}`,
    `1-${us.slice(0, 3)}-${us.slice(3, 6)}-${us.slice(6)}`,
  ];
}

function directLine(rnd: () => number, country: string, serial: number): string {
  const n = String(1000 + serial).slice(-4);
  if (country === 'United Kingdom') return `${pick(rnd, UK_MOBILES)}${n.slice(1)}`;
  if (country === 'Germany') return `0151 2345${n}`;
  if (country === 'France') return `06 12 34 ${n.slice(0, 2)} ${n.slice(2)}`;
  if (country === 'Australia') return `0412 345 ${n.slice(1)}`;
  return `(312) 555-${n}`;
}

/** Builds the labelled sheet: `people` distinct people, about a third of them duplicated 1-3 times. */
export function messySheet(seed = 7, people = 120): LabelledRow[] {
  const rnd = seededRandom(seed);
  const rows: LabelledRow[] = [];
  for (let person = 0; person < people; person += 1) {
    const company = COMPANIES[person % COMPANIES.length] as (typeof COMPANIES)[number];
    const first = FIRST[(person * 7) % FIRST.length] as string;
    const last = LAST[(person * 11 + Math.floor(person / FIRST.length)) % LAST.length] as string;
    const onFreeMail = person % 9 === 4;
    const localPart = `${ascii(first)}.${ascii(last).replace(/\s+/g, '')}`.toLowerCase();
    const email = `${localPart}${onFreeMail ? person : ''}@${onFreeMail ? pick(rnd, FREE) : company.domain}`;
    // Every third person only gives the company switchboard: colleagues share that number.
    const usesSwitchboard = person % 3 === 0;
    const phone = usesSwitchboard ? company.switchboard : directLine(rnd, company.country, person);
    const base: Record<string, string> = {
      'First Name': first,
      'Last Name': last,
      'E-mail': email,
      Phone: phone,
      'Company Name': company.name,
      Website: person % 2 ? `https://www.${company.domain}/` : '',
      Country: company.country,
      Status: pick(rnd, ['New', 'Contacted', 'Replied', 'Qualified']),
    };
    rows.push({ person, cells: base });

    const copies = person % 3 === 1 ? 1 + Math.floor(rnd() * 3) : 0;
    for (let copy = 0; copy < copies; copy += 1) {
      const cells = { ...base };
      const variant = (person + copy) % 6;
      cells['Company Name'] = pick(rnd, company.variants);
      if (variant === 0) {
        cells['E-mail'] = `  ${email.toUpperCase()} `;
        cells.Phone = 'N/A';
      } else if (variant === 1) {
        cells['E-mail'] = '';
        cells.Phone = pick(rnd, phoneVariants(company.country, phone));
        cells['First Name'] = first.toUpperCase();
        // Country left blank: the national spelling must be read in the website's country.
        if (copy % 2 === 0) cells.Country = '';
      } else if (variant === 2) {
        // No email, no phone: only company + a misspelt name can find this one.
        cells['E-mail'] = '-';
        cells.Phone = '';
        cells['Last Name'] = typo(rnd, last);
      } else if (variant === 3) {
        cells['First Name'] = ascii(first);
        cells['Last Name'] = ascii(last);
        cells.Phone = pick(rnd, phoneVariants(company.country, phone));
      } else if (variant === 4) {
        cells['First Name'] = `${last}, ${first}`;
        cells['Last Name'] = '';
        cells['E-mail'] = `mailto:${email}`;
      } else {
        cells['E-mail'] = '';
        // A middle initial typed after the given name, or a typo in it.
        cells['First Name'] =
          copy % 2 ? `${first} ${String.fromCharCode(65 + (person % 26))}.` : typo(rnd, first);
        cells.Phone = pick(rnd, phoneVariants(company.country, phone));
      }
      rows.push({ person, cells });
    }
  }
  // Namesakes: same name as an existing person, different company and contact details.
  for (let i = 0; i < 6; i += 1) {
    const original = rows[i * 13]?.cells ?? {};
    const company = COMPANIES[(i * 3 + 5) % COMPANIES.length] as (typeof COMPANIES)[number];
    rows.push({
      person: people + i,
      cells: {
        ...original,
        'E-mail': `${ascii(original['First Name'] ?? 'x').toLowerCase()}@${company.domain}`,
        Phone: directLine(rnd, company.country, 900 + i),
        'Company Name': company.name,
        Website: '',
        Country: company.country,
      },
    });
  }
  // Shuffle so duplicates are not adjacent, as in a sheet sorted by anything but identity.
  for (let i = rows.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rnd() * (i + 1));
    [rows[i], rows[j]] = [rows[j] as LabelledRow, rows[i] as LabelledRow];
  }
  return rows;
}

/** The sheet as CSV text (header row first), as "File → Download → CSV" would give it. */
export function toCsv(rows: readonly LabelledRow[]): string {
  const quote = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return [HEADERS, ...rows.map((row) => HEADERS.map((header) => row.cells[header] ?? ''))]
    .map((line) => line.map(quote).join(','))
    .join('\r\n');
}

/** Pairs of row indexes that are truly the same person. */
export function truePairs(rows: readonly LabelledRow[]): Set<string> {
  const pairs = new Set<string>();
  rows.forEach((row, i) => {
    rows.forEach((other, j) => {
      if (i < j && row.person === other.person) pairs.add(`${i}:${j}`);
    });
  });
  return pairs;
}

/**
 * A large sheet shaped like a real prospect list for timing the matcher: `rows` rows of mostly distinct
 * people across many companies, with one row in ten a messy duplicate of another.
 */
export function largeSheet(rows: number, seed = 3): Record<string, string>[] {
  const rnd = seededRandom(seed);
  const out: Record<string, string>[] = [];
  const companies = Math.max(10, Math.floor(rows / 10));
  while (out.length < rows) {
    const n = out.length;
    if (n > 10 && rnd() < 0.1) {
      const original = out[Math.floor(rnd() * n)] as Record<string, string>;
      out.push({
        ...original,
        'E-mail': rnd() < 0.5 ? '' : ` ${original['E-mail']?.toUpperCase()}`,
        'Last Name': typo(rnd, original['Last Name'] ?? ''),
      });
      continue;
    }
    const first = `${pick(rnd, FIRST)}${n % 7 ? '' : 'a'}`;
    const last = `${pick(rnd, LAST)}-${(n * 7919) % 10007}`;
    const company = `Company ${Math.floor(rnd() * companies)} ${pick(rnd, ['Inc', 'Ltd', 'GmbH', ''])}`;
    const domain = `${company.toLowerCase().replace(/\W+/g, '')}.com`;
    out.push({
      'First Name': first,
      'Last Name': last,
      'E-mail': `${ascii(first).toLowerCase()}.${n}@${domain}`,
      Phone: `(${200 + (n % 700)}) 555-${String(n % 10000).padStart(4, '0')}`,
      'Company Name': company,
      Website: `https://${domain}`,
      Country: pick(rnd, ['US', 'USA', 'United States', '']),
      Status: 'New',
    });
  }
  return out;
}
