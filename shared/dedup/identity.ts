import type { FieldKey, RawValue } from '../fields.ts';
import {
  companyKey,
  countryToRegion,
  domainOf,
  emailDomain,
  isBlank,
  isMeaningfulPhone,
  memoize,
  nameKey,
  phoneCellParts,
  phoneKey,
  type Region,
  splitEmails,
  splitFullName,
  withoutHonorific,
} from '../normalize/index.ts';
import { isFreeMailDomain } from './free-mail.ts';

/** A row or CRM record as the matcher sees it: canonical field → raw value. */
export type DedupRecord = Readonly<Partial<Record<FieldKey, RawValue>>>;

export interface DedupOptions {
  /** Region for phone numbers without a country code when the row has no recognisable country. */
  readonly defaultRegion?: Region;
}

/** Everything that can identify the person behind a record, normalised once. */
export interface Identity {
  readonly emails: readonly string[];
  /** Addresses reduced to the mailbox they reach (plus-tags dropped, Gmail dots ignored): for disagreement. */
  readonly mailboxes: readonly string[];
  readonly phones: readonly string[];
  readonly first: string;
  readonly last: string;
  /** "first last", folded; empty when the record has no name. */
  readonly fullName: string;
  /** "last first": people swap the columns, and comparing both orders catches it. */
  readonly swappedName: string;
  readonly company: string;
  /** Organisation domains from email addresses (consumer mailboxes excluded) and the website. */
  readonly domains: readonly string[];
  readonly isEmpty: boolean;
}

const GMAIL = new Set(['gmail.com', 'googlemail.com']);

function mailbox(email: string): string {
  const at = email.lastIndexOf('@');
  let local = email.slice(0, at).replace(/\+.*$/, '');
  const domain = email.slice(at + 1);
  if (GMAIL.has(domain)) local = local.replace(/\./g, '');
  return `${local}@${GMAIL.has(domain) ? 'gmail.com' : domain}`;
}

/** Phone keys of a cell that may hold several numbers. */
function phoneKeys(cell: string, region: Region | undefined): string[] {
  const keys: string[] = [];
  for (const part of phoneCellParts(cell)) {
    const key = phoneKey(part, region);
    if (key) keys.push(key);
  }
  return keys;
}

function text(value: RawValue): string {
  if (value === null || value === undefined) return '';
  return value instanceof Date ? '' : String(value);
}

const companyKeyOf = memoize((company) => (isBlank(company) ? '' : companyKey(company)));
const websiteDomainOf = memoize(domainOf);

function names(record: DedupRecord): { first: string; last: string } {
  let first = withoutHonorific(nameKey(text(record.first_name)));
  let last = nameKey(text(record.last_name));
  const full = text(record.full_name);
  if (!first && !last && !isBlank(full)) {
    const split = splitFullName(full);
    first = nameKey(split.first);
    last = nameKey(split.last);
  } else if (first && !last && first.includes(' ')) {
    // A whole name typed into "First name" is common in hand-kept sheets.
    const split = splitFullName(text(record.first_name));
    first = nameKey(split.first);
    last = nameKey(split.last);
  }
  return { first, last };
}

/**
 * Country-code top-level domains that reliably mean a business in that country. Generic-looking ones
 * (.co, .io, .ai, .me, .tv, …) are left out: start-ups everywhere use them.
 */
const COUNTRY_TLDS: Readonly<Record<string, Region>> = {
  uk: 'GB',
  de: 'DE',
  fr: 'FR',
  es: 'ES',
  it: 'IT',
  nl: 'NL',
  be: 'BE',
  ch: 'CH',
  at: 'AT',
  se: 'SE',
  no: 'NO',
  dk: 'DK',
  fi: 'FI',
  ie: 'IE',
  pl: 'PL',
  pt: 'PT',
  cz: 'CZ',
  gr: 'GR',
  hu: 'HU',
  ro: 'RO',
  au: 'AU',
  nz: 'NZ',
  ca: 'CA',
  in: 'IN',
  jp: 'JP',
  br: 'BR',
  mx: 'MX',
  za: 'ZA',
  sg: 'SG',
  ar: 'AR',
  cl: 'CL',
  il: 'IL',
  tr: 'TR',
  kr: 'KR',
  hk: 'HK',
  tw: 'TW',
  my: 'MY',
  ph: 'PH',
  id: 'ID',
  th: 'TH',
};

/**
 * The country a row's email or website domain names ("ann@acme.co.uk" → GB), for reading national phone
 * numbers when the row has no country column: better than the table default for international lists.
 */
function regionOfDomains(emails: readonly string[], website: string): Region | undefined {
  for (const host of [...emails.map(emailDomain), domainOf(website)]) {
    const region = host ? COUNTRY_TLDS[host.slice(host.lastIndexOf('.') + 1)] : undefined;
    if (region) return region;
  }
  return undefined;
}

/** Adds the meaningful phone keys of a cell to `into`, once each. */
function addPhones(into: string[], cell: string, region: Region | undefined): void {
  for (const key of phoneKeys(cell, region)) {
    if (isMeaningfulPhone(key) && !into.includes(key)) into.push(key);
  }
}

/** Normalises the identifying fields of a record for matching. */
export function buildIdentity(record: DedupRecord, options: DedupOptions = {}): Identity {
  const emails = splitEmails(text(record.email));
  const region =
    countryToRegion(text(record.country)) ??
    regionOfDomains(emails, text(record.website)) ??
    options.defaultRegion;
  const phones: string[] = [];
  addPhones(phones, text(record.phone), region);
  addPhones(phones, text(record.mobile), region);
  const { first, last } = names(record);
  // Plain loops and arrays rather than Sets and spreads: this runs once per row of a 50,000-row sheet.
  const mailboxes: string[] = [];
  const domains: string[] = [];
  for (const email of emails) {
    const box = mailbox(email);
    if (!mailboxes.includes(box)) mailboxes.push(box);
    const domain = emailDomain(email);
    if (domain && !isFreeMailDomain(domain) && !domains.includes(domain)) domains.push(domain);
  }
  const website = websiteDomainOf(text(record.website));
  if (website && !isFreeMailDomain(website) && !domains.includes(website)) domains.push(website);
  const fullName = first && last ? `${first} ${last}` : first || last;
  const company = companyKeyOf(text(record.company));
  return {
    emails,
    mailboxes,
    phones,
    first,
    last,
    fullName,
    swappedName: first && last ? `${last} ${first}` : fullName,
    company,
    domains,
    isEmpty: !emails.length && !phones.length && !fullName && !company && !domains.length,
  };
}
