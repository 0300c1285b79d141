/**
 * Every key the add-on keeps in the document's properties, in one place. Document properties are shared
 * by everyone who uses the add-on in this spreadsheet (a colleague sees the same binding and pending
 * edits); each value may hold 9 KB, the store 500 KB (apps-script.md, Quotas).
 */
export const KEYS = {
  /** The per-spreadsheet secret from `POST /api/v1/spreadsheets/bind`. */
  sheetSecret: 'rowbridge.sheetSecret',
  /** The sync table of a tab: `{ id, headers }`, so onEdit needs no API call to find it. */
  table: (sheetId: number) => `rowbridge.table.${sheetId}`,
  /** Row IDs edited in a tab and not yet pushed (see `live/pending.ts`). */
  pending: (sheetId: number) => `rowbridge.pending.${sheetId}`,
  /** When this add-on last finished a sync of a tab (ISO time). */
  lastSync: (sheetId: number) => `rowbridge.lastSync.${sheetId}`,
} as const;

/** The document's properties (the add-on runs bound to one spreadsheet). */
export function documentProperties(): GoogleAppsScript.Properties.Properties {
  return PropertiesService.getDocumentProperties();
}

/** A JSON value from the document's properties, or `undefined` when absent or unreadable. */
export function readJson(key: string): unknown {
  const text = documentProperties().getProperty(key);
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function writeJson(key: string, value: unknown): void {
  documentProperties().setProperty(key, JSON.stringify(value));
}
