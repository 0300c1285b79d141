import { invalidArgument } from './errors.ts';
import { type Cell, isFormula, type Scalar } from './model.ts';

/**
 * How values go into cells and come back out: `valueInputOption` and `valueRenderOption`
 * (https://developers.google.com/workspace/sheets/api/reference/rest/v4/ValueInputOption,
 * https://developers.google.com/workspace/sheets/api/reference/rest/v4/ValueRenderOption).
 */

export const VALUE_INPUT_OPTIONS = ['RAW', 'USER_ENTERED'] as const;
export type ValueInputOption = (typeof VALUE_INPUT_OPTIONS)[number];

export const VALUE_RENDER_OPTIONS = ['FORMATTED_VALUE', 'UNFORMATTED_VALUE', 'FORMULA'] as const;
export type ValueRenderOption = (typeof VALUE_RENDER_OPTIONS)[number];

/** What a request may put in `values`: JSON scalars, or null to leave the cell as it is. */
export type InputValue = Scalar | null;

/** What writing a value does: leave the cell (null input), or store this cell (null = empty). */
export type CellWrite = { readonly skip: true } | { readonly skip: false; readonly cell: Cell };

const SKIP: CellWrite = { skip: true };

/** The most characters a Google Sheets cell takes. */
export const MAX_CELL_CHARS = 50_000;

// What Sheets in the en_US locale reads as a number: 12, -3.5, .5, 1e3, 1,234.5. Currencies, percentages
// and dates are parsed by Sheets too, but not by the sandbox (see README).
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const GROUPED_NUMBER = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/;

/**
 * One input value as Sheets stores it. RAW stores strings verbatim (`=SUM(A1)` stays text, `'12` keeps its
 * apostrophe); USER_ENTERED reads strings as a user typing: a leading `=` makes a formula, numbers and
 * TRUE/FALSE become values, a leading apostrophe forces text and is dropped. JSON numbers and booleans
 * are stored as they are either way. Null skips the cell; "" empties it ("Null values will be skipped. To
 * set a cell to an empty value, set the string value to an empty string": ValueRange in the API reference).
 */
export function toCell(value: InputValue, option: ValueInputOption): CellWrite {
  if (value === null) return SKIP;
  if (typeof value !== 'string') return { skip: false, cell: value };
  // One long value refuses the whole request, as Google does (a cell holds 50,000 characters:
  // https://support.google.com/drive/answer/37603).
  if (value.length > MAX_CELL_CHARS) {
    throw invalidArgument(
      `Your input contains more than the maximum of ${MAX_CELL_CHARS} characters in a single cell.`,
    );
  }
  if (value === '') return { skip: false, cell: null };
  if (option === 'RAW') return { skip: false, cell: value };
  return { skip: false, cell: userEntered(value) };
}

function userEntered(text: string): Cell {
  if (text.startsWith("'")) return text.slice(1) === '' ? null : text.slice(1);
  if (text.startsWith('=') && text.length > 1) return { formula: text };
  const trimmed = text.trim();
  if (/^true$/i.test(trimmed)) return true;
  if (/^false$/i.test(trimmed)) return false;
  if (PLAIN_NUMBER.test(trimmed)) return Number(trimmed);
  if (GROUPED_NUMBER.test(trimmed)) return Number(trimmed.replaceAll(',', ''));
  return text;
}

/** What a formula shows when the state API gave it no result: the sandbox knows no functions. */
export const UNEVALUATED = '#NAME?';

/**
 * A cell as a read answers it. FORMATTED_VALUE: text as shown (numbers in Sheets' automatic format,
 * booleans as TRUE/FALSE); UNFORMATTED_VALUE: numbers and booleans as JSON values; FORMULA: formulas as
 * written, everything else unformatted. Empty cells are "".
 */
export function renderCell(cell: Cell | undefined, option: ValueRenderOption): Scalar {
  if (cell === undefined || cell === null) return '';
  if (isFormula(cell)) {
    if (option === 'FORMULA') return cell.formula;
    return renderScalar(cell.result ?? UNEVALUATED, option);
  }
  return renderScalar(cell, option);
}

function renderScalar(value: Scalar, option: ValueRenderOption): Scalar {
  if (option !== 'FORMATTED_VALUE') return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return formatNumber(value);
  return value;
}

/**
 * Sheets' "Automatic" number format, near enough: up to 15 significant digits, no grouping, exponent for
 * very large or small magnitudes ("1E+21").
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '#NUM!';
  const rounded = Number(value.toPrecision(15));
  return String(rounded).toUpperCase();
}
