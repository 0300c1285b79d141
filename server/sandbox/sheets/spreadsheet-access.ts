import type { Core } from './core.ts';
import { spreadsheetNotFound } from './errors.ts';
import type { StoredSpreadsheet } from './model.ts';

/** A spreadsheet to read; 404 when there is none with that id. Do not change it. */
export function readSpreadsheet(core: Core, spreadsheetId: string | undefined): StoredSpreadsheet {
  const spreadsheet = spreadsheetId === undefined ? undefined : core.store.read().spreadsheets[spreadsheetId];
  if (!spreadsheet) throw spreadsheetNotFound();
  return spreadsheet;
}

/**
 * Changes a spreadsheet all or nothing: `change` works on a copy, which replaces the stored one only when it
 * returns. Sheets applies a batch the same way ("If any request is not valid, no requests will be applied").
 */
export function changeSpreadsheet<T>(
  core: Core,
  spreadsheetId: string | undefined,
  change: (draft: StoredSpreadsheet) => T,
): T {
  return core.store.write((data) => {
    const current = spreadsheetId === undefined ? undefined : data.spreadsheets[spreadsheetId];
    if (!current) throw spreadsheetNotFound();
    const draft = structuredClone(current);
    const result = change(draft);
    data.spreadsheets[current.spreadsheetId] = draft;
    return result;
  });
}
