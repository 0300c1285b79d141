/** A cell as the companion's API carries it (`cellSchema` in shared/api/sync.ts). */
export type WireCell = string | number | boolean | null;

/** The longest text a Google Sheets cell holds; the API accepts the same. */
const MAX_CELL_TEXT = 50_000;

/**
 * A value from `Range.getValues()` as the API carries it. Sheets hands date cells over as `Date` objects
 * at midnight (or the typed time) in the spreadsheet's time zone, which `toISOString` would shift into
 * UTC, turning 4 March in Berlin into "2025-03-03T23:00:00Z". So dates are written in the spreadsheet's
 * zone: a date without a time as `2025-03-04`, otherwise with its offset (`2025-03-04T09:30:00+01:00`).
 */
export function toWireCell(value: unknown, timeZone: string): WireCell {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    const time = Utilities.formatDate(value, timeZone, 'HH:mm:ss');
    return time === '00:00:00'
      ? Utilities.formatDate(value, timeZone, 'yyyy-MM-dd')
      : Utilities.formatDate(value, timeZone, "yyyy-MM-dd'T'HH:mm:ssXXX");
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (value === null || value === undefined) return '';
  const text = String(value);
  return text.length > MAX_CELL_TEXT ? text.slice(0, MAX_CELL_TEXT) : text;
}

/**
 * Text Sheets would not keep as typed: a formula (`=IMPORTXML(...)` from a CRM field must never run),
 * a number, a date, a boolean, or a leading `+`/`-`/`@` that Sheets reads as a formula.
 */
const REINTERPRETED =
  /^[=+\-@']|^\s*[-+]?(\d[\d,]*\.?\d*|\.\d+)(e[-+]?\d+)?\s*%?$|^\s*\d{1,4}[/.-]\d{1,2}([/.-]\d{1,4})?\s*$|^(true|false)$/i;

/**
 * A value from the companion as it must go into `Range.setValues`, which reads strings as if typed:
 * text that Sheets would turn into a formula, number, date or boolean gets a leading apostrophe, which
 * Sheets shows nowhere and which keeps the text as it is. Empty values clear the cell.
 */
export function toSheetCell(value: WireCell): string | number | boolean {
  if (value === null) return '';
  if (typeof value !== 'string') return value;
  return REINTERPRETED.test(value) ? `'${value}` : value;
}

/** A cell's value as shown in the conflict dialog and previews. */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  if (typeof value === 'string') return value;
  return String(value);
}
