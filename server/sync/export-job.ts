import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { type ExportResult, sheetRowSchema } from '../../shared/api/sync.ts';
import { RowbridgeError } from '../../shared/errors.ts';
import type { CrmId } from '../../shared/mapping/index.ts';
import type { Region } from '../../shared/normalize/index.ts';
import type { JobContext } from '../queue/index.ts';
import type { NewAuditEntry, RecordLink } from '../store/repos/index.ts';
import type { LinkUpsert } from '../store/repos/links.ts';
import type { JsonValue } from '../store/values.ts';
import { sheetRefOf } from './apply-crm-events.ts';
import { type ExportOutcome, exportRows } from './export.ts';
import { tableFields } from './fields.ts';
import { cellsToValues } from './rows.ts';
import { connectorFor, type SyncRuntime } from './runtime.ts';
import { syncLinkedRows } from './sync-links.ts';
import { runTracked } from './tracked.ts';

export const exportJobSchema = z.strictObject({
  tenantId: z.string().min(1),
  tableId: z.string().min(1),
  jobId: z.string().min(1),
  rows: z.array(sheetRowSchema),
  dryRun: z.boolean(),
  /** Who asked, for the audit log. */
  actor: z.string().min(1),
  /**
   * When the companion received the rows (epoch ms). A retry or a queue backlog runs the job later, and
   * a field written to the sheet since then must not be judged by these older cells.
   */
  receivedAt: z.number().optional(),
});
export type ExportJob = z.output<typeof exportJobSchema>;

export const EXPORT_RETRIES = 3;

/**
 * The `export` job: rows already linked to a CRM record go through the three-way merge (so a CRM edit
 * made since the last sync is kept, or becomes a conflict, instead of being overwritten); the others are
 * exported (dedup, batched upsert by Rowbridge ID). New links, bases and one audit entry per written
 * property are stored; the job's result lists every row's outcome.
 */
export function runExportJob(runtime: SyncRuntime, data: ExportJob, ctx: JobContext): Promise<void> {
  return runTracked(runtime.db, data, ctx, EXPORT_RETRIES, async (tracker) => {
    const { repos } = runtime.db;
    const table = await repos.tables.get(data.tenantId, data.tableId);
    if (!table) throw new RowbridgeError('not_found', 'The sync table was deleted before its export ran.');
    const connection = await repos.connections.get(data.tenantId, table.connectionId);
    if (!connection) throw new RowbridgeError('not_found', 'The table’s CRM connection was deleted.');
    const connector = connectorFor(runtime, connection);
    const before = connector.apiCalls();
    const fields = tableFields(table.mapping);
    const links = await repos.links.getByRowIds(
      data.tenantId,
      table.id,
      data.rows.map((row) => row.rowId),
    );
    const linked = new Map(
      links.filter((l) => l.crmId && l.state !== 'archived').map((l) => [l.rowId, l] as const),
    );
    const total = data.rows.length;

    const merged = await syncLinkedRows({
      runtime,
      connection,
      connector,
      table,
      fields,
      links: [...linked.values()],
      cells: new Map(data.rows.filter((row) => linked.has(row.rowId)).map((row) => [row.rowId, row.cells])),
      ...(data.receivedAt === undefined ? {} : { cellsTakenAt: data.receivedAt }),
      sheetRef: await sheetRefOf(runtime, table),
      jobId: ctx.jobId,
      sheetActor: data.actor,
      dryRun: data.dryRun,
    });
    tracker.progress(linked.size, total);

    const fresh = data.rows.filter((row) => !linked.has(row.rowId));
    const report = await exportRows({
      connector,
      table: fields,
      rows: fresh.map((row) => ({
        rowId: row.rowId,
        values: cellsToValues(fields, row.cells),
        ...(row.rowNumber === undefined ? {} : { rowNumber: row.rowNumber }),
      })),
      region: (table.region ?? undefined) as Region | undefined,
      dryRun: data.dryRun,
      newRowId: randomUUID,
      onProgress: (done) => tracker.progress(linked.size + done, total),
    });
    if (!data.dryRun) await storeExport(runtime, data, ctx.jobId, links, report.outcomes, fields);

    const counts = { ...report.counts, conflict: 0 };
    for (const row of merged.rows) {
      const status = row.status === 'archived' ? 'skipped' : row.status;
      counts[status] += 1;
    }
    const calls = connector.apiCalls();
    const unwritten = new Map(
      runtime.sheets ? [] : merged.sheetChanges.map((c) => [c.rowId, c.values] as const),
    );
    const result: ExportResult = {
      dryRun: data.dryRun,
      counts,
      rows: [
        ...merged.rows.map((row) => ({
          rowId: row.rowId,
          status: row.status === 'archived' ? ('skipped' as const) : row.status,
          crmId: row.crmId,
          ...(row.status === 'failed'
            ? { error: failureOf(merged.crmFailures.find((f) => f.rowId === row.rowId)) }
            : {}),
          ...(unwritten.has(row.rowId) ? { cells: { ...unwritten.get(row.rowId) } } : {}),
        })),
        ...report.outcomes.map(toResultRow),
      ],
      ...(report.companies
        ? { companies: { ...report.companies, failed: report.companies.failed.length } }
        : {}),
      apiCalls: { total: calls.total - before.total, byEndpoint: report.apiCalls.byEndpoint },
    };
    if (!data.dryRun) countRows(runtime, connection.crm as CrmId, result.rows);
    return result as unknown as JsonValue;
  });
}

/** Records written to the CRM, and rows that failed by their code, for /metrics and the dashboard. */
function countRows(runtime: SyncRuntime, crm: CrmId, rows: ExportResult['rows']): void {
  const written = rows.filter((row) => row.status === 'created' || row.status === 'updated').length;
  if (written > 0) runtime.metrics?.recordSynced(crm, 'sheet_to_crm', written);
  for (const row of rows) {
    if (row.status === 'failed' || row.status === 'ambiguous') {
      runtime.metrics?.recordSyncFailure(crm, row.error?.code ?? 'internal');
    }
  }
}

function failureOf(failure: { code: string; message: string } | undefined) {
  return { code: 'crm_rejected' as const, message: failure?.message ?? 'The CRM refused the update.' };
}

function toResultRow(outcome: ExportOutcome): ExportResult['rows'][number] {
  return {
    rowId: outcome.rowId,
    status: outcome.status,
    ...(outcome.crmId ? { crmId: outcome.crmId } : {}),
    ...(outcome.match ? { match: outcome.match.rule } : {}),
    ...(outcome.reason ? { error: outcome.reason } : {}),
  };
}

/** Links, bases and audit entries for what the export wrote, in one transaction. */
async function storeExport(
  runtime: SyncRuntime,
  data: ExportJob,
  jobId: string,
  previous: readonly RecordLink[],
  outcomes: readonly ExportOutcome[],
  fields: ReturnType<typeof tableFields>,
): Promise<void> {
  const before = new Map(previous.map((link) => [link.rowId, link]));
  const byProperty = new Map(fields.synced.map((field) => [field.property, field.key]));
  const links: LinkUpsert[] = [];
  const audit: NewAuditEntry[] = [];
  for (const outcome of outcomes) {
    if (!outcome.crmId || !outcome.values) continue;
    links.push({
      rowId: outcome.rowId,
      crmId: outcome.crmId,
      base: outcome.values,
      stamps: {},
      state: 'linked',
    });
    for (const [property, value] of Object.entries(outcome.written ?? {})) {
      const field = byProperty.get(property) ?? null;
      audit.push({
        tableId: data.tableId,
        rowId: outcome.rowId,
        crmId: outcome.crmId,
        field,
        oldValue: field ? ((before.get(outcome.rowId)?.base[field] ?? null) as JsonValue) : null,
        newValue: value,
        target: 'crm',
        source: 'sheet',
        actor: data.actor,
        action: `export.${outcome.status}`,
        explanation: outcome.match
          ? `Matched existing record ${outcome.crmId} by ${outcome.match.rule} (tier ${outcome.match.tier}) and updated it.`
          : null,
        jobId,
      });
    }
  }
  await runtime.db.transaction(async (tx) => {
    await tx.repos.links.upsert(data.tenantId, data.tableId, links);
    if (audit.length > 0) await tx.repos.audit.append(data.tenantId, audit);
  });
}
