import {
  type CountryCode,
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
} from 'libphonenumber-js';
import { cleanText, isBlank } from './text.ts';

export type Region = CountryCode;

const REGIONS = new Set<string>(getCountries());
const CALLING_CODES = new Set<string>(getCountries().map((region) => getCountryCallingCode(region)));

export function isRegion(value: string): value is Region {
  return REGIONS.has(value);
}

/** Drops an extension ("ext. 12", "x12", "#12") that E.164 cannot hold. */
function withoutExtension(text: string): string {
  return text.replace(/\s*(?:ext\.?|extension|x|#)\s*\d{1,6}$/i, '');
}

function validE164(text: string, region: Region | undefined): string | undefined {
  const parsed = parsePhoneNumberFromString(text, region);
  return parsed?.isValid() ? parsed.number : undefined;
}

/** Strips one leading country calling code: after `+`/`00`, or the region's own code on an over-long number. */
function stripCountryCode(digits: string, international: boolean, region: Region | undefined): string {
  if (international) {
    for (const length of [1, 2, 3]) {
      const code = digits.slice(0, length);
      if (CALLING_CODES.has(code) && digits.length - length >= 4) return digits.slice(length);
    }
    return digits;
  }
  if (digits.startsWith('00')) return stripCountryCode(digits.slice(2), true, region);
  const own = region ? getCountryCallingCode(region) : undefined;
  if (own && digits.startsWith(own) && digits.length >= 11) return digits.slice(own.length);
  return digits;
}

/**
 * Canonical phone number: E.164 (`+442079460958`) when the number is valid for its own country code or
 * for `region` (the row's country, else the configured default). Otherwise a digits-only fallback with
 * spaces, dashes, parentheses, dots and a leading country code removed, so two spellings of one invalid or
 * fictional number still agree. Idempotent: the fallback is a fixed point of the stripping and is never
 * itself a valid number, so normalising the result again returns it unchanged.
 */
export function normalizePhone(value: string, region?: Region): string | null {
  if (isBlank(value)) return null;
  // "0044 20 …" is how Europeans write "+44 20 …"; libphonenumber only accepts 00 where it is the
  // region's own international prefix, so a US default would otherwise misread it.
  const text = withoutExtension(cleanText(value)).replace(/^00(?=[1-9])/, '+');
  const direct = validE164(text, region);
  if (direct) return direct;

  const international = /^\s*\+/.test(text);
  const digits = text.replace(/\D/g, '');
  if (!digits) return cleanText(value);
  if (!international && digits.length >= 10) {
    const withPlus = validE164(`+${digits}`, undefined);
    if (withPlus) return withPlus;
  }

  let stripped = stripCountryCode(digits, international, region);
  for (let next = stripCountryCode(stripped, false, region); next !== stripped; ) {
    stripped = next;
    next = stripCountryCode(stripped, false, region);
  }
  return (
    validE164(stripped, region) ??
    (stripped.length >= 10 ? validE164(`+${stripped}`, undefined) : undefined) ??
    stripped
  );
}

/**
 * Every phone number in a cell that may hold several ("020 7946 0958 / 07700 900123" or separated by ; ,
 * or new lines). A lone "/" is not a separator: German numbers are written "030/1234567".
 */
export function splitPhones(value: string, region?: Region): string[] {
  const found = new Set<string>();
  for (const part of value.split(/[;,\n]|\s\/\s|\s+or\s+/i)) {
    const phone = normalizePhone(part, region);
    if (phone) found.add(phone);
  }
  return [...found];
}

/**
 * True when a normalised number can identify a person: enough digits and not a filler like 0000000 or
 * 1234567 that people type to get past a required field.
 */
export function isMeaningfulPhone(phone: string): boolean {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return false;
  if (/^(\d)\1+$/.test(digits.slice(-7))) return false;
  return !'0123456789012345678909876543210'.includes(digits.slice(-7));
}
