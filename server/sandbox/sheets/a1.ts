/**
 * A1 notation as the Sheets API reads and writes it
 * (https://developers.google.com/workspace/sheets/api/guides/concepts#cell): `Sheet1!A1:B2`, `Sheet1!A:A`,
 * `Sheet1!1:2`, `Sheet1!A5:A` (column A from row 5 on), `A1:B2` (the first visible sheet), `Sheet1` (the
 * whole sheet), `'My Custom Sheet'!A:A` (quotes for names with spaces or special characters, a quote inside
 * doubled). Named ranges and R1C1 are not supported by the sandbox.
 *
 * Kept apart from the writer's own A1 helpers on purpose: an emulator sharing code with the client it tests
 * would hide a shared mistake.
 */

/** A range as written, before it is matched to a sheet. Indexes are 0-based, ends exclusive; undefined = unbounded. */
export interface A1Range {
  /** The sheet title, unquoted; undefined means the first visible sheet. */
  readonly sheet?: string;
  readonly startRow?: number;
  readonly endRow?: number;
  readonly startColumn?: number;
  readonly endColumn?: number;
}

/** Sheets allows 18,278 columns (ZZZ) and 10 million cells, so no sheet has more rows than this. */
export const MAX_COLUMNS = 18_278;
export const MAX_ROWS = 10_000_000;

interface Ref {
  readonly column?: number;
  readonly row?: number;
}

const REF = /^(\$?([A-Za-z]{1,3}))?(\$?(\d+))?$/;

function parseRef(text: string): Ref | undefined {
  const match = REF.exec(text);
  if (!match || text === '' || text === '$') return undefined;
  const letters = match[2];
  const digits = match[4];
  const column = letters === undefined ? undefined : columnIndex(letters);
  const row = digits === undefined ? undefined : Number(digits) - 1;
  if (column === undefined && row === undefined) return undefined;
  if (row !== undefined && (row < 0 || row >= MAX_ROWS)) return undefined;
  if (column !== undefined && column >= MAX_COLUMNS) return undefined;
  return { ...(column === undefined ? {} : { column }), ...(row === undefined ? {} : { row }) };
}

/** The cell part after `!`: `A1`, `A1:B2`, `A:C`, `2:5`, `A2:C`. Undefined when it is not one. */
export function parseCells(text: string): Omit<A1Range, 'sheet'> | undefined {
  const parts = text.split(':');
  if (parts.length > 2) return undefined;
  const start = parseRef(parts[0] ?? '');
  if (!start) return undefined;
  if (parts.length === 1) {
    // A lone column ("A") or row ("5") is not a range; Google reads such a string as a sheet name.
    if (start.column === undefined || start.row === undefined) return undefined;
    return {
      startRow: start.row,
      endRow: start.row + 1,
      startColumn: start.column,
      endColumn: start.column + 1,
    };
  }
  const end = parseRef(parts[1] ?? '');
  if (!end) return undefined;
  // "A:5" names neither a column span nor a row span.
  if (start.row === undefined && end.column === undefined) return undefined;
  if (start.column === undefined && end.row === undefined) return undefined;
  const [startRow, endRow] = ordered(start.row, end.row);
  const [startColumn, endColumn] = ordered(start.column, end.column);
  return {
    ...(startRow === undefined ? {} : { startRow }),
    ...(endRow === undefined ? {} : { endRow: endRow + 1 }),
    ...(startColumn === undefined ? {} : { startColumn }),
    ...(endColumn === undefined ? {} : { endColumn: endColumn + 1 }),
  };
}

/** `B2:A1` means `A1:B2`: Sheets puts the corners in order. */
function ordered(a: number | undefined, b: number | undefined): [number | undefined, number | undefined] {
  if (a !== undefined && b !== undefined && a > b) return [b, a];
  return [a, b];
}

/**
 * Reads a quoted sheet name from the start of `text`: the name and what follows the closing quote. The closing
 * quote is the last one, followed by `!` or the end; a quote inside is written doubled (`'Bob''s'`), though a
 * single one (`'Jon's_Data'`, as Google's own guide writes it) is read the same way.
 */
function quotedName(text: string): { name: string; rest: string } | undefined {
  const bang = text.lastIndexOf("'!");
  let close: number;
  if (bang > 0) close = bang;
  else if (text.length >= 2 && text.endsWith("'")) close = text.length - 1;
  else return undefined;
  return { name: text.slice(1, close).replaceAll("''", "'"), rest: text.slice(close + 1) };
}

/**
 * Parses an A1 range. Undefined when it is not one; the API then answers "Unable to parse range: ...".
 * Without `!`, a string that reads as cells is cells ("A1"), anything else a sheet name ("Sheet1", "My Tab").
 */
export function parseA1(input: string): A1Range | undefined {
  if (input === '') return undefined;
  if (input.startsWith("'")) {
    const quoted = quotedName(input);
    if (!quoted || quoted.name === '') return undefined;
    if (quoted.rest === '') return { sheet: quoted.name };
    if (!quoted.rest.startsWith('!')) return undefined;
    const cells = parseCells(quoted.rest.slice(1));
    return cells ? { sheet: quoted.name, ...cells } : undefined;
  }
  const bang = input.indexOf('!');
  if (bang === -1) return parseCells(input) ?? { sheet: input };
  const sheet = input.slice(0, bang);
  if (sheet === '' || sheet.includes("'")) return undefined;
  const cells = parseCells(input.slice(bang + 1));
  return cells ? { sheet, ...cells } : undefined;
}

/** 0 → A, 25 → Z, 26 → AA. */
export function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

/** A → 0, Z → 25, AA → 26 (case-insensitive). */
export function columnIndex(letters: string): number {
  let index = 0;
  for (const char of letters.toUpperCase()) index = index * 26 + (char.charCodeAt(0) - 64);
  return index - 1;
}

/**
 * A sheet title as it appears in a range: bare when it is a plain identifier that cannot be mistaken for a
 * cell (`Sheet1`), quoted otherwise (`'My Tab'`, `'A1'`, `'Bob''s'`).
 */
export function sheetPrefix(title: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(title) && !/^[A-Za-z]{1,3}\d+$/.test(title);
  return plain ? title : `'${title.replaceAll("'", "''")}'`;
}

/** A bounded block of cells: 0-based, ends exclusive. */
export interface Box {
  readonly startRow: number;
  readonly endRow: number;
  readonly startColumn: number;
  readonly endColumn: number;
}

/** `Sheet1!A1:B2`, or `Sheet1!A1` for one cell. */
export function formatRange(title: string, box: Box): string {
  const start = `${columnLetters(box.startColumn)}${box.startRow + 1}`;
  const end = `${columnLetters(box.endColumn - 1)}${box.endRow}`;
  const single = box.endRow - box.startRow === 1 && box.endColumn - box.startColumn === 1;
  return `${sheetPrefix(title)}!${single ? start : `${start}:${end}`}`;
}
