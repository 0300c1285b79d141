import { documentProperties, KEYS } from '../properties.ts';
import { AddonError } from './errors.ts';
import { type SheetAuth, send } from './http.ts';

interface StoredSecret {
  /** The spreadsheet the secret was issued for: a copy of the sheet carries the original's properties. */
  readonly spreadsheetId: string;
  readonly secret: string;
}

function stored(): StoredSecret | undefined {
  const text = documentProperties().getProperty(KEYS.sheetSecret);
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<StoredSecret>;
    if (typeof value.spreadsheetId === 'string' && typeof value.secret === 'string') {
      return { spreadsheetId: value.spreadsheetId, secret: value.secret };
    }
  } catch {
    // Unreadable: treated as absent, so the next call binds again (and is told if it cannot).
  }
  return undefined;
}

/** Whether this spreadsheet already holds its Rowbridge secret (no request made). */
export function isBound(): boolean {
  return stored()?.spreadsheetId === SpreadsheetApp.getActive().getId();
}

/**
 * The spreadsheet's id and secret for companion calls, binding the spreadsheet first when it has none:
 * `POST /api/v1/spreadsheets/bind` answers the secret once and it is kept in the document's properties,
 * where everyone who opens the sheet with the add-on finds it. Runs under the document lock, so two
 * people opening the sidebar of a new sheet at once bind it once.
 */
export function ensureBound(): SheetAuth {
  const spreadsheet = SpreadsheetApp.getActive();
  const spreadsheetId = spreadsheet.getId();
  const known = stored();
  if (known?.spreadsheetId === spreadsheetId) return known;
  const lock = LockService.getDocumentLock();
  if (!lock?.tryLock(20_000)) throw new AddonError('sheet_busy');
  try {
    const again = stored();
    if (again?.spreadsheetId === spreadsheetId) return again;
    const name = spreadsheet.getName().trim().slice(0, 200);
    const bound = send(
      'bindSpreadsheet',
      { body: { spreadsheetId, ...(name ? { spreadsheetName: name } : {}) } },
      undefined,
    );
    if (!bound.secret) {
      throw new AddonError('spreadsheet_already_bound', 'The companion did not send a secret.');
    }
    const value: StoredSecret = { spreadsheetId, secret: bound.secret };
    documentProperties().setProperty(KEYS.sheetSecret, JSON.stringify(value));
    return value;
  } finally {
    lock.releaseLock();
  }
}
