import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { FieldKey, RawValue } from '../../shared/fields.ts';
import {
  type NormalizeOptions,
  normalizeEmail,
  phoneCellParts,
  type Region,
} from '../../shared/normalize/index.ts';
import type { CandidateQuery } from '../connectors/types.ts';
import type { TableFields } from './fields.ts';

/** CRM search values per identifying field: `IN` lists stay at or under this many values. */
export const MAX_IN_VALUES = 100;

type Values = Readonly<Partial<Record<FieldKey, RawValue>>>;

function text(value: RawValue): string {
  return value === null || value === undefined || value instanceof Date ? '' : String(value).trim();
}

/**
 * The searches that find every CRM record a batch of new rows may duplicate (tiers 1-3 of the brief):
 * by email, by each phone property with the number as typed and as E.164, and by company (the matcher
 * then compares person names locally). One query per property and chunk of values, so a CRM search
 * runs as few requests as its filter limits allow instead of one per row.
 */
export function candidateQueries(
  table: TableFields,
  rows: readonly { readonly values: Values; readonly normalize?: NormalizeOptions }[],
): CandidateQuery[] {
  const propertyOf = (key: FieldKey) => table.synced.find((field) => field.key === key)?.property;
  const emails = new Set<string>();
  const phones = new Set<string>();
  const companies = new Set<string>();
  const lastNames = new Set<string>();
  for (const { values, normalize } of rows) {
    const email = normalizeEmail(text(values.email));
    if (email) emails.add(email);
    for (const key of ['phone', 'mobile'] as const) {
      for (const part of phoneCellParts(text(values[key]))) {
        for (const spelling of phoneSpellings(part, normalize?.region)) phones.add(spelling);
      }
    }
    const company = text(values.company);
    if (company) companies.add(company);
    const last = text(values.last_name);
    if (last) lastNames.add(last);
  }
  const queries: CandidateQuery[] = [];
  const add = (property: string | undefined, values: ReadonlySet<string>) => {
    queries.push(...inQueries(property, values));
  };
  add(propertyOf('email'), emails);
  add(propertyOf('phone'), phones);
  add(propertyOf('mobile'), phones);
  // Tier 3 (same company, name a typo apart) is found by either half spelled exactly as the CRM has
  // it: the company, or the last name. A record differing in both ("Acme" vs "Acme Inc" and "Jon" vs
  // "John") is not found by search.
  if (propertyOf('last_name') !== undefined || propertyOf('full_name') !== undefined) {
    add(propertyOf('company'), companies);
    if (propertyOf('company') !== undefined) add(propertyOf('last_name'), lastNames);
  }
  return queries;
}

/**
 * The ways a CRM may have stored a number, since CRM searches compare text exactly: as typed, E.164,
 * national and international format, and national digits. A number stored otherwise ("212-555-0199")
 * is not found by search, and the row becomes a new record.
 */
export function phoneSpellings(raw: string, region: Region | undefined): string[] {
  const typed = raw.trim();
  const parsed = parsePhoneNumberFromString(typed, region);
  if (!parsed?.isPossible()) return typed ? [typed] : [];
  return [
    ...new Set([
      typed,
      parsed.number,
      parsed.formatNational(),
      parsed.formatInternational(),
      parsed.nationalNumber,
    ]),
  ];
}

/** One query per chunk of at most `MAX_IN_VALUES` distinct, non-empty values of `property`. */
export function inQueries(property: string | undefined, values: Iterable<string>): CandidateQuery[] {
  if (property === undefined) return [];
  const list = [...new Set(values)].filter(Boolean);
  const queries: CandidateQuery[] = [];
  for (let start = 0; start < list.length; start += MAX_IN_VALUES) {
    queries.push({ where: { [property]: list.slice(start, start + MAX_IN_VALUES) } });
  }
  return queries;
}
