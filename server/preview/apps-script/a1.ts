/** A rectangle of a sheet, 1-based and inclusive, as Apps Script's `getRange(row, column, rows, columns)`. */
export interface Box {
  readonly row: number;
  readonly column: number;
  readonly rows: number;
  readonly columns: number;
}

/** "A" → 1, "AA" → 27. */
export function columnNumber(letters: string): number {
  return [...letters.toUpperCase()].reduce((n, c) => n * 26 + (c.charCodeAt(0) - 64), 0);
}

/** 1 → "A", 27 → "AA". */
export function columnLetters(column: number): string {
  let n = column;
  let out = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    out = String.fromCharCode(65 + rest) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/** "B3:D5" for a box; a single cell is "B3". */
export function a1Of(box: Box): string {
  const start = `${columnLetters(box.column)}${box.row}`;
  if (box.rows === 1 && box.columns === 1) return start;
  return `${start}:${columnLetters(box.column + box.columns - 1)}${box.row + box.rows - 1}`;
}

const CELL = /^\$?([A-Za-z]{1,3})\$?(\d+)$/;
const COLUMN = /^\$?([A-Za-z]{1,3})$/;
const ROW = /^\$?(\d+)$/;

/**
 * Parses A1 notation as Apps Script's `Sheet.getRange(a1)` and `Spreadsheet.getRange(a1)` accept it:
 * `A1`, `A1:C5`, `B:B` (whole columns), `2:4` (whole rows), `A2:C` (to the last row), with an optional
 * sheet name (`'My tab'!A1:B2`). Whole rows and columns extend to the sheet's size, given here.
 */
export function parseA1(
  text: string,
  size: { readonly rows: number; readonly columns: number },
): { sheet?: string; box: Box } {
  const bang = text.lastIndexOf('!');
  let sheet: string | undefined;
  let ref = text;
  if (bang >= 0) {
    sheet = text
      .slice(0, bang)
      .replace(/^'(.*)'$/, '$1')
      .replace(/''/g, "'");
    ref = text.slice(bang + 1);
  }
  const [from = '', to = from] = ref.split(':');
  const fail = () => new Error(`Exception: Range not found`);
  const cellFrom = CELL.exec(from);
  const cellTo = CELL.exec(to);
  let box: Box;
  if (cellFrom && cellTo) {
    const [r1, r2] = [Number(cellFrom[2]), Number(cellTo[2])].sort((a, b) => a - b) as [number, number];
    const [c1, c2] = [columnNumber(cellFrom[1] ?? ''), columnNumber(cellTo[1] ?? '')].sort(
      (a, b) => a - b,
    ) as [number, number];
    box = { row: r1, column: c1, rows: r2 - r1 + 1, columns: c2 - c1 + 1 };
  } else if (cellFrom && COLUMN.test(to)) {
    const c2 = columnNumber(COLUMN.exec(to)?.[1] ?? '');
    const c1 = columnNumber(cellFrom[1] ?? '');
    const r1 = Number(cellFrom[2]);
    box = { row: r1, column: Math.min(c1, c2), rows: size.rows - r1 + 1, columns: Math.abs(c2 - c1) + 1 };
  } else if (COLUMN.test(from) && COLUMN.test(to)) {
    const [c1, c2] = [columnNumber(from.replace('$', '')), columnNumber(to.replace('$', ''))].sort(
      (a, b) => a - b,
    ) as [number, number];
    box = { row: 1, column: c1, rows: size.rows, columns: c2 - c1 + 1 };
  } else if (ROW.test(from) && ROW.test(to)) {
    const [r1, r2] = [Number(from.replace('$', '')), Number(to.replace('$', ''))].sort((a, b) => a - b) as [
      number,
      number,
    ];
    box = { row: r1, column: 1, rows: r2 - r1 + 1, columns: size.columns };
  } else throw fail();
  if (box.row < 1 || box.column < 1) throw fail();
  return sheet === undefined ? { box } : { sheet, box };
}
