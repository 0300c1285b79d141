/*
 * The little A1 notation the writer writes (https://developers.google.com/workspace/sheets/api/guides/concepts#cell).
 * The sandbox has its own parser on purpose: a client and the emulator it is tested against should not share
 * a mistake.
 */

/** 0 → A, 25 → Z, 26 → AA. */
export function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

/** A tab title as a range prefix, always quoted (a quote inside doubled), so any title is safe: `'Leads'!`. */
export function tabPrefix(tab: string): string {
  return `'${tab.replaceAll("'", "''")}'!`;
}

/** Cells of one row: `'Leads'!B7:D7` (1-based row, 0-based columns, end exclusive). */
export function rowRange(tab: string, row: number, startColumn: number, endColumn: number): string {
  const start = `${columnLetters(startColumn)}${row}`;
  return `${tabPrefix(tab)}${endColumn - startColumn === 1 ? start : `${start}:${columnLetters(endColumn - 1)}${row}`}`;
}

/** A whole column: `'Leads'!C:C`. */
export function columnRange(tab: string, column: number): string {
  const letters = columnLetters(column);
  return `${tabPrefix(tab)}${letters}:${letters}`;
}

/** A whole row: `'Leads'!1:1`. */
export function wholeRow(tab: string, row: number): string {
  return `${tabPrefix(tab)}${row}:${row}`;
}

/** The first row number of an A1 range as the API echoes it (`'Leads'!A7:D9` → 7); undefined if none. */
export function firstRowOf(range: string): number | undefined {
  const match = /^\$?[A-Za-z]*\$?(\d+)/.exec(range.slice(range.lastIndexOf('!') + 1));
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
