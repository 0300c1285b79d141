import { ERROR_CODES, type ErrorCode } from '../../../shared/errors.ts';

/**
 * Codes only the add-on produces: the companion could not be reached, answered in a shape this version
 * does not understand, or the user has not done a step yet.
 */
export const ADDON_ERROR_CODES = [
  'companion_unreachable',
  'companion_incompatible',
  'not_connected',
  'no_table',
  'sheet_busy',
] as const;
export type AddonErrorCode = ErrorCode | (typeof ADDON_ERROR_CODES)[number];

/**
 * What each error means for the person in the sidebar and what to do about it. Every code of
 * `shared/errors.ts` has one (the type makes a missing code a compile error; a test checks them too);
 * the companion's own message, which names the column, record or limit, is shown after it.
 */
export const USER_MESSAGES: Readonly<Record<AddonErrorCode, string>> = {
  invalid_input: 'Rowbridge could not accept what was sent. Check the highlighted values and try again.',
  invalid_json: 'The add-on sent a request the companion could not read. Reload the sidebar and try again.',
  unsupported_media_type:
    'The add-on sent a request in a format the companion does not accept. Update the add-on.',
  payload_too_large: 'Too much data for one request. Export a smaller selection, or fewer columns at a time.',
  rate_limited: 'Too many requests right now. Wait a minute and try again.',
  crm_unavailable: 'The CRM is not answering right now. Try again in a few minutes.',
  auth_expired: 'The CRM no longer accepts this connection. Reconnect the CRM account in the sidebar.',
  crm_rejected: 'The CRM refused the change. Its reason is below; fix the value in the sheet and try again.',
  sheets_unavailable: 'Google Sheets is not answering right now. Try again in a few minutes.',
  sheets_access_denied:
    'Rowbridge cannot open this spreadsheet. Share it with the Rowbridge service account, or reconnect.',
  sheets_rejected: 'Google Sheets refused a change Rowbridge tried to make. Its reason is below.',
  sheet_not_found:
    'The sheet tab for this sync is gone (deleted or renamed). Pick the tab again in the sidebar.',
  sheet_header_missing:
    'A column the sync needs is missing from the header row. Restore it or update the mapping.',
  sheet_row_id_duplicate:
    'Two rows carry the same Rowbridge ID (a copied row). Run an export so Rowbridge gives the copy a new ID.',
  sheet_row_id_missing: 'A row with data has no Rowbridge ID yet. Export it to link it to a CRM record.',
  sheet_row_not_found: 'A row Rowbridge was syncing is gone from the sheet (deleted, or its ID edited).',
  not_found: 'Rowbridge could not find that any more; someone may have deleted it. Reload the sidebar.',
  unauthenticated: 'Rowbridge could not confirm who you are with Google. Close and reopen the sidebar.',
  forbidden:
    'This spreadsheet is connected to Rowbridge for another account, or its secret no longer matches.',
  oauth_state_invalid: 'The connect window expired or was opened twice. Start connecting again.',
  oauth_denied: 'Connecting was cancelled in the CRM. Start again and approve the access.',
  crm_not_configured:
    'This CRM is not set up on your Rowbridge companion yet. Ask your Rowbridge administrator.',
  spreadsheet_already_bound:
    'This spreadsheet is already connected to Rowbridge, but its secret is not in this copy of the sheet.',
  mapping_invalid: 'The field mapping has problems. Fix the columns listed below and save again.',
  mapping_unknown_field: 'A column is mapped to a field Rowbridge does not know. Pick a field from the list.',
  mapping_duplicate_header: 'The same sheet column is mapped twice. Keep one of them.',
  mapping_duplicate_field: 'Two columns are mapped to the same field. Map each field once.',
  mapping_duplicate_property: 'Two columns write the same CRM property. Map each property once.',
  mapping_unknown_crm: 'This CRM or object has no mapping in Rowbridge. Pick another object.',
  csv_unreadable: 'The file could not be read as CSV.',
  csv_no_columns: 'No recognisable columns were found.',
  file_not_found: 'The file was not found.',
  config_invalid:
    'The Rowbridge companion is misconfigured. Ask your Rowbridge administrator to check its settings.',
  secret_unreadable:
    'The Rowbridge companion cannot read its encryption keys. Ask your Rowbridge administrator.',
  port_in_use: 'The Rowbridge companion could not start. Ask your Rowbridge administrator.',
  storage_unavailable:
    'The Rowbridge companion cannot reach its database right now. Try again in a few minutes.',
  storage_corrupt: 'The Rowbridge companion found damaged data. Ask your Rowbridge administrator.',
  already_exists: 'This tab already syncs with a CRM object. Edit its mapping instead of adding another.',
  in_use: 'This connection is still used by a synced tab. Remove the sync first, then disconnect.',
  conflict_already_resolved: 'Someone already resolved this conflict. The list has been refreshed.',
  duplicate_ambiguous:
    'A row matches more than one CRM record, or a record already linked to another row. Check it by hand.',
  preview_unavailable: 'The preview page cannot run the add-on right now; restart the companion.',
  cli_usage: 'The command was used incorrectly.',
  internal: 'Something went wrong in Rowbridge. Try again; if it keeps happening, tell your administrator.',
  companion_unreachable:
    'The Rowbridge companion cannot be reached. Check your connection, or ask your administrator whether it is running.',
  companion_incompatible:
    'The Rowbridge companion answered in a way this add-on does not understand. Update the add-on.',
  not_connected: 'Connect a CRM account first.',
  no_table: 'This tab is not synced yet. Choose a CRM object and save a mapping first.',
  sheet_busy: 'Rowbridge is already working on this spreadsheet. Try again in a few seconds.',
};

function isKnown(code: string): code is AddonErrorCode {
  return Object.hasOwn(USER_MESSAGES, code);
}

/**
 * The message the sidebar shows: what happened and what to do, then the companion's specifics when it
 * sent any, then the code in brackets for support. Unknown codes (a newer companion) fall back to
 * `internal`'s advice but keep their own code.
 */
export function userMessage(code: string, detail?: string): string {
  const advice = isKnown(code) ? USER_MESSAGES[code] : USER_MESSAGES.internal;
  const extra = detail && detail.trim() !== '' && detail.trim() !== advice ? ` ${detail.trim()}` : '';
  return `${advice}${extra} (${code})`;
}

/** At most this many of a validation's problems are spelled out; the rest are counted. */
export const PROBLEMS_SHOWN = 3;

function withProblems(detail: string | undefined, problems: readonly string[]): string | undefined {
  if (problems.length === 0) return detail;
  const shown = problems.slice(0, PROBLEMS_SHOWN);
  const more = problems.length - shown.length;
  return [detail, ...shown, more > 0 ? `(and ${more} more)` : undefined].filter(Boolean).join(' ');
}

/**
 * The error every add-on function throws for an expected failure. Its message is complete and shown
 * as is: google.script.run hands only the message to the page's failure handler.
 */
export class AddonError extends Error {
  override readonly name = 'AddonError';

  constructor(
    readonly code: AddonErrorCode | string,
    readonly detail?: string,
    readonly problems: readonly string[] = [],
  ) {
    super(userMessage(code, withProblems(detail, problems)));
  }
}

/** Every code the add-on can show a message for (the companion's and its own). */
export const ALL_ADDON_ERROR_CODES: readonly AddonErrorCode[] = [...ERROR_CODES, ...ADDON_ERROR_CODES];
