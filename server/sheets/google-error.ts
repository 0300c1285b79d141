import { type ErrorCode, RowbridgeError } from '../../shared/errors.ts';

/** What a failed googleapis call tells us, read without touching its request (which carries the token). */
export interface GoogleFailure {
  /** The HTTP status; undefined when no answer came (network error, timeout). */
  readonly status?: number;
  /** Google's `error.message`, or the network error's code. */
  readonly message: string;
  /** Google's `error.status` (`RESOURCE_EXHAUSTED`, `INVALID_ARGUMENT`, ...). */
  readonly reason?: string;
  /** The `Retry-After` header, when the answer had one. */
  readonly retryAfter?: string;
}

interface GaxiosLike {
  readonly status?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly response?: {
    readonly status?: unknown;
    readonly data?: unknown;
    readonly headers?: unknown;
  };
}

// gaxios answers a fetch `Headers` (not always this realm's class, so no instanceof) or a plain object.
function header(headers: unknown, name: string): string | undefined {
  const get = (headers as { get?: unknown } | undefined)?.get;
  if (typeof get === 'function') return (get.call(headers, name) as string | null) ?? undefined;
  if (headers && typeof headers === 'object') {
    const value = (headers as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

/**
 * Reads a googleapis (gaxios) error: status, Google's envelope `{"error":{"code","message","status"}}` and
 * Retry-After. Only these fields are kept: the error object also holds the request config, whose
 * `Authorization` header must never reach a message or a log.
 */
export function describeFailure(error: unknown): GoogleFailure {
  const e = (error ?? {}) as GaxiosLike;
  const response = e.response;
  const statusValue = response?.status ?? e.status;
  const status = typeof statusValue === 'number' ? statusValue : undefined;
  const body = (response?.data ?? {}) as { error?: { message?: unknown; status?: unknown } };
  const googleMessage = typeof body.error?.message === 'string' ? body.error.message : undefined;
  const reason = typeof body.error?.status === 'string' ? body.error.status : undefined;
  const retryAfter = header(response?.headers, 'retry-after');
  const fallback =
    status === undefined
      ? `no answer (${typeof e.code === 'string' ? e.code : 'network error'})`
      : `HTTP ${status}`;
  return {
    ...(status === undefined ? {} : { status }),
    message: googleMessage ?? fallback,
    ...(reason === undefined ? {} : { reason }),
    ...(retryAfter === undefined ? {} : { retryAfter }),
  };
}

/** 429s and server faults are worth another try; so is no answer at all. */
export function isRetryable(failure: GoogleFailure): boolean {
  return failure.status === undefined || failure.status === 429 || failure.status >= 500;
}

/** "Unable to parse range: ...": Sheets' answer for a tab that is not there (or a range it cannot read). */
export function isUnknownRange(failure: GoogleFailure): boolean {
  return failure.status === 400 && failure.message.startsWith('Unable to parse range');
}

/**
 * A Sheets call that failed for good, after retries: a `RowbridgeError` whose code says what to do, plus what
 * Google answered (status and message only: never the request, which carries the token).
 */
export class SheetsApiError extends RowbridgeError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly failure: GoogleFailure,
  ) {
    super(code, message);
  }
}

/** The error for a call that failed for good: a stable code and what to do. */
export function sheetsError(failure: GoogleFailure, what: string): SheetsApiError {
  const said = failure.message;
  const error = (code: ErrorCode, message: string) => new SheetsApiError(code, message, failure);
  if (failure.status === 429) {
    return error(
      'rate_limited',
      `Google Sheets quota reached while ${what} (${said}). Rowbridge waits and retries; if this persists, fewer syncs at once will help.`,
    );
  }
  if (failure.status === undefined || failure.status >= 500) {
    return error(
      'sheets_unavailable',
      `Google Sheets kept failing while ${what} (${said}). Try again later.`,
    );
  }
  if (failure.status === 401 || failure.status === 403) {
    return error(
      'sheets_access_denied',
      `Google refused access while ${what} (${said}). Share the spreadsheet with Rowbridge's account again, or reconnect Google.`,
    );
  }
  if (failure.status === 404) {
    return error(
      'sheet_not_found',
      `The spreadsheet was not found while ${what} (${said}). It may have been deleted or unshared; pick the sheet again.`,
    );
  }
  return error('sheets_rejected', `Google Sheets rejected a request while ${what}: ${said}`);
}
