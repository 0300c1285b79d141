import { cleanText, isBlank } from './text.ts';

/** Google Sheets stores dates as days since 1899-12-30 (the Lotus 1-2-3 epoch). */
const SHEETS_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

export interface DateOptions {
  /** Read "03/04/2025" as 3 April (most of the world) instead of 4 March (US). Default false. */
  readonly dayFirst?: boolean;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function isoDate(year: number, month: number, day: number): string | undefined {
  const time = Date.UTC(year, month - 1, day);
  const check = new Date(time);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return undefined;
  }
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

function fullYear(year: number): number {
  return year < 100 ? (year < 70 ? 2000 + year : 1900 + year) : year;
}

/** A Sheets serial date (possibly with a fraction for the time of day) as a UTC instant. */
export function fromSheetSerial(serial: number): Date {
  return new Date(SHEETS_EPOCH_MS + Math.round(serial * DAY_MS));
}

/**
 * A number as an instant: epoch milliseconds when large (CRMs send those), else a Sheets serial date.
 * `undefined` outside the years 0000–9999, which an ISO date cannot show (and `Date` may not hold).
 */
function fromNumber(value: number): Date | undefined {
  const date = value > 10_000_000_000 ? new Date(value) : fromSheetSerial(value);
  const year = date.getUTCFullYear();
  return year >= 0 && year <= 9999 ? date : undefined;
}

/** Parses the date part of what people and CRMs write; `undefined` when it is not a date. */
function parseDatePart(text: string, options: DateOptions): string | undefined {
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(text);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$/.exec(text);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(text);
  if (m) {
    const [a, b, year] = [Number(m[1]), Number(m[2]), fullYear(Number(m[3]))];
    // An impossible reading (a month above 12) settles the order whatever the option says.
    const dayFirst = a > 12 ? true : b > 12 ? false : (options.dayFirst ?? false);
    return dayFirst ? isoDate(year, b, a) : isoDate(year, a, b);
  }
  const words = text
    .toLowerCase()
    .replace(/,/g, ' ')
    .replace(/(\d)(st|nd|rd|th)\b/g, '$1');
  m = /^(?:[a-z]+\s+)?(\d{1,2})\s+([a-z]{3,9})\.?\s+(\d{4})$/.exec(words);
  if (m) {
    const month = MONTHS[m[2]?.slice(0, m[2] === 'sept' ? 4 : 3) ?? ''];
    return month ? isoDate(Number(m[3]), month, Number(m[1])) : undefined;
  }
  m = /^(?:[a-z]+\s+)?([a-z]{3,9})\.?\s+(\d{1,2})\s+(\d{4})$/.exec(words);
  if (m) {
    const month = MONTHS[m[1]?.slice(0, m[1] === 'sept' ? 4 : 3) ?? ''];
    return month ? isoDate(Number(m[3]), month, Number(m[2])) : undefined;
  }
  return undefined;
}

/**
 * Canonical date `YYYY-MM-DD` from a sheet date (a `Date`, or a serial number from the Sheets API; epoch
 * milliseconds from a CRM) or from a string in ISO, US/European numeric, or written-out form ("14 Mar
 * 2025", "March 14th, 2025"). Text that is not a date is returned cleaned, and a number that is not one
 * as text, so nothing typed is lost; `isIsoDate` tells them apart.
 */
export function normalizeDate(value: string | number | Date, options: DateOptions = {}): string | null {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    return fromNumber(value)?.toISOString().slice(0, 10) ?? String(value);
  }
  if (isBlank(value)) return null;
  const text = cleanText(value);
  if (/^\d+(\.\d+)?$/.test(text) && Number(text) < 2_958_466) return normalizeDate(Number(text), options);
  return parseDatePart(text, options) ?? text;
}

/**
 * Canonical instant `YYYY-MM-DDTHH:mm:ss.sssZ`. A date without a time becomes midnight UTC; a time
 * without a zone is read as UTC (sheets carry no zone; the caller converts when it knows the sheet's).
 * A number, or a cell of digits, is epoch milliseconds when large and a Sheets serial date otherwise;
 * one outside the years 0000–9999 is kept as text.
 */
export function normalizeDateTime(value: string | number | Date, options: DateOptions = {}): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    return fromNumber(value)?.toISOString() ?? String(value);
  }
  if (isBlank(value)) return null;
  const text = cleanText(value);
  const instant = /^\d+(\.\d+)?$/.test(text) ? fromNumber(Number(text)) : undefined;
  if (instant) return instant.toISOString();
  const iso = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
    text,
  );
  // `Date` would roll an impossible day over ("2025-02-30T10:00" → 2 March); such text is kept instead.
  if (iso && parseDatePart(iso[1] ?? '', options) === iso[1]) {
    const zone = iso[6] ? iso[6].toUpperCase().replace(/^([+-]\d{2})(\d{2})$/, '$1:$2') : 'Z';
    const parsed = new Date(`${iso[1]}T${iso[2]}:${iso[3]}:${iso[4] ?? '00'}${iso[5] ?? ''}${zone}`);
    if (!Number.isNaN(parsed.getTime())) return parsed.toISOString();
  }
  const day = parseDatePart(text, options);
  return day ? `${day}T00:00:00.000Z` : text;
}

export function isIsoDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value);
}
