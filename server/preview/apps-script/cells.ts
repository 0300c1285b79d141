/** A formula a user or script typed; the fake evaluates none and shows `#NAME?` as its value. */
export interface Formula {
  readonly formula: string;
}

/** What a cell holds. The empty string is an empty cell, as `getValues` reports it. */
export type StoredCell = string | number | boolean | Date | Formula;

export function isFormula(cell: StoredCell): cell is Formula {
  return typeof cell === 'object' && !(cell instanceof Date);
}

/** Midnight of a calendar day in a time zone, as Sheets stores a typed date. */
export function zonedMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const utc = Date.UTC(year, month - 1, day);
  return new Date(utc - offsetMinutes(new Date(utc), timeZone) * 60_000);
}

/** The calendar fields of an instant as a wall clock in `timeZone` shows them (24-hour, zero-padded). */
export function zonedParts(at: Date, timeZone: string): (type: Intl.DateTimeFormatPartTypes) => string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  return (type) => parts.find((p) => p.type === type)?.value ?? '';
}

/** The zone's offset from UTC at an instant, in minutes (Berlin in winter: 60). */
export function offsetMinutes(at: Date, timeZone: string): number {
  const part = zonedParts(at, timeZone);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(part(type) || 0);
  const local = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((local - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/**
 * A value written with `setValue`/`setValues`, stored as Sheets stores typed input: a leading apostrophe
 * keeps the rest as text, `=` starts a formula (and a leading `+`/`-` that is not a number is read as
 * one too), numbers, TRUE/FALSE and ISO or US dates are converted. Dates, numbers and booleans stay.
 */
export function storedFromInput(value: unknown, timeZone: string): StoredCell {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return new Date(value.getTime());
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  const text = String(value);
  if (text.startsWith("'")) return text.slice(1);
  if (text.startsWith('=')) return { formula: text };
  const trimmed = text.trim();
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(trimmed)) return Number(trimmed);
  if (/^[-+]/.test(trimmed)) return { formula: `=${trimmed}` };
  if (/^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === 'true';
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(trimmed);
  if (iso) return zonedMidnight(Number(iso[1]), Number(iso[2]), Number(iso[3]), timeZone);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(trimmed);
  if (us) return zonedMidnight(Number(us[3]), Number(us[1]), Number(us[2]), timeZone);
  return text;
}

/** A stored cell as `getValues` returns it: a copy of a date, `#NAME?` for an unevaluated formula. */
export function cellValue(cell: StoredCell | undefined): string | number | boolean | Date {
  if (cell === undefined) return '';
  if (cell instanceof Date) return new Date(cell.getTime());
  if (isFormula(cell)) return '#NAME?';
  return cell;
}
