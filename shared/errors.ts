import type * as z from 'zod';

/**
 * Stable error codes. The sidebar, the CLI and API clients branch on these, so a code is never renamed;
 * messages may be reworded. Each message says what to do next.
 */
export const ERROR_CODES = [
  'invalid_input',
  'invalid_json',
  'unsupported_media_type',
  'payload_too_large',
  'rate_limited',
  /** A CRM kept failing (5xx, timeouts) after retries with backoff: try again later. */
  'crm_unavailable',
  /** A CRM refused the connection's credentials even after a token refresh: reconnect the CRM account. */
  'auth_expired',
  /** A CRM refused a request or a record (validation, permissions, limits): its message says why. */
  'crm_rejected',
  /** Google Sheets kept failing (5xx, timeouts) after retries with backoff: try again later. */
  'sheets_unavailable',
  /** Google refused the credentials, or the spreadsheet is not shared with them: reconnect or share the sheet. */
  'sheets_access_denied',
  /** Google Sheets refused a request (a range it cannot read, a value it will not take): its message says why. */
  'sheets_rejected',
  /** The spreadsheet or the tab is not there (deleted, renamed): restore it or pick the sheet again. */
  'sheet_not_found',
  /** The header row lacks a column a write needs (the Rowbridge ID column or a mapped header): the message names it. */
  'sheet_header_missing',
  /** Two or more rows carry the same Rowbridge ID: none of them is written until a user removes the copy. */
  'sheet_row_id_duplicate',
  /** A row with data has no Rowbridge ID, so it is linked to no record yet. */
  'sheet_row_id_missing',
  /** No row carries this Rowbridge ID any more (a user deleted the row or edited its ID). */
  'sheet_row_not_found',
  'not_found',
  'unauthenticated',
  'forbidden',
  'oauth_state_invalid',
  'oauth_denied',
  'crm_not_configured',
  'spreadsheet_already_bound',
  'mapping_invalid',
  'mapping_unknown_field',
  'mapping_duplicate_header',
  'mapping_duplicate_field',
  'mapping_duplicate_property',
  'mapping_unknown_crm',
  'csv_unreadable',
  'csv_no_columns',
  'file_not_found',
  'config_invalid',
  'secret_unreadable',
  'port_in_use',
  'storage_unavailable',
  'storage_corrupt',
  'already_exists',
  'in_use',
  'conflict_already_resolved',
  /** A row matches several CRM records, or one already synced with another row: a person decides. */
  'duplicate_ambiguous',
  /** The preview page cannot run the add-on here (its build failed, or its runtime stopped): the message says why. */
  'preview_unavailable',
  'cli_usage',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The codes of invalid field mappings (all answered with 400). */
export const MAPPING_ERROR_CODES: readonly ErrorCode[] = ERROR_CODES.filter((code) =>
  code.startsWith('mapping_'),
);

/** One problem inside a larger validation: where it is and what is wrong, in words a user can act on. */
export interface Problem {
  readonly code: ErrorCode;
  readonly message: string;
  readonly path?: readonly (string | number)[];
}

/**
 * The one error type Rowbridge throws across module boundaries. `code` is stable; `problems` lists every
 * issue found when a whole input was validated, so a user fixes them all in one go.
 */
export class RowbridgeError extends Error {
  override readonly name = 'RowbridgeError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly problems: readonly Problem[] = [],
  ) {
    super(message);
  }
}

export function isRowbridgeError(error: unknown): error is RowbridgeError {
  return error instanceof RowbridgeError;
}

/** Turns zod issues into problems with readable paths ("fields.2.direction: Invalid option ..."). */
export function problemsFromZod(error: z.ZodError, code: ErrorCode = 'invalid_input'): Problem[] {
  return error.issues.map((issue) => ({
    code,
    message: issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    path: issue.path.filter((part): part is string | number => typeof part !== 'symbol'),
  }));
}

/** Parses with a zod schema, throwing one `RowbridgeError` that lists every problem. */
export function parseOrThrow<T>(
  schema: z.ZodType<T>,
  input: unknown,
  what: string,
  code: ErrorCode = 'invalid_input',
): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = problemsFromZod(result.error, code);
  const first = problems[0]?.message ?? 'invalid';
  const more =
    problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  throw new RowbridgeError(code, `Invalid ${what}: ${first}${more}`, problems);
}
