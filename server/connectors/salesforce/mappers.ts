import { childElement, parseXml, soapBodyOf, textOf, type XmlElement } from '../../xml/index.ts';
import type { VendorError } from '../crm-error.ts';
import type { CrmRecord, Properties, RecordError, UpsertResult } from '../types.ts';

/** A record as jsforce returns it from SOQL: `attributes` plus field values. */
export type SalesforceRecord = Readonly<Record<string, unknown>>;

/** One item of a Collections answer (`SaveResult` / `UpsertResult`). */
export interface SaveResultJson {
  readonly id?: string | null;
  readonly success: boolean;
  readonly created?: boolean;
  readonly errors: readonly unknown[];
}

/** `2025-01-01T12:00:00.000+0000` → ISO 8601 with `Z`. */
export function isoOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** A SOQL row → `CrmRecord`: values as text (`null` for empty), `IsDeleted` → archived. */
export function toCrmRecord(record: SalesforceRecord): CrmRecord {
  const properties: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(record)) {
    if (name === 'attributes') continue;
    properties[name] =
      value === null || value === undefined || value === ''
        ? null
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
  }
  const crm: CrmRecord = {
    id: String(record.Id ?? ''),
    properties,
    updatedAt: isoOf(record.SystemModstamp) ?? isoOf(record.LastModifiedDate) ?? '',
  };
  return record.IsDeleted === true ? { ...crm, archived: true } : crm;
}

/** `CrmRecord` properties → a Salesforce write: text as is (Salesforce reads numbers and dates from text), `null` clears. */
export function toSalesforceFields(properties: Properties): Record<string, string | null> {
  return { ...properties };
}

function errorOf(raw: unknown): RecordError {
  const error = (typeof raw === 'object' && raw !== null ? raw : {}) as {
    statusCode?: unknown;
    errorCode?: unknown;
    message?: unknown;
  };
  const code =
    typeof error.statusCode === 'string'
      ? error.statusCode
      : typeof error.errorCode === 'string'
        ? error.errorCode
        : undefined;
  const message =
    typeof error.message === 'string' ? error.message : 'Salesforce refused the record without a reason.';
  return {
    code: 'crm_rejected',
    message: code ? `${code}: ${message}` : message,
    ...(code ? { vendorCode: code } : {}),
  };
}

/** One Collections item → `UpsertResult` (`created` from upserts; every other success is an update). */
export function toUpsertResult(result: SaveResultJson | undefined): UpsertResult {
  if (!result)
    return {
      status: 'failed',
      error: { code: 'crm_rejected', message: 'Salesforce returned no result for this record.' },
    };
  if (result.success && result.id) return { status: result.created ? 'created' : 'updated', id: result.id };
  return { status: 'failed', error: errorOf(result.errors[0]) };
}

/** The first problem of a failed item, for archive results. */
export function recordErrorOf(result: SaveResultJson | undefined): RecordError {
  return result
    ? errorOf(result.errors[0])
    : { code: 'crm_rejected', message: 'Salesforce returned no result for this record.' };
}

function soapFault(body: string): VendorError | undefined {
  let fault: XmlElement;
  try {
    fault = soapBodyOf(parseXml(body));
  } catch {
    return undefined;
  }
  const code = textOf(childElement(fault, 'faultcode') ?? fault).replace(/^\w+:/, '');
  const message = textOf(childElement(fault, 'faultstring') ?? fault);
  return {
    message: message || code,
    vendorCode: code,
    ...(code === 'INVALID_SESSION_ID' ? { authExpired: true } : {}),
  };
}

/**
 * Reads Salesforce's error bodies for the runner: REST `[{message, errorCode, fields}]`
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm), OAuth
 * `{error, error_description}`, and SOAP faults. `REQUEST_LIMIT_EXCEEDED` (403) is a rate limit; a SOAP
 * `INVALID_SESSION_ID` fault (HTTP 500) is an expired session.
 */
export function describeSalesforceError(_status: number, body: string): VendorError {
  try {
    const parsed = JSON.parse(body) as unknown;
    const first = Array.isArray(parsed) ? parsed[0] : parsed;
    if (typeof first === 'object' && first !== null) {
      const { message, errorCode, error, error_description } = first as Record<string, unknown>;
      const code = typeof errorCode === 'string' ? errorCode : typeof error === 'string' ? error : undefined;
      const text =
        typeof message === 'string'
          ? message
          : typeof error_description === 'string'
            ? error_description
            : undefined;
      if (code !== undefined || text !== undefined) {
        return {
          message: code && text ? `${code}: ${text}` : (text ?? code ?? ''),
          ...(code ? { vendorCode: code } : {}),
          ...(code === 'REQUEST_LIMIT_EXCEEDED' ? { rateLimited: true } : {}),
        };
      }
    }
  } catch {
    // Not JSON: a SOAP fault, or an HTML page from Salesforce's edge.
  }
  return soapFault(body) ?? { message: body.trim().slice(0, 300) || 'no details given' };
}
