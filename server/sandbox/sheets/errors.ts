/**
 * Google's JSON error envelope (https://cloud.google.com/apis/design/errors#http_mapping):
 * `{"error":{"code":400,"message":"...","status":"INVALID_ARGUMENT","errors"?:[...],"details"?:[...]}}`.
 * `errors` is the older per-error list some Sheets answers still carry; `details` holds typed
 * `google.rpc.*` messages such as `ErrorInfo`. Clients should rely on `code`, `status` and `message` only.
 */
export interface GoogleErrorBody {
  readonly error: {
    readonly code: number;
    readonly message: string;
    readonly status: string;
    readonly errors?: readonly LegacyError[];
    readonly details?: readonly Record<string, unknown>[];
  };
}

export interface LegacyError {
  readonly message: string;
  readonly domain: string;
  readonly reason: string;
  readonly location?: string;
  readonly locationType?: string;
}

/** The statuses the sandbox answers errors with. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 429 | 500 | 502 | 503 | 504;

/** An error the sandbox answers with Google's envelope; thrown from handlers, mapped by `app.onError`. */
export class GoogleApiError extends Error {
  constructor(
    readonly code: ErrorStatus,
    readonly status: string,
    message: string,
    readonly extra: {
      readonly errors?: readonly LegacyError[];
      readonly details?: readonly Record<string, unknown>[];
      readonly headers?: Readonly<Record<string, string>>;
    } = {},
  ) {
    super(message);
  }

  body(): GoogleErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.extra.errors ? { errors: this.extra.errors } : {}),
        status: this.status,
        ...(this.extra.details ? { details: this.extra.details } : {}),
      },
    };
  }
}

/** 400 INVALID_ARGUMENT, with the `badRequest` entry Sheets still adds (as captured in client issues). */
export function invalidArgument(message: string): GoogleApiError {
  return new GoogleApiError(400, 'INVALID_ARGUMENT', message, {
    errors: [{ message, domain: 'global', reason: 'badRequest' }],
  });
}

/** The answer to a range Sheets cannot read, or one naming a sheet that does not exist. */
export function unparsableRange(range: string): GoogleApiError {
  return invalidArgument(`Unable to parse range: ${range}`);
}

/** 404 for a spreadsheet id that does not exist (or, at Google, that the caller cannot see). */
export function spreadsheetNotFound(): GoogleApiError {
  const message = 'Requested entity was not found.';
  return new GoogleApiError(404, 'NOT_FOUND', message, {
    errors: [{ message, domain: 'global', reason: 'notFound' }],
  });
}

/** Prefixes a batch item's error the way Sheets does: `Invalid requests[0].addSheet: ...`, `Invalid data[2]: ...`. */
export function withinBatch(error: unknown, where: string): unknown {
  if (!(error instanceof GoogleApiError) || error.code !== 400) return error;
  return invalidArgument(`Invalid ${where}: ${error.message}`);
}
