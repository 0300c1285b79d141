import type { FieldType, FieldValue, RawValue } from '../fields.ts';
import { normalizeCompany } from './company.ts';
import { countryKey, normalizeCountry } from './country.ts';
import { type DateOptions, normalizeDate, normalizeDateTime } from './date.ts';
import { normalizeEmail } from './email.ts';
import { nameKey, normalizeName } from './names.ts';
import { normalizeNumber } from './number.ts';
import { normalizePhone, type Region } from './phone.ts';
import { cleanText, foldKey, isBlank } from './text.ts';
import { normalizeUrl, urlKey } from './url.ts';

export { companyKey, normalizeCompany } from './company.ts';
export { countryKey, countryToRegion, normalizeCountry } from './country.ts';
export { fromSheetSerial, isIsoDate, normalizeDate, normalizeDateTime } from './date.ts';
export { emailDomain, isValidEmail, normalizeEmail, splitEmails } from './email.ts';
export { memoize } from './memo.ts';
export { nameKey, normalizeName, splitFullName, withoutHonorific } from './names.ts';
export { normalizeNumber } from './number.ts';
export {
  isMeaningfulPhone,
  isRegion,
  normalizePhone,
  phoneCellParts,
  phoneKey,
  type Region,
  splitPhones,
} from './phone.ts';
export { cleanText, foldKey, isBlank } from './text.ts';
export { domainOf, normalizeUrl, urlKey } from './url.ts';

export interface NormalizeOptions extends DateOptions {
  /** Region for phone numbers written without a country code: the row's country, else this default. */
  readonly region?: Region;
}

function asText(raw: Exclude<RawValue, null | undefined>): string {
  if (raw instanceof Date) return raw.toISOString();
  return String(raw);
}

/**
 * The canonical form of a raw cell or CRM value for a field type. Idempotent for every type:
 * `normalizeValue(t, normalizeValue(t, x)) === normalizeValue(t, x)`. Blanks (and placeholders such as
 * "N/A", and an invalid `Date`) become `null`; text that does not parse as its type is kept, cleaned,
 * rather than dropped.
 */
export function normalizeValue(type: FieldType, raw: RawValue, options: NormalizeOptions = {}): FieldValue {
  if (raw === null || raw === undefined) return null;
  if (raw instanceof Date && Number.isNaN(raw.getTime())) return null;
  if (typeof raw === 'string' && isBlank(raw)) return null;
  switch (type) {
    case 'email':
      return normalizeEmail(asText(raw));
    case 'phone':
      return normalizePhone(asText(raw), options.region);
    case 'name':
      return normalizeName(asText(raw));
    case 'company':
      return normalizeCompany(asText(raw));
    case 'url':
      return normalizeUrl(asText(raw));
    case 'country':
      return normalizeCountry(asText(raw));
    case 'date':
      return typeof raw === 'boolean' ? String(raw) : normalizeDate(raw, options);
    case 'datetime':
      return typeof raw === 'boolean' ? String(raw) : normalizeDateTime(raw, options);
    case 'number':
      return typeof raw === 'boolean'
        ? raw
          ? 1
          : 0
        : raw instanceof Date
          ? asText(raw)
          : normalizeNumber(raw);
    case 'text':
      return typeof raw === 'boolean' || typeof raw === 'number' ? raw : cleanText(asText(raw));
  }
}

/** A value in canonical form together with the key it is compared by. */
export interface Comparable {
  readonly value: FieldValue;
  readonly key: string;
}

/**
 * Normalises once and derives the comparison key from that: names and companies compare case- and
 * accent-insensitively, countries by ISO code, URLs by host and path; emails, phones, dates and numbers
 * by their canonical form; other text exactly. Callers comparing one value several times (the merge
 * compares base, sheet and CRM pairwise) should keep this rather than call `valuesEqual` repeatedly.
 */
export function comparable(type: FieldType, raw: FieldValue, options: NormalizeOptions = {}): Comparable {
  const value = normalizeValue(type, raw, options);
  if (value === null) return { value, key: '' };
  if (typeof value !== 'string') return { value, key: `${typeof value}:${String(value)}` };
  switch (type) {
    case 'name':
      return { value, key: nameKey(value) };
    case 'company':
      // Case and accents only: "Acme" → "Acme Inc" is a real edit to sync. Dedup uses `companyKey`.
      return { value, key: foldKey(value) };
    case 'country':
      return { value, key: countryKey(value) };
    case 'url':
      return { value, key: urlKey(value) };
    default:
      return { value, key: value };
  }
}

/** The key two values of a type are compared by: equal keys mean "the same value" for sync and merge. */
export function valueKey(type: FieldType, value: FieldValue, options: NormalizeOptions = {}): string {
  return comparable(type, value, options).key;
}

/** True when two values of a type mean the same thing (see `valueKey`). */
export function valuesEqual(
  type: FieldType,
  a: FieldValue,
  b: FieldValue,
  options: NormalizeOptions = {},
): boolean {
  // Identical values are equal under every type; most fields in a sync are unchanged, so this is the
  // common case and skips normalisation (a phone number costs about 15 µs to parse).
  if (a === b) return true;
  return valueKey(type, a, options) === valueKey(type, b, options);
}
