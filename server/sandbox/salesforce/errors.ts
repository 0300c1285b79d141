/**
 * Salesforce's REST error body: a JSON array of `{message, errorCode, fields}`.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
 */
export interface ErrorItem {
  readonly message: string;
  readonly errorCode: string;
  readonly fields?: readonly string[];
}

/** One failed record inside a Collections answer (`{statusCode, message, fields}`, the SOAP `Error` shape). */
export interface RecordErrorJson {
  readonly statusCode: string;
  readonly message: string;
  readonly fields: readonly string[];
}

export type ErrorStatus = 300 | 400 | 401 | 403 | 404 | 405 | 409 | 415 | 429 | 500 | 502 | 503 | 504;

/** An error the sandbox answers with Salesforce's array body; thrown from handlers, mapped by `app.onError`. */
export class SalesforceError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly errorCode: string,
    message: string,
    readonly fields?: readonly string[],
  ) {
    super(message);
  }

  body(): ErrorItem[] {
    return [
      { message: this.message, errorCode: this.errorCode, ...(this.fields ? { fields: this.fields } : {}) },
    ];
  }

  /** The per-record form inside a Collections answer. */
  recordError(): RecordErrorJson {
    return { statusCode: this.errorCode, message: this.message, fields: this.fields ?? [] };
  }
}

export const notFound = () => new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');

export const invalidSession = () =>
  new SalesforceError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');

export const malformedQuery = (message: string) => new SalesforceError(400, 'MALFORMED_QUERY', message);

export const jsonParserError = (message: string) => new SalesforceError(400, 'JSON_PARSER_ERROR', message);
