import { importResultSchema } from '../../../shared/api/sync.ts';
import { call } from '../companion/client.ts';
import { AddonError } from '../companion/errors.ts';
import { writeRowsById } from '../sheet/write.ts';
import { recordSync } from './last-sync.ts';
import { activeSheet, requireTable, sheetById } from './tables.ts';

/** The sidebar's import form: a property filter, a change time or a saved list, and a limit. */
export interface ImportRequest {
  /** CRM property to filter on (`city`, `hs_lead_status`) and the values it may take. */
  readonly property?: string;
  readonly values?: readonly string[];
  /** Only records changed since this day (`2025-01-31`) or instant (ISO). */
  readonly since?: string;
  /** A saved list's id (HubSpot list id); imported whole, without the other filters. */
  readonly list?: string;
  readonly limit?: number;
}

function sinceOf(since: string | undefined): string | undefined {
  if (!since) return undefined;
  const text = /^\d{4}-\d{2}-\d{2}$/.test(since) ? `${since}T00:00:00Z` : since;
  const at = new Date(text);
  if (Number.isNaN(at.getTime()))
    throw new AddonError('invalid_input', `"${since}" is not a date (use 2025-01-31).`);
  return at.toISOString();
}

/** Starts importing CRM records into the active tab; follow it with `importProgress`. */
export function startImport(request: ImportRequest): { jobId: string; sheetId: number } {
  const sheet = activeSheet();
  const table = requireTable(sheet);
  const values = (request.values ?? []).map((v) => v.trim()).filter((v) => v !== '');
  const property = request.property?.trim();
  const list = request.list?.trim();
  const since = sinceOf(request.since?.trim());
  const body = list
    ? { list, ...(request.limit ? { limit: request.limit } : {}) }
    : {
        ...(property && values.length > 0 ? { where: { [property]: values } } : {}),
        ...(since ? { since } : {}),
        ...(request.limit ? { limit: request.limit } : {}),
      };
  const { job } = call('importRows', { params: { tableId: table.id }, body });
  return { jobId: job.id, sheetId: sheet.getSheetId() };
}

export interface ImportProgress {
  readonly finished: boolean;
  readonly done: number;
  readonly total: number | null;
  readonly failed: string | null;
  readonly imported: number;
  readonly appended: number;
  readonly updated: number;
  /** Rows the add-on wrote itself (when the companion cannot write the sheet). */
  readonly rowsWritten: number;
  /** CRM records the sheet could not hold (a value over a cell's 50,000 characters): not written, not linked. */
  readonly refused: readonly { readonly crmId: string; readonly message: string }[];
}

/**
 * Polls an import job. When it is done and the companion could not write the sheet itself, its result
 * carries the rows, and they are written now: rows found by Rowbridge ID are updated, new ones appended.
 */
export function importProgress(jobId: string, sheetId?: number | null): ImportProgress {
  const job = call('getJob', { params: { jobId } });
  const base = {
    done: job.progress.done,
    total: job.progress.total,
    imported: 0,
    appended: 0,
    updated: 0,
    rowsWritten: 0,
    refused: [],
  };
  if (job.status === 'queued' || job.status === 'running') return { finished: false, failed: null, ...base };
  if (job.status !== 'succeeded') {
    const failed = job.error
      ? new AddonError(job.error.code, job.error.message).message
      : 'The import job failed.';
    return { finished: true, failed, ...base };
  }
  const parsed = importResultSchema.safeParse(job.result);
  if (!parsed.success)
    throw new AddonError('companion_incompatible', `Import job ${job.id} has no readable result.`);
  const result = parsed.data;
  const sheet = sheetById(sheetId);
  let rowsWritten = 0;
  let { appended, updated } = result;
  if (result.rows) {
    const report = writeRowsById(sheet, result.rows, { append: true });
    rowsWritten = report.written + report.appended;
    appended = report.appended;
    updated = report.written;
  }
  recordSync(sheet);
  const refused = (result.failed ?? []).map(({ crmId, message }) => ({ crmId, message }));
  return {
    finished: true,
    failed: null,
    ...base,
    imported: result.imported,
    appended,
    updated,
    rowsWritten,
    refused,
  };
}
