import { documentProperties, KEYS } from '../properties.ts';

/** Notes that the add-on just finished a sync of this tab (an export, import or flush of edits). */
export function recordSync(sheet: GoogleAppsScript.Spreadsheet.Sheet, at: Date = new Date()): void {
  documentProperties().setProperty(KEYS.lastSync(sheet.getSheetId()), at.toISOString());
}

/** When the add-on last finished a sync of this tab (ISO time), or null. */
export function lastSyncOf(sheet: GoogleAppsScript.Spreadsheet.Sheet): string | null {
  return documentProperties().getProperty(KEYS.lastSync(sheet.getSheetId()));
}
