import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import type { ImportResult } from '../../shared/api/sync.ts';
import { RowbridgeError } from '../../shared/errors.ts';
import type { CrmId } from '../../shared/mapping/index.ts';
import type { Region } from '../../shared/normalize/index.ts';
import type { JobContext } from '../queue/index.ts';
import { rowsTooLongForSheets } from '../sheets/plan.ts';
import type { LinkUpsert } from '../store/repos/links.ts';
import type { JsonValue } from '../store/values.ts';
import { sheetRefOf } from './apply-crm-events.ts';
import { tableFields } from './fields.ts';
import { importRecords } from './import.ts';
import { connectorFor, type SyncRuntime } from './runtime.ts';
import type { CellValue, RowChange, SkippedRow } from './sheet-port.ts';
import { runTracked } from './tracked.ts';

export const importJobSchema = z.strictObject({
  tenantId: z.string().min(1),
  tableId: z.string().min(1),
  jobId: z.string().min(1),
  actor: z.string().min(1),
  where: z.record(z.string(), z.array(z.string())).optional(),
  since: z.string().optional(),
  list: z.string().optional(),
  limit: z.number().int().positive(),
});
export type ImportJob = z.output<typeof importJobSchema>;

export const IMPORT_RETRIES = 3;

/**
 * The `import` job: reads the CRM through the table's mapping and brings the records into the tab. A
 * record already linked keeps its row (found by its Rowbridge ID, updated); a new one gets a new ID and is
 * appended. Each row's link is stored with the imported values as its base, so sync starts from there.
 * Without sheet access the rows are the job's result, for the add-on to write.
 */
export function runImportJob(runtime: SyncRuntime, data: ImportJob, ctx: JobContext): Promise<void> {
  return runTracked(runtime.db, data, ctx, IMPORT_RETRIES, async (tracker) => {
    const { repos } = runtime.db;
    const table = await repos.tables.get(data.tenantId, data.tableId);
    if (!table) throw new RowbridgeError('not_found', 'The sync table was deleted before its import ran.');
    const connection = await repos.connections.get(data.tenantId, table.connectionId);
    if (!connection) throw new RowbridgeError('not_found', 'The table’s CRM connection was deleted.');
    const connector = connectorFor(runtime, connection);
    const fields = tableFields(table.mapping);
    const report = await importRecords({
      connector,
      table: fields,
      since: data.since,
      where: data.where,
      list: data.list,
      ...(table.region ? { normalize: { region: table.region as Region } } : {}),
      newRowId: randomUUID,
      onProgress: (rows) => tracker.progress(rows, null),
    });
    const records = report.rows.slice(0, data.limit);
    // A record imported before keeps its row: its link names the row.
    const known = new Map(
      (
        await repos.links.getByCrmIds(
          data.tenantId,
          table.id,
          records.map((r) => r.crmId),
        )
      ).map((l) => [l.crmId ?? '', l.rowId]),
    );
    const rows: (RowChange & { crmId: string; existing: boolean })[] = records.map((record) => {
      const rowId = known.get(record.crmId) ?? record.rowId;
      const cells: Record<string, CellValue> = {};
      for (const field of fields.synced) cells[field.header] = record.values[field.key] ?? null;
      return { rowId, crmId: record.crmId, values: cells, existing: known.has(record.crmId) };
    });
    const sheets = runtime.sheets;
    let skipped: readonly SkippedRow[] = [];
    if (sheets && rows.length > 0) {
      const ref = await sheetRefOf(runtime, table);
      ({ skipped } = await sheets.appendRows(
        ref,
        rows.map(({ rowId, values }) => ({ rowId, values })),
      ));
    } else if (!sheets) {
      // The add-on writes these rows, and Apps Script refuses its whole write over one cell too long for
      // a sheet: such a record is refused here, as the companion's own writer would.
      skipped = rowsTooLongForSheets(rows);
    }
    // A row the sheet refused (a value over a cell's limit) is not linked: its record is not in the sheet,
    // and a link would make the next reconcile take the row for one a user deleted.
    const notWritten = new Map(skipped.map((row) => [row.rowId, row]));
    const links: LinkUpsert[] = rows.flatMap((row, i) =>
      notWritten.has(row.rowId)
        ? []
        : [
            {
              rowId: row.rowId,
              crmId: row.crmId,
              base: { ...records[i]?.values },
              stamps: {},
              state: 'linked',
            },
          ],
    );
    const failed = rows.flatMap((row) => {
      const skip = notWritten.get(row.rowId);
      return skip ? [{ rowId: row.rowId, crmId: row.crmId, code: skip.code, message: skip.message }] : [];
    });
    const written = rows.filter((row) => !notWritten.has(row.rowId));
    const appended = written.filter((row) => !row.existing).length;
    await runtime.db.transaction(async (tx) => {
      await tx.repos.links.upsert(data.tenantId, table.id, links);
      await tx.repos.audit.append(data.tenantId, [
        {
          tableId: table.id,
          target: 'sheet',
          source: 'crm',
          actor: data.actor,
          action: 'import',
          newValue: rows.length,
          explanation: `Imported ${rows.length} ${table.crmObject} record(s) from ${connection.label}.`,
          jobId: ctx.jobId,
        },
      ]);
    });
    const updated = written.length - appended;
    // Counted only when the companion wrote them; without Sheets access the add-on writes the rows.
    if (sheets && written.length > 0)
      runtime.metrics?.recordSynced(connection.crm as CrmId, 'crm_to_sheet', written.length);
    const result: ImportResult = {
      imported: rows.length,
      appended: sheets ? appended : 0,
      updated: sheets ? updated : 0,
      ...(failed.length > 0 ? { failed } : {}),
      ...(sheets
        ? {}
        : { rows: written.map(({ rowId, crmId, values }) => ({ rowId, crmId, cells: { ...values } })) }),
      apiCalls: report.apiCalls,
    };
    return result as unknown as JsonValue;
  });
}
