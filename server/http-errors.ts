import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ApiError, ErrorDetail } from '../shared/api/common.ts';
import { type ErrorCode, isRowbridgeError, type Problem } from '../shared/errors.ts';
import { redact, redactError } from './security/redact.ts';
import { isStorageUnreachable } from './store/db-errors.ts';

/** The JSON body of every error response, as the contract (`apiErrorSchema`) defines it. */
export type ErrorBody = ApiError;

/** The statuses error responses use; the OpenAPI document lists the same ones. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 502 | 503;

const INTERNAL_MESSAGE = 'Something went wrong on the server; it has been logged.';

/** A huge invalid body could list thousands of problems; the message still gives the full count. */
const MAX_DETAILS = 100;

// Codes not listed (and not `mapping_*`) are the server's fault: 500.
const STATUS_BY_CODE: Partial<Record<ErrorCode, ErrorStatus>> = {
  invalid_input: 400,
  invalid_json: 400,
  unauthenticated: 401,
  forbidden: 403,
  oauth_state_invalid: 400,
  oauth_denied: 400,
  crm_not_configured: 400,
  not_found: 404,
  already_exists: 409,
  spreadsheet_already_bound: 409,
  in_use: 409,
  conflict_already_resolved: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  // The CRM refused the user's data (an invalid email, a missing required field): fixable by the user.
  crm_rejected: 400,
  // The connection needs reconnecting: a state the user resolves, not a failed Rowbridge sign-in (401).
  auth_expired: 409,
  duplicate_ambiguous: 409,
  // The CRM kept failing after retries: the upstream's fault, not ours (502 Bad Gateway).
  crm_unavailable: 502,
  sheets_unavailable: 502,
  // The same for Google: share the sheet again or reconnect; a tab or header a user removed is put back.
  sheets_access_denied: 409,
  sheets_rejected: 400,
  sheet_not_found: 404,
  sheet_header_missing: 409,
  sheet_row_id_duplicate: 409,
  sheet_row_id_missing: 409,
  sheet_row_not_found: 404,
  // The database is down or restarting: nothing was changed, and the same request works once it is back.
  storage_unavailable: 503,
};

// For HTTPExceptions thrown by Hono middleware, which carry a status but no code.
const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/** HTTP status for an error code: the caller's input is at fault (4xx) or the server is (500). */
export function statusForCode(code: ErrorCode): ErrorStatus {
  if (code.startsWith('mapping_')) return 400;
  return STATUS_BY_CODE[code] ?? 500;
}

function detailOf(problem: Problem): ErrorDetail {
  return { path: [...(problem.path ?? [])], message: problem.message, code: problem.code };
}

/**
 * The one place errors become responses. A `RowbridgeError` message is written for users, so it is sent;
 * anything else may carry internals (stack, SQL, tokens), so it is logged and replaced by a fixed message.
 */
export const handleError: ErrorHandler = (error, c) => {
  if (isRowbridgeError(error)) {
    const status = statusForCode(error.code);
    if (status >= 500) logFailure(c, error);
    const details = error.problems.slice(0, MAX_DETAILS).map(detailOf);
    // A message written for users may still quote a value that turns out to be a secret: redact it too.
    const body: ErrorBody = {
      error: { code: error.code, message: redact(error.message), ...(details.length > 0 ? { details } : {}) },
    };
    return c.json(body, status);
  }
  // Hono and its middleware (body limits, auth) throw these for client mistakes; keep their 4xx status.
  if (error instanceof HTTPException && error.status < 500) {
    const code = CODE_BY_STATUS[error.status] ?? 'invalid_input';
    const body: ErrorBody = { error: { code, message: error.message || 'The request was not accepted.' } };
    return c.json(body, error.status);
  }
  if (isStorageUnreachable(error)) {
    // Not a bug to log with a stack for every request of an outage: one line each, and a clear answer.
    c.get('log')?.warn({ err: redactError(error) }, `${c.req.method} ${c.req.path}: database unreachable`);
    const body: ErrorBody = {
      error: {
        code: 'storage_unavailable',
        message:
          'The companion cannot reach its database right now; nothing was changed. Try again in a moment.',
      },
    };
    c.header('retry-after', '5');
    return c.json(body, 503);
  }
  logFailure(c, error);
  const body: ErrorBody = { error: { code: 'internal', message: INTERNAL_MESSAGE } };
  return c.json(body, 500);
};

/** Server faults are logged with the request's logger when there is one (request id, redaction). */
function logFailure(c: Parameters<ErrorHandler>[1], error: unknown): void {
  const log = c.get('log');
  if (log) log.error({ err: redactError(error) }, `${c.req.method} ${c.req.path} failed`);
  else console.error(`${c.req.method} ${c.req.path} failed:`, redactError(error));
}

/** Unknown paths get the same JSON shape as every other error, not Hono's plain-text 404. */
export const handleNotFound: NotFoundHandler = (c) => {
  const body: ErrorBody = {
    error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}. Check the URL.` },
  };
  return c.json(body, 404);
};
