import {
  type CountryCode,
  getCountries,
  getCountryCallingCode,
  Metadata,
  parsePhoneNumberFromString,
} from 'libphonenumber-js';
import { memoize } from './memo.ts';
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
  // The national trunk prefix: "07700 900123" is "+44 7700 900123". Italy keeps its 0 after +39, but
  // dropping it on both spellings still makes them agree, which is all the fallback is for.
  return digits.replace(/^0+(?=\d{6})/, '');
}

/**
 * Canonical phone number: E.164 (`+442079460958`) when the number is valid for its own country code or
 * for `region` (the row's country, else the configured default). Otherwise a digits-only fallback with
 * spaces, dashes, parentheses, dots, a leading country code and trunk zeros removed, so two spellings of one invalid or
 * fictional number still agree. Idempotent: the fallback is a fixed point of the stripping and is never
 * itself a valid number, so normalising the result again returns it unchanged.
 */
export function normalizePhone(value: string, region?: Region): string | null {
  return normalizeCached(`${region ?? ''}|${value}`);
}

/**
 * libphonenumber takes about 15 µs a number, and one value is normalised several times as it moves
 * through a sync (read, compare with the base, store): remember recent answers.
 */
const normalizeCached = memoize((key) => {
  const bar = key.indexOf('|');
  const region = key.slice(0, bar);
  return parsePhone(key.slice(bar + 1), isRegion(region) ? region : undefined);
}, 50_000);

function parsePhone(value: string, region: Region | undefined): string | null {
  if (isBlank(value)) return null;
  // "0044 20 …" is how Europeans write "+44 20 …"; libphonenumber only accepts 00 where it is the
  // region's own international prefix, so a US default would otherwise misread it.
  const text = withoutExtension(cleanText(value)).replace(/^00(?=[1-9])/, '+');
  const direct = validE164(text, region);
  if (direct) return direct;

  // A plus before the first digit, also in "(+44) 20 …" or "Tel: +44 20 …".
  const international = /^\D*\+/.test(text);
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
    // Nothing left ("00" is all prefix): keep what was typed, as for a cell without digits.
    (stripped || cleanText(value))
  );
}

/**
 * The numbers a phone cell holds, as written: separated by ; , new lines, " / " or " or ". A lone "/"
 * is not a separator: German numbers are written "030/1234567". One cell is usually one number, so that
 * case skips the split.
 */
export function phoneCellParts(cell: string): string[] {
  return /[;,\n/]|\sor\s/i.test(cell) ? cell.split(/[;,\n]|\s\/\s|\s+or\s+/i) : [cell];
}

/**
 * Every phone number in a cell that may hold several ("020 7946 0958 / 07700 900123" or separated by ; ,
 * or new lines). A lone "/" is not a separator: German numbers are written "030/1234567".
 */
export function splitPhones(value: string, region?: Region): string[] {
  const found = new Set<string>();
  for (const part of phoneCellParts(value)) {
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

interface Plan {
  readonly callingCode: string;
  /** Matches the trunk prefix written before national numbers ("0" in GB, "1" in US, "8"/"80" in BY). */
  readonly trunk: RegExp | undefined;
  readonly lengths: readonly number[];
}

/** Numbering-plan methods libphonenumber-js has at run time but leaves out of its typings. */
interface PlanInternals {
  nationalPrefix?: () => string | undefined;
  nationalPrefixForParsing?: () => string | undefined;
  possibleLengths(): number[];
}

const plans = new Map<Region, Plan>();
function planOf(region: Region): Plan {
  let plan = plans.get(region);
  if (!plan) {
    const metadata = new Metadata();
    metadata.selectNumberingPlan(region);
    const numbering = metadata.numberingPlan as PlanInternals | undefined;
    const forParsing = numbering?.nationalPrefixForParsing?.();
    const prefix = numbering?.nationalPrefix?.();
    // Patterns with capture groups carry rewrite rules (Argentina, Brazil) that a key cannot apply;
    // the plain prefix still covers the common spellings there.
    const pattern = forParsing && !forParsing.includes('(') ? forParsing : prefix;
    plan = {
      callingCode: getCountryCallingCode(region),
      trunk: pattern ? new RegExp(`^(?:${pattern})`) : undefined,
      lengths: numbering?.possibleLengths() ?? [],
    };
    plans.set(region, plan);
  }
  return plan;
}

/** Calling codes whose main country writes a trunk 0 that E.164 drops ("+44 (0)20 …" → +4420…). */
const TRUNK_ZERO_CODES = new Set(
  getCountries()
    .filter((region) => planOf(region).trunk?.test('0'))
    .map((region) => getCountryCallingCode(region)),
);

/**
 * A fast matching key for a phone number: equal to its E.164 form for valid numbers (tested against
 * libphonenumber's example number for every region, in national, international, 00 and digits-only
 * spellings), and consistent across spellings of numbers the library would reject. Built from
 * libphonenumber's own metadata (calling codes, trunk prefixes, possible lengths) but without its
 * parser, which costs about 20 µs a number: a second for a 50,000-row sheet. Use `normalizePhone` for
 * values to store or show.
 */
export function phoneKey(value: string, region?: Region): string | null {
  if (isBlank(value)) return null;
  const text = withoutExtension(cleanText(value));
  let digits = text.replace(/\D/g, '');
  if (!digits) return null;
  const plus = /^\D*\+/.test(text);
  const international = plus || /^00[1-9]/.test(digits);
  if (international) {
    if (!plus) digits = digits.slice(2);
    // ITU calling codes are prefix-free, so the first match is the only one.
    const code = [1, 2, 3]
      .map((length) => digits.slice(0, length))
      .find((prefix) => CALLING_CODES.has(prefix));
    if (!code) return `+${digits}`;
    const national = digits.slice(code.length);
    return `+${code}${TRUNK_ZERO_CODES.has(code) ? national.replace(/^0+/, '') : national}`;
  }
  if (!region) return digits.replace(/^0+(?=\d)/, '');
  const { callingCode, trunk, lengths } = planOf(region);
  const fits = (length: number) => lengths.includes(length);
  const written = trunk?.exec(digits)?.[0];
  if (written && (fits(digits.length - written.length) || !fits(digits.length))) {
    digits = digits.slice(written.length);
  } else if (
    digits.startsWith(callingCode) &&
    !fits(digits.length) &&
    fits(digits.length - callingCode.length)
  ) {
    digits = digits.slice(callingCode.length);
  }
  // As for "+44 (0)…" above: a zero left after the trunk prefix ("0123456" in GB) is one E.164 drops.
  return `+${callingCode}${TRUNK_ZERO_CODES.has(callingCode) ? digits.replace(/^0+/, '') : digits}`;
}
