import { isRowIdHeader, sameColumnKey } from '../../../shared/mapping/index.ts';

/** A tab's header row and where its Rowbridge ID column is (1-based, as Apps Script counts). */
export interface Layout {
  readonly headers: readonly string[];
  /** The ID column, or undefined when the tab has none yet. */
  readonly idColumn: number | undefined;
  readonly lastRow: number;
  readonly lastColumn: number;
}

/** Reads the header row (row 1) of a tab. An empty tab has no headers. */
export function layoutOf(sheet: GoogleAppsScript.Spreadsheet.Sheet): Layout {
  const lastRow = sheet.getLastRow();
  const lastColumn = sheet.getLastColumn();
  const headers =
    lastColumn === 0 ? [] : (sheet.getRange(1, 1, 1, lastColumn).getValues()[0] ?? []).map((h) => String(h));
  const at = headers.findIndex(isRowIdHeader);
  return { headers, idColumn: at >= 0 ? at + 1 : undefined, lastRow, lastColumn };
}

/**
 * The 0-based positions of the mapped headers in the tab, matched as the companion matches them (case
 * and spaces aside). Headers the tab lacks are left out: a missing column means "not given".
 */
export function columnsOf(layout: Layout, mappedHeaders: readonly string[]): Map<string, number> {
  const wanted = new Set(mappedHeaders.map(sameColumnKey));
  const found = new Map<string, number>();
  layout.headers.forEach((header, index) => {
    if (header.trim() !== '' && wanted.has(sameColumnKey(header)) && !found.has(header))
      found.set(header, index);
  });
  return found;
}

/** The 0-based position of a mapped header in the tab, or undefined. */
export function columnOf(layout: Layout, header: string): number | undefined {
  const key = sameColumnKey(header);
  const at = layout.headers.findIndex((h) => sameColumnKey(h) === key);
  return at >= 0 ? at : undefined;
}
