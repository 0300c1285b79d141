import type { Connection } from 'jsforce';
import type { UpsertInput, UpsertResult } from '../types.ts';
import { toSalesforceFields } from './mappers.ts';

/**
 * Above this many records an upsert goes through Bulk API 2.0 instead of sObject Collections: 2,000
 * records are ten Collections calls, while a bulk job costs a constant handful (create, upload, close,
 * polls, results) and counts against a separate daily allowance (the reference's guidance).
 */
export const BULK_THRESHOLD = 2_000;

/** How long a bulk job may take before the call gives up (the queue retries; the upsert is idempotent). */
const POLL_TIMEOUT_MS = 10 * 60_000;

/** Bulk API 2.0 reads an empty CSV cell as "leave as is"; `#N/A` clears a field. */
function csvValue(value: unknown): unknown {
  return value === null ? '#N/A' : value;
}

/**
 * Upserts through one Bulk API 2.0 ingest job keyed on the external id field, and maps the job's
 * successful, failed and unprocessed results back to the inputs by their key (results come in no fixed
 * order). jsforce creates the job, uploads the CSV, closes it and polls; every request goes through the
 * connection's runner like any other call.
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/walkthrough_upload_data.htm
 */
export async function bulkUpsert(
  connection: Connection,
  object: string,
  property: string,
  inputs: readonly UpsertInput[],
  pollInterval = 2_000,
): Promise<UpsertResult[]> {
  const columns = new Set<string>([property]);
  for (const input of inputs)
    for (const name of Object.keys(toSalesforceFields(input.properties))) columns.add(name);
  const records = inputs.map((input) => {
    const fields = toSalesforceFields(input.properties) as Record<string, unknown>;
    // Every row has every column: a missing one would shift the CSV; an empty cell leaves the field as is.
    const row: Record<string, unknown> = {};
    for (const column of columns) row[column] = column in fields ? csvValue(fields[column]) : '';
    row[property] = input.key.value;
    return row;
  });
  const results = await connection.bulk2.loadAndWaitForResults({
    object,
    operation: 'upsert',
    externalIdFieldName: property,
    input: records as never,
    pollInterval,
    pollTimeout: POLL_TIMEOUT_MS,
  });
  const byKey = new Map<string, UpsertResult>();
  const key = (row: Record<string, unknown>) => String(row[property] ?? '').toLowerCase();
  for (const row of results.successfulResults as Record<string, unknown>[]) {
    byKey.set(key(row), {
      status: row.sf__Created === 'true' ? 'created' : 'updated',
      id: String(row.sf__Id),
    });
  }
  for (const row of results.failedResults as Record<string, unknown>[]) {
    byKey.set(key(row), {
      status: 'failed',
      error: {
        code: 'crm_rejected',
        message: `Salesforce refused the record: ${String(row.sf__Error ?? 'no reason given')}`,
      },
    });
  }
  return inputs.map(
    (input) =>
      byKey.get(input.key.value.toLowerCase()) ?? {
        status: 'failed',
        error: {
          code: 'crm_unavailable',
          message: 'Salesforce did not process this record in the bulk job; export it again.',
        },
      },
  );
}
