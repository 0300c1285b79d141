import { RowbridgeError } from '../../shared/errors.ts';

export type CrmErrorCode = 'crm_rejected' | 'crm_unavailable' | 'rate_limited' | 'auth_expired';

/** What a vendor's error body says, as a connector's `describeError` hook reads it. */
export interface VendorError {
  readonly message: string;
  /** The vendor's classification (HubSpot `category`, Salesforce `errorCode`). */
  readonly vendorCode?: string;
  /** The vendor signals a rate limit without a 429 (Bitrix24 answers 503 `QUERY_LIMIT_EXCEEDED`). */
  readonly rateLimited?: boolean;
  /**
   * The vendor signals expired credentials without a 401 (Salesforce's SOAP APIs answer 500 with the fault
   * `INVALID_SESSION_ID`): the runner refreshes once, as for a 401.
   */
  readonly authExpired?: boolean;
}

export interface CrmErrorDetails {
  /** The final HTTP status; absent when no response arrived (network error, timeout). */
  readonly status?: number;
  readonly vendorCode?: string;
  /** How long the CRM asked us to wait, when it gave up on a rate limit. */
  readonly retryAfterMs?: number;
  readonly endpoint: string;
  readonly attempts: number;
}

/**
 * A CRM call that failed for good, after the runner's retries and token refresh. A `RowbridgeError` (one
 * mechanism, STYLE.md 7) whose `code` says what to do, plus the vendor's details for logs and support.
 */
export class CrmApiError extends RowbridgeError {
  constructor(
    code: CrmErrorCode,
    message: string,
    readonly details: CrmErrorDetails,
  ) {
    super(code, message);
  }
}

export function isCrmApiError(error: unknown, status?: number): error is CrmApiError {
  return error instanceof CrmApiError && (status === undefined || error.details.status === status);
}

/** Reads the usual `{message}` / `{error}` / `{error_description}` JSON bodies; falls back to the raw text. */
export function genericVendorError(body: string): VendorError {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const message = [parsed.message, parsed.error_description, parsed.error].find(
      (value): value is string => typeof value === 'string' && value.length > 0,
    );
    if (message !== undefined) return { message };
  } catch {
    // Not JSON: the text itself is the best message there is.
  }
  return { message: body.trim().slice(0, 500) || 'no details given' };
}
