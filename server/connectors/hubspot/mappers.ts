import type { VendorError } from '../crm-error.ts';
import type {
  CrmRecord,
  Properties,
  PropertyChange,
  RecordError,
  UpsertInput,
  UpsertResult,
} from '../types.ts';

/** The fields of the SDK's `SimplePublicObject` family that records are made of. */
export interface HubSpotObject {
  readonly id: string;
  readonly properties: Readonly<Record<string, string | null | undefined>>;
  readonly updatedAt?: Date;
  readonly archived?: boolean;
  readonly propertiesWithHistory?: Readonly<
    Record<
      string,
      readonly {
        value: string;
        timestamp: Date;
        sourceType: string;
        sourceId?: string;
      }[]
    >
  >;
}

/** The SDK's `StandardError`: one entry of a 207 answer's `errors`. */
export interface HubSpotBatchError {
  readonly category: string;
  readonly message: string;
  readonly context?: Readonly<Record<string, readonly string[]>>;
  readonly errors?: readonly { readonly message: string }[];
}

function iso(date: Date | undefined): string | undefined {
  return date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}

/** HubSpot JSON (as the SDK parsed it) → `CrmRecord`. Empty strings are HubSpot's "no value": `null`. */
export function toCrmRecord(object: HubSpotObject): CrmRecord {
  const properties: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(object.properties)) {
    properties[name] = value === undefined || value === '' ? null : value;
  }
  const updatedAt =
    iso(object.updatedAt) ?? properties.hs_lastmodifieddate ?? properties.lastmodifieddate ?? '';
  const record: CrmRecord = { id: object.id, properties, updatedAt };
  const extra: { archived?: boolean; history?: Record<string, PropertyChange[]> } = {};
  if (object.archived) extra.archived = true;
  if (object.propertiesWithHistory) {
    extra.history = {};
    for (const [name, changes] of Object.entries(object.propertiesWithHistory)) {
      extra.history[name] = changes.map((change) => ({
        value: change.value === '' ? null : change.value,
        timestamp: iso(change.timestamp) ?? '',
        source: change.sourceType,
        ...(change.sourceId === undefined ? {} : { sourceId: change.sourceId }),
      }));
    }
  }
  return { ...record, ...extra };
}

/** `CrmRecord` properties → HubSpot's: every value is a string, and "" clears a property. */
export function toHubSpotProperties(properties: Properties): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(properties)) out[name] = value ?? '';
  return out;
}

/** The batch upsert body for one chunk; `objectWriteTraceId` ties each answer back to its input. */
export function toUpsertInputs(chunk: readonly UpsertInput[]) {
  return chunk.map((input, index) => ({
    id: input.key.value,
    idProperty: input.key.property,
    objectWriteTraceId: String(index),
    properties: toHubSpotProperties({ ...input.properties, [input.key.property]: input.key.value }),
  }));
}

/**
 * A 200/207 batch upsert answer → one result per input, in input order. Results and errors are matched by
 * `objectWriteTraceId`, else by the key value (results) or the ids in the error's context; an input
 * HubSpot says nothing about is reported failed rather than guessed.
 */
export function toUpsertResults(
  chunk: readonly UpsertInput[],
  answer: {
    readonly results: readonly (HubSpotObject & {
      readonly _new?: boolean;
      readonly objectWriteTraceId?: string;
    })[];
    readonly errors?: readonly HubSpotBatchError[];
  },
): UpsertResult[] {
  const results: (UpsertResult | undefined)[] = chunk.map(() => undefined);
  const byKey = new Map<string, number>();
  chunk.forEach((input, index) => {
    byKey.set(input.key.value.toLowerCase(), index);
  });
  for (const result of answer.results) {
    const index =
      traceIndex(result.objectWriteTraceId, chunk.length) ??
      byKey.get(String(keyValueOf(result, chunk) ?? '').toLowerCase());
    if (index === undefined) continue;
    results[index] = { status: result._new ? 'created' : 'updated', id: result.id };
  }
  for (const error of answer.errors ?? []) {
    const indexes = [
      ...(error.context?.objectWriteTraceId ?? []).map((id) => traceIndex(id, chunk.length)),
      ...[...(error.context?.ids ?? []), ...(error.context?.id ?? [])].map((id) =>
        byKey.get(id.toLowerCase()),
      ),
    ];
    for (const index of indexes) {
      if (index !== undefined && results[index] === undefined) results[index] = failedWith(error);
    }
  }
  return results.map(
    (result) =>
      result ?? {
        status: 'failed',
        error: { code: 'crm_rejected', message: 'HubSpot returned no result for this record.' },
      },
  );
}

function traceIndex(id: string | undefined, length: number): number | undefined {
  if (id === undefined || !/^\d+$/.test(id)) return undefined;
  const index = Number(id);
  return index < length ? index : undefined;
}

function keyValueOf(result: HubSpotObject, chunk: readonly UpsertInput[]): string | null | undefined {
  const property = chunk[0]?.key.property;
  return property === undefined ? undefined : result.properties[property];
}

function failedWith(error: HubSpotBatchError): UpsertResult {
  const recordError: RecordError = {
    code: 'crm_rejected',
    message: messageOf(error.message, error.errors),
    vendorCode: error.category,
  };
  return { status: 'failed', error: recordError };
}

/**
 * HubSpot embeds the per-property problems as JSON in its message ("Property values were not valid:
 * [{...}]") and lists them again in `errors`: keep the sentence, then the problems in words.
 */
function messageOf(message: string, details: readonly { readonly message: string }[] | undefined): string {
  const problems = (details ?? []).map((detail) => detail.message).filter(Boolean);
  if (problems.length === 0) return message;
  return `${message.replace(/:\s*\[[\s\S]*\]\s*$/, '')}: ${problems.join('; ')}`;
}

/**
 * Reads HubSpot's error envelope (`{status, message, correlationId, category, errors}`,
 * https://developers.hubspot.com/docs/api-reference/error-handling) and 429 bodies (`policyName`).
 */
export function describeHubSpotError(_status: number, body: string): VendorError {
  try {
    const parsed = JSON.parse(body) as {
      message?: unknown;
      category?: unknown;
      policyName?: unknown;
      errors?: unknown;
    };
    if (typeof parsed.message === 'string') {
      const details = Array.isArray(parsed.errors)
        ? parsed.errors.filter((e): e is { message: string } => typeof e?.message === 'string')
        : undefined;
      const code = [parsed.policyName, parsed.category].find((c): c is string => typeof c === 'string');
      return {
        message: messageOf(parsed.message, details),
        ...(code === undefined ? {} : { vendorCode: code }),
      };
    }
  } catch {
    // HubSpot's edge answers some failures (502, 504) with HTML: fall through to the text.
  }
  return { message: body.trim().slice(0, 300) || 'no details given' };
}
